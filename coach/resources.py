"""What a long-running process (the action server, the panel) builds once and shares between requests:
the database, the standards and their detector, the scenarios and the drill prompts. Built on first use,
never at import; thread-safe; read-only once built."""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()
warmed = threading.Event()  # set once warm_up() has built everything: what the action server's /ready reports


@lru_cache(maxsize=1)
def database():
    from coach.storage import Database, migrate

    db = Database()
    migrate.ensure_schema(db)  # a clear "run coach db upgrade" instead of a failure halfway through a request
    return db


@lru_cache(maxsize=None)
def _scorer(language: str):
    from coach.standards import Scorer, load_pack, pack_folder

    return Scorer(load_pack(pack_folder(language)))


def scorer(language: str = "en"):
    """The standards pack of a language (standards/<language>/) with that language's detector."""
    with _lock:  # one build, however many requests arrive while it is being built
        return _scorer(language)


def reload_standards():
    """After the pack was edited: the next scorer() reads it again."""
    with _lock:
        _scorer.cache_clear()


def detector(language: str = "en"):
    return scorer(language).detector


@lru_cache(maxsize=1)
def scenarios():
    from coach.sim import load_scenarios

    return load_scenarios()


@lru_cache(maxsize=1)
def drill_prompts():
    from coach.sim.drill import load_all_prompts

    return load_all_prompts()


def warm_up():
    """Build the detectors, the standards, the scenarios and the prompts now rather than in the first
    request (about three seconds a language that everyone waiting behind it would feel): every language a
    scenario or a drill prompt is in."""
    try:
        scorer()
        spoken = {s.language for s in scenarios().values()} | {p.language for p in drill_prompts()}
        for language in sorted(spoken - {"en"}):
            scorer(language)
    finally:  # ready even when a language failed to build: its first request says why, the others go on
        warmed.set()
