"""Panel page timings on a company's worth of data: every page rendered server side (the page script run
by streamlit.testing.v1.AppTest, queries and charts included, query caches cleared before every run) on a
database of 100,000 sessions, and what the practice page adds to the bot's turn time. Target: every page
under 1.5 s, the practice page under 100 ms on top of a turn.

    .venv/bin/python bench/bench_pages.py [--sessions 100000] [--repeat 5] [--database sqlite|postgresql]
                                          [--no-practice]

The database is seeded like bench/bench_storage.py (1,000 people in 20 teams over a year); a manager and
an admin are added. The practice measurement starts the real Rasa and action servers on that database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, select, text  # noqa: E402

from coach.storage import Database, migrate  # noqa: E402
from coach.storage import services as sv  # noqa: E402
from coach.storage.models import PracticeSession  # noqa: E402
from ops.wait import free_port  # noqa: E402

APP = str(ROOT / "trainer_ui" / "app.py")
TARGET_PAGE_S = 1.5
TARGET_TURN_MS = 100


def make_db(kind: str, n: int, tmp: Path):
    from bench_storage import seed

    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp / 'pages.db'}")
        cleanup = None
        if (tmp / "pages.db").exists():  # --keep: reuse the seeded file
            with db.uow() as w:
                w.session.execute(text("DELETE FROM people WHERE login LIKE 'bench.%'"))
                w.commit()
            return db, None
    else:
        admin = create_engine(os.environ.get("COACH_TEST_POSTGRES", "postgresql:///postgres"),
                              isolation_level="AUTOCOMMIT", future=True)
        name = f"coach_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        db = Database(admin.url.set(database=name).render_as_string(hide_password=False))

        def cleanup():
            db.dispose()
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    migrate.upgrade(db)
    t0 = time.perf_counter()
    counts = seed(db, n, 10)
    print(f"seeded {counts['sessions']:,} sessions, {counts['turns']:,} turns, {counts['findings']:,} findings, "
          f"{counts['reviews']:,} reviews in {time.perf_counter() - t0:.0f} s ({kind})", file=sys.stderr)
    return db, cleanup


def people(db) -> dict:
    with db.uow() as w:
        manager = sv.create_person(w, name="Bench Manager", login="bench.manager", role="manager", password_rounds=4,
                                   password="bench password")
        admin = sv.create_person(w, name="Bench Admin", login="bench.admin", role="admin", password_rounds=4,
                                 password="bench password")
        w.commit()
    with db.reader() as r:
        trainee = sv.find_person(r, "p41")
        trainer = sv.find_person(r, "p1")
        mine = r.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == trainee["id"],
                                                                  PracticeSession.status == "completed")
                                 .limit(1)).scalar_one()
        team_session = sv.list_sessions(r, team_id=trainer["team_id"], status="completed", limit=1)[0]["id"]
        return {"trainee": trainee, "trainer": trainer, "manager": sv.get_person(r, manager),
                "admin": sv.get_person(r, admin), "session": mine, "team_session": team_session}


def page_cases(who: dict):
    """(name, role, page, set-up before the timed run)"""
    def query(**q):
        return lambda at: [at.query_params.__setitem__(k, str(v)) for k, v in q.items()]

    def state(**s):
        return lambda at: [at.session_state.__setitem__(k, v) for k, v in s.items()]

    return [
        ("sign in", None, None, None),
        ("practise: choose a scenario", "trainee", "trainee/practise.py", None),
        ("phrase drill", "trainee", "trainee/drill.py", None),
        ("my progress", "trainee", "trainee/progress.py", None),
        ("one session", "trainee", "common/session.py", query(id=who["session"])),
        ("standards + phrase checker", "trainee", "common/standards.py",
         state(check_text="I can't do that, it's not my department.")),
        ("review queue", "trainer", "trainer/review.py", None),
        ("review one session", "trainer", "trainer/review.py", state(review_session=who["team_session"])),
        ("calibration (trainer's team)", "trainer", "trainer/calibration.py", None),
        ("calibration (company)", "manager", "trainer/calibration.py", None),
        ("team dashboard (13 weeks)", "manager", "manager/team.py", None),
        ("employee of the month", "manager", "manager/award.py", None),
        ("people and teams", "admin", "admin/people.py", None),
    ]


def run_page(role, page, setup, who, repeat):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    times, cold = [], None
    for i in range(repeat + 1):
        at = AppTest.from_file(APP, default_timeout=120)
        if role:
            p = who[role]
            at.session_state["user"] = {k: p[k] for k in ("id", "name", "login", "role", "team_id")}
            at.session_state["seen_at"] = time.time()
            at.run()  # the router's first run: lands on the role's first page
            if page:
                at.switch_page(page)
            if setup:
                setup(at)
        st.cache_data.clear()  # every run queries afresh: the figure is the page's work, not a cache hit
        t0 = time.perf_counter()
        at.run()
        dt = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
        if i == 0:
            cold = dt
        else:
            times.append(dt)
    return cold, times


def practice_overhead(db, who, turns=12):
    """What the practice page adds to a turn: the page run minus the practice server's answer time."""
    from streamlit.testing.v1 import AppTest

    from coach.sim.play import load_script
    from ops.servers import Servers

    token = uuid.uuid4().hex
    lines = load_script("kept_waiting", "good") + load_script("kept_waiting", "poor")
    overhead, client = [], []
    with Servers(database=db.url, rasa_port=free_port(), action_port=free_port(), token=token) as s:
        os.environ["COACH_RASA_URL"], os.environ["COACH_RASA_TOKEN"] = s.rasa_url, token
        done = 0
        while done < turns:
            at = AppTest.from_file(APP, default_timeout=120)
            p = who["trainee"]
            at.session_state["user"] = {k: p[k] for k in ("id", "name", "login", "role", "team_id")}
            at.session_state["seen_at"] = time.time()
            at.run()
            at.selectbox(key="pick_scenario").set_value("kept_waiting")
            at.run()
            at.button(key="start").click()
            at.run()
            for line in lines:
                if at.session_state["practice"]["outcome"] or done >= turns:
                    break
                at.chat_input(key="reply").set_value(line)
                t0 = time.perf_counter()
                at.run()
                total = (time.perf_counter() - t0) * 1000
                if at.exception or at.error:
                    raise SystemExit(f"practice page: {(at.exception or at.error)[0].value}")
                ms = at.session_state["practice"]["client_ms"]
                client.append(ms)
                overhead.append(total - ms)
                done += 1
    return overhead, client


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5, help="warm runs per page (after one cold run)")
    ap.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--no-practice", action="store_true", help="skip the turn-time measurement (no Rasa)")
    ap.add_argument("--keep", type=Path, help="SQLite only: seed into this folder once and reuse it next time")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db, cleanup = make_db(args.database, args.sessions, folder)
        try:
            os.environ["DATABASE_URL"] = db.url
            who = people(db)
            rows, worst = [], 0.0
            for name, role, page, setup in page_cases(who):
                cold, warm = run_page(role, page, setup, who, args.repeat)
                worst = max(worst, max(warm))
                rows.append((name, cold, statistics.median(warm), max(warm)))
                print(f"  {name:32s} cold {cold:6.2f} s   warm p50 {statistics.median(warm):5.2f} s  "
                      f"max {max(warm):5.2f} s", file=sys.stderr)
            print(f"\nPanel pages on {args.sessions:,} sessions ({args.database}), server side, seconds "
                  f"({args.repeat} warm runs after one cold run; target {TARGET_PAGE_S} s):")
            print("| page | cold | warm p50 | warm max |\n|---|---|---|---|")
            for name, cold, p50, mx in rows:
                print(f"| {name} | {cold:.2f} | {p50:.2f} | {mx:.2f} |")
            print(f"worst warm run: {worst:.2f} s -> {'OK' if worst < TARGET_PAGE_S else 'OVER TARGET'}")
            if not args.no_practice:
                over, client = practice_overhead(db, who)
                print(f"\nPractice page, {len(over)} turns: the bot's answer p50 {statistics.median(client):.0f} ms; "
                      f"the page adds p50 {statistics.median(over):.0f} ms, p95 {pct(over, 95):.0f} ms, "
                      f"max {max(over):.0f} ms (target {TARGET_TURN_MS} ms) -> "
                      f"{'OK' if pct(over, 95) < TARGET_TURN_MS else 'OVER TARGET'}")
        finally:
            db.dispose()
            if cleanup:
                cleanup()


if __name__ == "__main__":
    main()
