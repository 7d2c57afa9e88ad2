"""Custom actions: thin adapters from Rasa to the core (simulator, detector, standards, storage)."""

from bot.actions import (
    practice,  # noqa: F401  (registers the actions with the action server)
    runtime,
)

runtime.warm_up_in_background()  # in a thread: the server answers its health check at once
