"""What the practice service is given and gives back: the bot's memory of a session between turns, the
answer to send, and the error whose message is said to the trainee as it is."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime


class PracticeError(Exception):
    """A request the service cannot carry out; the message says why in words the trainee can read."""


@dataclass(frozen=True)
class Memory:
    """What the bot remembers of its practice session between turns (Rasa keeps each field in a slot of
    the same name). The database is the record and this is a cache of it: a tracker that lost its slots
    or missed an update is repaired from the database (`Practice.turn`)."""

    conversation_id: str
    session_id: int | None = None
    scenario_id: str | None = None
    seed: int | None = None
    channel: str | None = None
    started_at: str | None = None  # ISO time the session's clock starts from
    sim_state: dict | None = None  # the customer simulator's state, or the drill round's
    next_seq: int | None = None  # the next turn's number
    last_customer: str | None = None  # what the customer said last (the detector reads replies against it)
    last_staff_at: float | None = None  # the trainee's last reply, seconds since the start

    @classmethod
    def slot_names(cls) -> tuple:
        return tuple(f.name for f in dataclasses.fields(cls) if f.name != "conversation_id")

    def identity(self) -> dict:
        """The fields that say which session this is, kept in every answer so a repaired memory keeps them."""
        return {k: getattr(self, k) for k in ("session_id", "scenario_id", "seed", "channel", "started_at")}


@dataclass
class Answer:
    """The customer's words (None: nothing to say), the JSON payload for the client (mood, behaviours,
    findings, outcome, ...) and the memory fields that change (`remember`, slot name -> value)."""

    text: str | None
    payload: dict
    remember: dict = field(default_factory=dict)


def whole_numbers(control: dict, names, message: str) -> list:
    """The control values `names` as ints (a missing "seed" is 0), or a PracticeError with `message`."""
    try:
        return [int(control.get(n) or 0) if n == "seed" else int(control.get(n)) for n in names]
    except (TypeError, ValueError):
        raise PracticeError(message) from None


def seconds_since_start(memory: Memory, now: datetime, clock: str = "server", given=None) -> float:
    """The turn's time in seconds since the session started, on the server's clock. Only a session started
    as scripted (clock "script", through the token-protected API) takes the time its script gives
    (`given`): what a trainee's client sends never sets a time or a latency."""
    if clock == "script":
        t = given
        if isinstance(t, str):
            try:
                t = float(t)
            except ValueError:
                t = None
        if isinstance(t, (int, float)) and not isinstance(t, bool) and t >= 0:
            return float(t)
    if not memory.started_at:
        return 0.0
    return max(0.0, (now - datetime.fromisoformat(memory.started_at)).total_seconds())
