"""How fast are the queries behind the panel on a large database?

Seeds a company of 1,000 people in 20 teams with 100,000 practice sessions and 1,000,000 turns over a year
(scorecards, about three findings a session, reviews for one session in ten), on SQLite and on PostgreSQL,
then times the queries the panel runs, each through the real service function:
- a person's progress over 6 months,
- a team leaderboard for a month (and the whole company's),
- the review queue with filters (team, score range, unreviewed, date),
- one transcript with its findings.
Target: each under 300 ms. Prints p50 / p95 / max over repeated runs with varied parameters.

Usage: python bench/bench_storage.py [--sessions 100000] [--turns 10] [--only sqlite|postgresql] [--repeat 30]
PostgreSQL: a database `coach_bench` is created on the local server (COACH_BENCH_POSTGRES, default
postgresql:///postgres as the current user) and dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from tqdm import tqdm  # noqa: E402

from coach.demo import load_bank  # noqa: E402
from coach.storage import Database, migrate  # noqa: E402
from coach.storage import services as sv  # noqa: E402
from coach.storage.models import (  # noqa: E402
    FindingRecord,
    Person,
    PracticeSession,
    Review,
    ScorecardRecord,
    StandardsVersion,
    Team,
    TurnRecord,
)

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
RULES = ["PH010", "PH011", "CT009", "CO008", "CT014", "CO006", "CO011", "CO001", "PH012", "CT003", "CP004", "CP001"]
TAGS = ["greeting", "apology", "empathy", "solution", "next_steps", "thanks", "closing", "negative_phrasing", "blame"]


def lines():
    bank = load_bank()
    customer, staff = [], []
    for s in bank.values():
        for step in s.steps:
            customer += step.get("customer") or []
            for q in ("good", "fair", "poor"):
                staff += step[q]
    return bank, customer, staff


def seed(db: Database, n_sessions: int, turns_per: int, chunk: int = 2000):
    """A year of practice for 1,000 people: `n_sessions` sessions of `turns_per` turns, written in chunks."""
    with db.engine.begin() as conn:
        conn.execute(insert(Team), [{"id": i + 1, "name": f"Team {i + 1}", "created_at": NOW} for i in range(20)])
        conn.execute(insert(Person), [{"id": i + 1, "name": f"Person {i + 1}", "login": f"p{i + 1}",
                                       "role": "trainee" if i >= 40 else "trainer", "team_id": i % 20 + 1,
                                       "active": True, "created_at": NOW} for i in range(1000)])
        conn.execute(insert(StandardsVersion), [{"id": 1, "pack_id": "en-default", "version": "bench",
                                                 "detector_version": "bench", "rules": [], "registered_at": NOW}])
    rows = _Rows(random.Random(11), turns_per)
    bar = tqdm(total=n_sessions, desc=f"seeding {db.dialect}", unit="session", file=sys.stderr)
    for start in range(0, n_sessions, chunk):
        batch = {model: [] for model in (PracticeSession, TurnRecord, ScorecardRecord, FindingRecord, Review)}
        for _ in range(min(chunk, n_sessions - start)):
            for model, new in rows.session().items():
                batch[model] += new
        with db.engine.begin() as conn:
            for model, new in batch.items():
                if new and db.dialect == "postgresql":
                    _copy(conn, model.__table__, new)
                elif new:
                    conn.execute(insert(model), new)
        bar.update(len(batch[PracticeSession]))
    bar.close()
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            for table in ("teams", "people", "practice_sessions", "turns", "scorecards", "findings", "reviews"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    migrate.refresh_statistics(db)  # what `coach db upgrade` and `coach db demo` do
    return {"sessions": rows.sid, "turns": rows.tid, "scorecards": rows.cid, "findings": rows.fid,
            "reviews": rows.rid}


class _Rows:
    """The rows of one seeded session after another, numbered on from the last (ids are given, for COPY)."""

    def __init__(self, rng: random.Random, turns_per: int):
        self.rng, self.turns_per = rng, turns_per
        bank, self.customer, self.staff = lines()
        self.scenarios = sorted(bank.values(), key=lambda s: s.id)
        self.sid = self.tid = self.cid = self.fid = self.rid = 0

    def session(self) -> dict:
        rng = self.rng
        self.sid += 1
        person = rng.randint(41, 1000)
        sc = rng.choice(self.scenarios)
        started = NOW - timedelta(days=rng.uniform(0, 365))
        active = rng.random() < 0.01
        session = {"id": self.sid, "person_id": person, "scenario_id": sc.id, "scenario_version": "1",
                   "track": sc.track, "difficulty": sc.difficulty, "channel": sc.channel, "language": "en",
                   "started_at": started, "ended_at": None if active else started + timedelta(minutes=6),
                   "last_activity_at": started + timedelta(minutes=6), "status": "active" if active else "completed",
                   "outcome": None if active else rng.choice(["resolved", "resolved", "escalated", "hung_up"]),
                   "final_mood": round(rng.uniform(-1, 1), 2)}
        out = {PracticeSession: [session], TurnRecord: [self.turn(seq, started) for seq in range(self.turns_per)]}
        if not active:
            out.update(self.scorecard(started))
        return out

    def turn(self, seq: int, started) -> dict:
        rng = self.rng
        self.tid += 1
        speaker = "customer" if seq % 2 == 0 else "staff"
        words = rng.choice(self.customer if speaker == "customer" else self.staff)
        tags = rng.sample(TAGS, 2) if speaker == "staff" else None
        return {"id": self.tid, "session_id": self.sid, "seq": seq, "speaker": speaker, "text": words,
                "at": started + timedelta(seconds=20 * seq), "t": 20.0 * seq,
                "latency_ms": rng.randint(2000, 30000) if speaker == "staff" else None,
                "mood_after": round(rng.uniform(-1, 1), 2), "behaviors": tags,
                "spans": [{"behavior": t, "start": 0, "end": 5, "text": words[:5]} for t in tags] if tags else None,
                "intent": None, "intent_confidence": None, "event": None}

    def scorecard(self, started) -> dict:
        """The scorecard of the session just made, its findings, and now and then a review."""
        rng = self.rng
        self.cid += 1
        overall = max(0, min(100, int(rng.gauss(74, 16))))
        card = {"id": self.cid, "session_id": self.sid, "standards_version_id": 1, "overall": overall,
                "categories": {"phrasing": overall, "courtesy": min(100, overall + 5)},
                "explanation": ["bench"], "met": [], "missed": [], "not_applicable": [], "warnings": [],
                "is_current": True, "reason": "live", "created_at": started}
        findings = []
        for _ in range(rng.randint(0, 6)):
            self.fid += 1
            seq = rng.randrange(1, self.turns_per, 2)
            findings.append({"id": self.fid, "scorecard_id": self.cid, "turn_id": self.tid - self.turns_per + 1 + seq,
                             "turn_seq": seq, "rule_id": rng.choice(RULES), "standards_version_id": 1,
                             "severity": rng.choice(["minor", "major", "critical"]), "category": "phrasing",
                             "span_start": 0, "span_end": 5, "span_text": "words", "message": "bench finding",
                             "suggestion": "a better phrasing", "fix": None, "points": 5.0})
        reviews = []
        if rng.random() < 0.1:
            self.rid += 1
            reviews.append({"id": self.rid, "session_id": self.sid, "scorecard_id": self.cid,
                            "reviewer_id": rng.randint(1, 40),
                            "status": rng.choice(["approved", "approved", "pending", "disputed"]),
                            "overall_override": overall if rng.random() < 0.7 else min(100, overall + 10),
                            "overall_reason": "bench", "created_at": started, "updated_at": started})
        return {ScorecardRecord: [card], FindingRecord: findings, Review: reviews}


def _copy(conn, table, rows):
    """PostgreSQL's COPY: the bulk path a real import would use (executemany is ten times slower)."""
    cols = [c.name for c in table.columns]
    buf = io.StringIO()
    for r in rows:
        vals = []
        for c in cols:
            v = r.get(c)
            if v is None:
                vals.append("\\N")
            elif isinstance(v, (dict, list)):
                vals.append(_esc(json.dumps(v)))
            elif isinstance(v, datetime):
                vals.append(v.isoformat())
            elif isinstance(v, bool):
                vals.append("t" if v else "f")
            else:
                vals.append(_esc(str(v)))
        buf.write("\t".join(vals) + "\n")
    buf.seek(0)
    raw = conn.connection.cursor()
    raw.copy_expert(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN", buf)


def _esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def timed(fn, repeat):
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return {"p50": statistics.median(out), "p95": out[min(len(out) - 1, int(0.95 * len(out)))], "max": out[-1]}


def queries(db: Database, repeat: int, n_sessions: int):
    rng = random.Random(5)
    month = [(NOW - timedelta(days=30 * k)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
             for k in range(1, 12)]
    people = [rng.randint(41, 1000) for _ in range(repeat)]
    sessions = [rng.randint(1, n_sessions) for _ in range(repeat)]

    def progress(i):
        with db.reader() as uow:
            rows = sv.progress(uow, people[i], since=NOW - timedelta(days=182), until=NOW)
        assert rows, "a person with no sessions in 6 months: the seed is wrong"

    def team_board(i):
        m = month[i % len(month)]
        with db.reader() as uow:
            rows = sv.leaderboard(uow, since=m, until=(m + timedelta(days=32)).replace(day=1), team_id=i % 20 + 1)
        assert rows

    def company_board(i):
        m = month[i % len(month)]
        with db.reader() as uow:
            sv.leaderboard(uow, since=m, until=(m + timedelta(days=32)).replace(day=1), min_sessions=3)

    filters = [
        {"review_status": "unreviewed"},
        {"review_status": "unreviewed", "team_id": 3},
        {"team_id": 7, "min_score": 0, "max_score": 50},
        {"review_status": "approved", "since": NOW - timedelta(days=90)},
        {"scenario_id": "kept_waiting", "max_score": 40, "review_status": "unreviewed"},
        {"status": "completed", "team_id": 12, "since": NOW - timedelta(days=30)},
        {"review_status": "disputed", "team_id": 5},
    ]

    def queue(i):
        with db.reader() as uow:
            sv.list_sessions(uow, limit=50, **filters[i % len(filters)])

    def transcript(i):
        with db.reader() as uow:
            d = sv.session_detail(uow, sessions[i])
        assert d["turns"]

    results = {}
    for name, fn in (("progress of one person, 6 months", progress), ("team leaderboard, one month", team_board),
                     ("company leaderboard, one month", company_board), ("review queue, filtered", queue),
                     ("one transcript with findings", transcript)):
        fn(0)  # warm the connection pool and caches once, as a running panel has them
        results[name] = timed(fn, repeat)
    return results


def run(kind: str, args):
    started = time.perf_counter()
    admin = None
    if kind == "sqlite":
        path = ROOT / "var" / "bench" / "coach_bench.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for p in path.parent.glob("coach_bench.db*"):
            p.unlink()
        db = Database(f"sqlite:///{path}")
    else:
        admin = create_engine(os.environ.get("COACH_BENCH_POSTGRES", "postgresql:///postgres"),
                              isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS coach_bench WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE coach_bench"))
        db = Database(admin.url.set(database="coach_bench").render_as_string(hide_password=False))
    migrate.upgrade(db)
    counts = seed(db, args.sessions, args.turns)
    seeded = time.perf_counter() - started
    results = queries(db, args.repeat, counts["sessions"])
    db.dispose()
    if admin is not None:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text("DROP DATABASE IF EXISTS coach_bench WITH (FORCE)"))
        admin.dispose()
    elif not args.keep:
        for p in (ROOT / "var" / "bench").glob("coach_bench.db*"):
            p.unlink()
    return counts, seeded, results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=100_000)
    ap.add_argument("--turns", type=int, default=10, help="turns per session")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    ap.add_argument("--keep", action="store_true", help="keep the seeded databases")
    args = ap.parse_args()
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    worst = 0.0
    for kind in kinds:
        counts, seeded, results = run(kind, args)
        print(f"\n{kind}: {counts['sessions']:,} sessions, {counts['turns']:,} turns, {counts['scorecards']:,} "
              f"scorecards, {counts['findings']:,} findings, {counts['reviews']:,} reviews (seeded in {seeded:.0f} s)")
        print(f"  {'query':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, r in results.items():
            worst = max(worst, r["p95"])
            print(f"  {name:<36} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['max']:>8.1f}")
    verdict = "met" if worst < 300 else "NOT met"
    print(f"\ntarget: every query under 300 ms (p95): {verdict} (worst p95 {worst:.1f} ms)")


if __name__ == "__main__":
    main()
