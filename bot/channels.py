"""The REST input channel: only the panel (or `coach practice`, anything holding the Rasa token) speaks for
a trainee, and what it sends is checked before Rasa's NLU sees it.

- Every message carries `X-Coach-Signature`: the HMAC-SHA256 of the conversation id (the `sender`) keyed with
  the Rasa token (COACH_RASA_TOKEN). Without it the answer is 401, with a wrong one 403: a local process that
  learnt a conversation id from the database cannot post a reply as that trainee.
- A message longer than the limit (2,000 characters), or with control characters or bidi overrides, is
  refused at once with a 4xx and the reason, before NLU (which takes minutes and gigabytes on 100 KB).
  The Rasa server also caps the size of any request (bot/rasa_server.py).
- Rasa reads a message starting with "/" as an intent with entities ("/end_practice", '/start{"seed": 1}').
  Trainee text must never do that: control messages come only from the server side, through Rasa's
  token-protected HTTP API. The channel puts an invisible word joiner (U+2060) in front of such a message,
  so NLU sees ordinary text; the actions take the mark off again before anything is stored or scored
  (bot/payload_guard.py).
- Times are the server's: the practice service takes each turn's time from its own clock (coach/practice/memory.py).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.client import SIGNATURE_HEADER, refusal, sign  # one definition, shared with the panel's client (no Rasa)
from bot.payload_guard import neutralise

log = logging.getLogger(__name__)
MAX_SENDER = 120


def _error(status: int, message: str):
    return response.json({"error": message}, status=status)


class SafeRestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender", "message", "metadata"} with X-Coach-Signature: Rasa's REST
    channel, signed and checked. Answers the bot's messages as a JSON list, like Rasa's own."""

    def __init__(self, token: str | None = None):
        from coach import settings

        self.token = token or settings.rasa_token()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials):
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("coach_rest_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            try:
                body = request.json
            except Exception:  # noqa: BLE001 (Sanic's own error type differs between versions)
                body = None
            if not isinstance(body, dict):
                return _error(400, 'expected a JSON object {"sender": ..., "message": ...}')
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER:
                return _error(400, f"sender: the conversation id, 1 to {MAX_SENDER} characters")
            given = request.headers.get(SIGNATURE_HEADER) or ""
            if not given:
                return _error(401, f"a signed request is required ({SIGNATURE_HEADER}); only the panel speaks for "
                                   f"a trainee")
            if not hmac.compare_digest(given.encode(), sign(sender, self.token).encode()):
                log.warning("refused a message for a conversation without the right signature (from %s)", request.ip)
                return _error(403, "the signature does not match this conversation (COACH_RASA_TOKEN must match "
                                   "the server's)")
            text = body.get("message")
            refused = refusal(text)
            if refused:
                return _error(*refused)
            meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(neutralise(text), collector, sender, input_channel=self.name(),
                                                 metadata=meta))
            except Exception:  # noqa: BLE001 (the trainee's words stay out of the log)
                log.exception("a message of conversation %s failed", sender)
            return response.json(collector.messages)

        return hook
