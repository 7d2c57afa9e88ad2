"""The payload guard: trainee text never reads as a Rasa intent.

Rasa reads a message starting with "/" as an intent with entities ("/end_practice", '/start{"seed": 1}').
The input channel (bot/channels.py) puts an invisible word joiner (U+2060) in front of such a message, so
NLU sees ordinary text; the featurizer (bot/nlu.py) and the actions (bot/actions/practice.py) take the mark
off again before anything is tagged, stored or scored.

Plain Python on purpose: the action server imports it, and must not load Rasa's server modules for it.
"""

from __future__ import annotations

from typing import Optional, Text

PAYLOAD_GUARD = "\u2060"


def neutralise(text: Optional[Text]) -> Optional[Text]:
    if isinstance(text, str) and text.strip().startswith("/"):
        return PAYLOAD_GUARD + text
    return text


def restore(text: Optional[Text]) -> Text:
    text = text or ""
    return text[len(PAYLOAD_GUARD):] if text.startswith(PAYLOAD_GUARD) else text
