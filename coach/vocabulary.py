"""The product's words, defined once: roles, channels, tracks and severities.

Plain tuples with no imports, so any layer (storage, standards, simulator, panel) can use them without loading
another. The database stores these exact strings (check constraints in coach/storage/models.py; the Alembic
migrations keep their own frozen copies): renaming one needs a migration, adding one a new constraint.
"""

from __future__ import annotations

ROLES = ("trainee", "trainer", "manager", "admin")  # who a person is in the panel, least to most rights

CONVERSATION_CHANNELS = ("chat", "phone")  # how a trainee meets a customer: a scenario's or a transcript's channel
DRILL_CHANNEL = "drill"  # the channel a phrase-drill session is stored under
CHANNELS = (*CONVERSATION_CHANNELS, DRILL_CHANNEL)  # what a practice session is: a conversation, or the phrase drill

TRACKS = ("phrasing", "telephone", "complaint")  # what a scenario trains

SEVERITIES = ("info", "minor", "major", "critical")  # how much a broken standard weighs, least to most
