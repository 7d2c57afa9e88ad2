"""What the actions share in one action-server process: the core's shared resources (coach.resources),
warmed up in the background when the server starts."""

from __future__ import annotations

import threading

from coach.resources import database, detector, drill_prompts, scenarios, scorer, warm_up

__all__ = ["database", "detector", "drill_prompts", "scenarios", "scorer", "warm_up", "warm_up_in_background"]


def warm_up_in_background():
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
