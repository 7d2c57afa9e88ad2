"""What the actions share in one action-server process, built on first use (never at import)."""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=1)
def database():
    from coach.storage import Database, migrate

    db = Database()
    migrate.ensure_schema(db)  # a clear "run coach db upgrade" instead of a failure halfway through a turn
    return db


@lru_cache(maxsize=1)
def scorer():
    from coach.standards import Scorer, load_pack

    with _lock:
        return Scorer(load_pack())


@lru_cache(maxsize=1)
def scenarios():
    from coach.sim import load_scenarios

    return load_scenarios()


def detector():
    return scorer().detector
