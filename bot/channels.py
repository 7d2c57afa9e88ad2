"""The REST input channel, with trainee text that can never act as a Rasa payload.

Rasa reads a message starting with "/" as an intent with entities ("/end_practice", '/start{"seed": 1}').
Trainee text must never be able to do that: control messages come only from the server side, through
Rasa's token-protected HTTP API. This channel puts an invisible word joiner (U+2060) in front of such a
message, so Rasa's NLU sees ordinary text; the actions take the mark off again before anything is
stored or scored.
"""

from __future__ import annotations

from typing import Optional, Text

from rasa.core.channels.rest import RestInput

PAYLOAD_GUARD = "\u2060"


def neutralise(text: Optional[Text]) -> Optional[Text]:
    if isinstance(text, str) and text.strip().startswith("/"):
        return PAYLOAD_GUARD + text
    return text


def restore(text: Optional[Text]) -> Text:
    text = text or ""
    return text[len(PAYLOAD_GUARD):] if text.startswith(PAYLOAD_GUARD) else text


class SafeRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender", "message", "metadata"}: like Rasa's REST channel."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req) -> Optional[Text]:
        return neutralise(super()._extract_message(req))
