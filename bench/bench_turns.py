"""Turn latency with a room of trainees practising at once.

Starts the Rasa server and the action server (a fresh SQLite database under var/bench, or DATABASE_URL
with --database), then runs N concurrent virtual trainees for a fixed time. Each plays scenario scripts
(coach/sim/scripts, well and poorly served in turn) through the same path as the panel, thinking
--think seconds between replies (5 s by default: a trainee reads the customer and types a sentence;
--think 1 is a stress test far beyond what people type). A turn is measured from the staff message sent to
the customer's reply received, which is after the turn has been committed to the database.

Prints p50/p95/p99 turn latency, throughput and errors, then checks that every turn sent was recorded
exactly once. Target on this 2-core machine: p95 under 300 ms with 20 trainees, no errors.

Usage: python bench/bench_turns.py [--users 20] [--seconds 120] [--think 5] [--database URL]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.client import PracticeClient, PracticeError  # noqa: E402
from coach.sim import load_scenarios  # noqa: E402
from coach.sim.play import load_script  # noqa: E402
from coach.storage import Database, migrate  # noqa: E402
from coach.storage import services as sv  # noqa: E402
from ops.servers import Servers  # noqa: E402


def prepare(url: str, users: int) -> list[int]:
    db = Database(url)
    migrate.upgrade(db)
    with db.uow() as uow:
        team = sv.create_team(uow, f"Bench {int(time.time())}")
        ids = [sv.create_person(uow, name=f"Virtual trainee {k}", login=f"bench-{int(time.time())}-{k}",
                                role="trainee", team_id=team) for k in range(users)]
        uow.commit()
    db.dispose()
    return ids


def trainee(person_id, servers, deadline, think, rng, results, lock):
    scenarios = sorted(load_scenarios().values(), key=lambda s: s.id)
    client = PracticeClient(servers.rasa_url, token=servers.token, timeout=30)
    for n in itertools.count():
        if time.monotonic() >= deadline:
            return
        sc = rng.choice(scenarios)
        script = load_script(sc.id, "good" if n % 2 == 0 else "poor")
        client.conversation_id = None
        try:
            first = client.start(person_id=person_id, scenario=sc.id, seed=rng.randint(0, 9999),
                                 hostile=sc.hostility >= 2)
        except PracticeError as exc:
            with lock:
                results["errors"].append(str(exc))
            continue
        with lock:
            results["sessions"][first["session_id"]] = 0
        clock = 0.0
        for item in script:
            if time.monotonic() >= deadline:
                return
            time.sleep(max(0.0, rng.gauss(think, think / 3)))
            item = {"text": item} if isinstance(item, str) else item
            clock = float(item.get("t", clock + 15))
            t0 = time.perf_counter()
            try:
                reply = client.event(item["event"], clock) if "event" in item else client.say(item["text"], clock)
            except PracticeError as exc:
                with lock:
                    results["errors"].append(str(exc))
                break
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                results["latency"].append(ms)
                results["sessions"][first["session_id"]] += 1
            if reply.get("outcome"):
                break


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--think", type=float, default=5.0, help="mean seconds a trainee reads and types between replies")
    ap.add_argument("--database", default=None, help="default: a fresh SQLite file under var/bench")
    args = ap.parse_args()
    url = args.database
    if url is None:
        path = ROOT / "var" / "bench" / "turns.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for p in path.parent.glob("turns.db*"):
            p.unlink()
        url = f"sqlite:///{path}"
    people = prepare(url, args.users)
    results = {"latency": [], "errors": [], "sessions": {}}
    lock = threading.Lock()
    with Servers(database=url, rasa_port=5105, action_port=5155) as servers:
        print(f"servers up; {args.users} trainees for {args.seconds:.0f} s (think {args.think} s)", file=sys.stderr)
        deadline = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [threading.Thread(target=trainee, args=(pid, servers, deadline, args.think,
                                                          random.Random(k), results, lock), daemon=True)
                   for k, pid in enumerate(people)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
    lat = sorted(results["latency"])
    if not lat:
        print("no turns completed; errors:", results["errors"][:5])
        return 1
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
    print(f"\n{len(lat):,} turns in {elapsed:.0f} s = {len(lat) / elapsed:.1f} turns/s over "
          f"{len(results['sessions'])} sessions; errors: {len(results['errors'])}")
    print(f"turn latency ms: p50 {statistics.median(lat):.0f}  p95 {p95:.0f}  "
          f"p99 {lat[min(len(lat) - 1, int(0.99 * len(lat)))]:.0f}  max {lat[-1]:.0f}")
    if results["errors"]:
        print("first errors:", *results["errors"][:3], sep="\n  ")
    bad = recorded_mismatches(url, results["sessions"])
    print(f"recorded exactly once: {'yes' if not bad else 'NO'} ({sum(results['sessions'].values()):,} turns sent)"
          + (f"; mismatches (sent, recorded): {list(bad.items())[:5]}" if bad else ""))
    met = p95 < 300 and not results["errors"] and not bad
    print(f"target p95 < 300 ms and no errors: {'met' if met else 'NOT met'}")
    return 0


def recorded_mismatches(url: str, sent: dict) -> dict:
    """Every turn sent is in the database exactly once (a staff or system turn per request): the sessions where
    the count differs, as {session id: (sent, recorded)}."""
    from sqlalchemy import func, select

    from coach.storage.models import TurnRecord

    db = Database(url)
    ids = list(sent)
    with db.reader() as uow:
        rows = dict(uow.session.execute(
            select(TurnRecord.session_id, func.count()).where(TurnRecord.speaker != "customer",
                                                              TurnRecord.session_id.in_(ids))
            .group_by(TurnRecord.session_id)).all())
        # the session's first system turn (a ring) is written by the start, not by a trainee request
        rings = dict(uow.session.execute(
            select(TurnRecord.session_id, func.count()).where(TurnRecord.seq == 0, TurnRecord.speaker == "system",
                                                              TurnRecord.session_id.in_(ids))
            .group_by(TurnRecord.session_id)).all())
    db.dispose()
    return {sid: (n, rows.get(sid, 0) - rings.get(sid, 0)) for sid, n in sent.items()
            if rows.get(sid, 0) - rings.get(sid, 0) != n}


if __name__ == "__main__":
    sys.exit(main())
