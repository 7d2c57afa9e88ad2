"""Talking to the running practice servers, as the panel and `coach practice` do.

Trainee text goes through the REST input channel (bot/channels.py), signed with the Rasa token so that only
the panel can speak for a trainee; control messages (start, call events, end) go through Rasa's
token-protected HTTP API. Every answer is the customer's reply as a dict: customer text, mood, behaviours,
findings, outcome. One message is in flight per client at a time (a lock): the panel's overlapping page runs
share one client per session.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid

import requests

from coach.plaintext import unshowable
from ops.wait import call_again

MAX_MESSAGE = 2_000  # characters in one trainee message
SIGNATURE_HEADER = "X-Coach-Signature"


def sign(sender: str, token: str) -> str:
    """The signature the channel expects for a conversation id: only holders of the Rasa token can make it."""
    return hmac.new(token.encode(), sender.encode(), hashlib.sha256).hexdigest()


def refusal(text) -> tuple[int, str] | None:
    """(status, reason) when a trainee message must not reach NLU, else None. Used before anything is sent."""
    if not isinstance(text, str) or not text.strip():
        return 400, "the message is empty; write what you would say to the customer"
    if len(text) > MAX_MESSAGE:
        return 413, (f"the message has {len(text):,} characters; one reply may have at most {MAX_MESSAGE:,}. "
                     f"Nothing was recorded")
    problem = unshowable(text)
    if problem:
        return 422, f"the message {problem}. Nothing was recorded"
    return None


class PracticeError(RuntimeError):
    """The practice servers could not do what was asked; the message says why and what to do.
    `retryable`: the same request may succeed a moment later (a server error, a dropped connection)."""

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


class PracticeClient:
    def __init__(self, rasa_url: str = "http://127.0.0.1:5005", token: str | None = None, timeout: float = 20.0,
                 session: requests.Session | None = None, retries: int = 2):
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()
        self.conversation_id: str | None = None
        self.last: dict = {}
        self.pending: tuple[str, str] | None = None  # (text, message id) of a reply not answered yet
        self.last_message_id: str | None = None
        self.retries = retries  # automatic retries of a trainee reply after a server error (same message id)
        self._lock = threading.RLock()  # one message in flight: the panel's page runs may overlap

    # -- control messages (server side only) ------------------------------------------------------
    def start(self, *, person_id: int, scenario: str, seed: int = 0, channel: str | None = None,
              hostile: bool = False, conversation_id: str | None = None, scripted: bool = False,
              language: str | None = None) -> dict:
        """A new session. `scripted`: its turns' times come from the script (`t` of say() and event(); a
        replayed or scripted conversation, `coach practice`); otherwise, as in the panel, from the server's clock.
        `language`: the phrase drill's language (a scenario has its own)."""
        with self._lock:
            self.conversation_id = conversation_id or f"practice-{person_id}-{uuid.uuid4().hex[:12]}"
            self.pending = None
            entities = {"scenario": scenario, "seed": seed, "person_id": person_id, "hostile": hostile}
            if channel:
                entities["channel"] = channel
            if scripted:
                entities["clock"] = "script"
            if language:
                entities["language"] = language
            return self._trigger("start_practice", entities)

    def retry(self, *, person_id: int, session_id: int, from_turn: int, conversation_id: str | None = None) -> dict:
        """Restart `session_id` before the trainee's turn `from_turn`, the customer as it was then."""
        with self._lock:
            self.conversation_id = conversation_id or f"practice-{person_id}-{uuid.uuid4().hex[:12]}"
            self.pending = None
            return self._trigger("start_practice", {"person_id": person_id, "retry_of": session_id,
                                                    "from_turn": from_turn})

    def event(self, event: str, t: float | None = None) -> dict:
        """A call event; `t` counts only in a scripted session (start(scripted=True))."""
        entities = {"event": event}
        if t is not None:
            entities["t"] = t
        with self._lock:
            return self._trigger("call_event", entities)

    def end(self) -> dict:
        with self._lock:
            return self._trigger("end_practice", {})

    def health(self) -> dict:
        """The Rasa server's status (it answers, accepts the token, has its model loaded) or PracticeError."""
        r = self._request("get", "/status", params={"token": self.token}, timeout=min(self.timeout, 5))
        if not r.ok or not (r.json() or {}).get("model_file"):
            raise PracticeError(f"the practice server at {self.rasa_url} is still loading its model; wait a moment")
        return r.json()

    # -- trainee text -----------------------------------------------------------------------------
    def say(self, text: str, t: float | None = None, message_id: str | None = None, voice: dict | None = None) -> dict:
        """A trainee reply. `t` counts only in a scripted session; `message_id` (letters, digits, - and _):
        the caller's id of this reply, kept when it is sent again, so that it is recorded once; `voice` what was
        measured from a spoken reply (coach.voice.listen.Transcription.as_dict, plus talk_over_s)."""
        if self.conversation_id is None:
            raise PracticeError("no practice session yet: start one first")
        refused = refusal(text)
        if refused:
            raise PracticeError(refused[1].replace(". Nothing was recorded", ""))
        with self._lock:
            # A reply sent again after a failure keeps its message id: if the first try was recorded after all
            # (its answer was lost), the action server answers from the record instead of recording it twice.
            if message_id:
                self.pending = (text, message_id)
            elif self.pending is None or self.pending[0] != text:
                self.pending = (text, uuid.uuid4().hex)
            mid = self.pending[1]
            meta = {"message_id": mid, **({} if t is None else {"t": t}), **({"voice": voice} if voice else {})}
            body = {"sender": self.conversation_id, "message": text, "metadata": meta}
            headers = {SIGNATURE_HEADER: sign(self.conversation_id, self.token or "")}
            answer = call_again(lambda: self._answer(self._post("/webhooks/rest/webhook", body, headers=headers)),
                                retries=self.retries,
                                worth_retrying=lambda exc: isinstance(exc, PracticeError) and exc.retryable)
            self.last_message_id = mid
            self.pending = None
            return answer

    # -- internals --------------------------------------------------------------------------------
    def _trigger(self, intent: str, entities: dict) -> dict:
        if self.conversation_id is None:
            raise PracticeError("no practice session yet: start one first")
        data = self._post(f"/conversations/{self.conversation_id}/trigger_intent",
                          {"name": intent, "entities": entities}, params={"token": self.token})
        return self._answer(data.get("messages") or [])

    def _request(self, method, path, *, timeout=None, **kw) -> requests.Response:
        """One HTTP call to the Rasa server, its failures said in words (not running, too slow, wrong token)."""
        timeout = timeout or self.timeout
        try:
            r = self.http.request(method, self.rasa_url + path, timeout=timeout, **kw)
        except requests.ConnectionError:
            raise PracticeError(f"the practice server is not running at {self.rasa_url}; start it with `make run`") \
                from None
        except requests.Timeout:
            raise PracticeError(f"the practice server at {self.rasa_url} did not answer within {timeout:.0f} s; "
                                f"it may be overloaded or still loading its model") from None
        if r.status_code in (401, 403):
            raise PracticeError("the practice server refused the token (COACH_RASA_TOKEN must match the server's)")
        return r

    def _post(self, path, body, params=None, headers=None):
        r = self._request("post", path, json=body, params=params, headers=headers)
        if not r.ok:
            try:
                reason = (r.json() or {}).get("error")
            except ValueError:
                reason = None
            raise PracticeError(reason or f"the practice server answered {r.status_code}: {r.text[:300]}",
                                retryable=r.status_code >= 500)
        return r.json()

    def _answer(self, messages) -> dict:
        customs = [m.get("custom") for m in messages if isinstance(m, dict) and m.get("custom")]
        if not customs:
            raise PracticeError("the customer did not answer: the action server is probably not running "
                                "(see var/log/actions-*.log); the session continues once it is back")
        out = customs[-1]
        if "error" in out:
            raise PracticeError(out["error"])
        self.last = out
        return out
