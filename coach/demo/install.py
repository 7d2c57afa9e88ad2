"""Installing the demo company into a database, as `coach db demo` and `coach up` do: migrate, then load
the company (coach/demo/company.py) scored with a standards pack, and say so."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from coach.vocabulary import ROLES


def _people(db) -> int:
    from sqlalchemy import func, select

    from coach.storage.models import Person

    with db.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(Person)).scalar()


def install_demo(db, *, pack: Path | None = None, seed: int = 7, anchor: date | None = None, reset: bool = False,
                 if_empty: bool = False) -> int:
    """Migrate `db` (after dropping everything, with `reset`) and load the demo company into it; with
    `if_empty`, only when it holds nobody yet. Progress on stderr when a person watches; returns 0."""
    from tqdm import tqdm

    from coach.demo.company import load_demo
    from coach.standards import DEFAULT_PACK, Scorer, load_pack
    from coach.storage import migrate

    if reset:
        migrate.downgrade(db, "base")
    migrate.upgrade(db)
    if if_empty:
        people = _people(db)
        if people:
            print(f"{db!r} already holds {people} people; the demo company is not loaded again")
            return 0
    scorer = Scorer(load_pack(pack or DEFAULT_PACK))
    started = time.monotonic()
    print(f"loading the demo company into {db!r} ...", file=sys.stderr)
    with tqdm(total=None, desc="demo sessions", unit="session", file=sys.stderr, disable=None, leave=False) as bar:
        counts = load_demo(db, scorer, seed=seed, anchor=anchor, on_progress=bar.update)
    logins = counts.pop("logins")
    migrate.refresh_statistics(db)
    print(f"demo company loaded in {time.monotonic() - started:.1f} s: " +
          ", ".join(f"{v} {k}" for k, v in counts.items()))
    print("sign in as " + ", ".join(f"{logins[r]} ({r})" for r in ROLES) +
          f"; every demo password is {logins['password']!r}")
    return 0
