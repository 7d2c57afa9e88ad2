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
def _scorer():
    from coach.standards import Scorer, load_pack

    return Scorer(load_pack())


def scorer():
    with _lock:  # one build, however many requests arrive while it is being built
        return _scorer()


def warm_up():
    """Build the detector, the standards and the scenarios now rather than in the first trainee's turn
    (about three seconds that every conversation waiting behind it would feel)."""
    scorer()
    scenarios()
    drill_prompts()


def warm_up_in_background():
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()


@lru_cache(maxsize=1)
def scenarios():
    from coach.sim import load_scenarios

    return load_scenarios()


@lru_cache(maxsize=1)
def drill_prompts():
    from coach.sim.drill import load_prompts

    return load_prompts()


def detector():
    return scorer().detector
