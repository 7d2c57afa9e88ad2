"""Custom actions: thin adapters from Rasa to the core (simulator, detector, standards, storage).

Importing this package registers the actions with the action server and does nothing else: the core's shared
resources (coach/resources.py) are built on first use, or warmed up when the server starts (bot/action_server.py).
"""

from bot.actions import practice  # noqa: F401  (registers the actions with the action server)
