"""Load test: a shift of virtual trainees practising at once through the panel's own client.

    .venv/bin/python bench/load.py                        # 50 trainees for 3 minutes, one Rasa + one action server
    .venv/bin/python bench/load.py --replicas 2 --redis redis://127.0.0.1:6379/3 --database postgresql:///...
    .venv/bin/python bench/load.py --trainees 10 --seconds 30

It starts the servers for real on loopback ports (a fresh database in a temporary folder unless
--database is given; PostgreSQL URLs name a maintenance database in which a fresh one is created and
dropped), creates the trainees, runs them (the load driver, ops/load_driver.py: scripted conversations with
a think time between replies, as the panel sends them), prints progress every few seconds, then the figures: throughput,
turn latency p50/p95/p99, errors, and the exactly-once check of every turn against the database.
Exit status 1 when the target is missed: no errors, nothing lost or duplicated, p95 under 500 ms.
All traffic stays on 127.0.0.1; the run is bounded by --seconds and stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.storage import Database, migrate  # noqa: E402
from coach.storage import services as sv  # noqa: E402
from ops import load_driver  # noqa: E402
from ops.scratch import scratch_database  # noqa: E402
from ops.servers import Servers, train  # noqa: E402
from ops.wait import free_port  # noqa: E402

TARGET_P95_MS = 500


def fresh_database(url: str | None, folder: Path) -> contextlib.AbstractContextManager:
    """A new empty database for the run: a SQLite file, or a scratch database on a PostgreSQL server."""
    if url:
        return scratch_database(url, "coach_load")

    @contextlib.contextmanager
    def sqlite():
        db = Database(f"sqlite:///{folder / 'load.db'}")
        migrate.upgrade(db)
        try:
            yield db
        finally:
            db.dispose()
    return sqlite()


def shift(args, db, folder: Path):
    """Create the trainees, start the servers, run them, check the record; stop the servers."""
    from sqlalchemy import func, select

    from coach.storage.models import TurnRecord

    with db.uow() as uow:
        team = sv.create_team(uow, "Load test shift")
        people = [sv.create_person(uow, name=f"Virtual Trainee {i}", login=f"virtual{i}", role="trainee",
                                   team_id=team) for i in range(args.trainees)]
        uow.commit()
    model, token = train(quiet=True), uuid.uuid4().hex
    servers = [Servers(database=db.url, rasa_port=free_port(), action_port=free_port(), token=token, model=model,
                       log_dir=folder / "logs", redis_url=args.redis) for _ in range(args.replicas)]
    try:
        for s in servers:
            s.__enter__()
        print(f"{args.trainees} virtual trainees for {args.seconds:.0f} s, think time {args.think[0]:g}-"
              f"{args.think[1]:g} s, {args.replicas} Rasa server(s) + action server(s), "
              f"{db.engine.url.get_backend_name()}; logs in {folder / 'logs'}", flush=True)
        last = [0.0]

        def progress(tally, elapsed):
            if elapsed - last[0] >= 10:
                last[0] = elapsed
                print(f"  {elapsed:5.0f} s  {len(tally.latencies_ms):6d} turns  {len(tally.errors):3d} errors",
                      flush=True)

        tally, took = load_driver.run([s.rasa_url for s in servers], token, people, args.seconds,
                                      think=tuple(args.think), seed=args.seed, progress=progress,
                                      min_turns=args.min_turns)
        time.sleep(0.5)
        problems = load_driver.verify(db, tally)
    finally:
        for s in servers:
            s.stop()
    with db.reader() as r:
        staff_rows = r.session.execute(select(func.count()).select_from(TurnRecord)
                                       .where(TurnRecord.speaker == "staff")).scalar()
    return tally, took, problems, staff_rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trainees", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--think", type=float, nargs=2, default=(3.0, 8.0), metavar=("MIN", "MAX"),
                    help="seconds a trainee takes to write a reply (uniform; default 3 to 8)")
    ap.add_argument("--replicas", type=int, default=1, help="Rasa servers, each with its own action server")
    ap.add_argument("--redis", default=None, help="Rasa lock store (needed with --replicas > 1)")
    ap.add_argument("--database", default=None,
                    help="a PostgreSQL maintenance URL (postgresql:///postgres); default: a SQLite file")
    ap.add_argument("--min-turns", type=int, default=0,
                    help="go on past --seconds until this many turns were answered (at most ten times --seconds): a "
                         "short run then checks the same amount of work on a busy machine")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line too")
    ap.add_argument("--no-latency-target", action="store_true",
                    help="exit status from errors and the exactly-once check only (the short run in make test)")
    args = ap.parse_args(argv)
    if args.replicas > 1 and not args.redis:
        ap.error("several replicas share conversations only with a Redis lock store: add --redis redis://127.0.0.1:6379/3")
    if args.trainees < 1 or args.seconds <= 0:
        ap.error("--trainees must be at least 1 and --seconds above 0")

    folder = Path(tempfile.mkdtemp(prefix="coach-load-"))
    with fresh_database(args.database, folder) as db:
        tally, took, problems, staff_rows = shift(args, db, folder)
    fig = tally.summary(took)
    sent = sum(len(v) for v in tally.sent.values())
    print(f"\nturns answered        {fig['turns']:,} in {took:.0f} s = {fig['throughput_per_s']:.1f} per second")
    print(f"sessions              {fig['sessions_started']} started, {fig['sessions_finished']} finished")
    print(f"turn latency (ms)     p50 {fig['p50_ms']:.0f}   p95 {fig['p95_ms']:.0f}   p99 {fig['p99_ms']:.0f}   "
          f"max {fig['max_ms']:.0f}   (session start p95 {fig['start_p95_ms']:.0f})")
    print(f"errors                {fig['errors']}" + "".join(f"\n    {e}" for e in tally.errors[:10]))
    print(f"exactly once          {sent:,} replies sent and answered, {staff_rows:,} staff turns recorded, "
          f"{len(problems)} problems" + "".join(f"\n    {p}" for p in problems[:10]))
    ok = not tally.errors and not problems and (args.no_latency_target or fig["p95_ms"] < TARGET_P95_MS)
    target = "no errors, nothing lost or doubled" + ("; latency not judged" if args.no_latency_target
                                                     else f", p95 < {TARGET_P95_MS} ms")
    print(f"target ({target}): {'met' if ok else 'MISSED'}")
    if args.json:
        print(json.dumps({**fig, "problems": len(problems), "recorded": staff_rows, "sent": sent}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
