"""Custom actions: thin adapters from Rasa to the core (simulator, detector, standards, storage)."""

from bot.actions import practice  # noqa: F401  (registers the actions with the action server)
