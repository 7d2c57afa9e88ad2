"""Practice-session transcripts: parsing and validation with errors that say what is wrong and what is right."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coach.vocabulary import CONVERSATION_CHANNELS

SPEAKERS = ("customer", "staff", "system")
EVENTS = ("ring", "answer", "hold", "resume", "transfer", "hangup")
MAX_TURNS = 2_000
MAX_TURN_CHARS = 20_000


class TranscriptError(ValueError):
    """A transcript that cannot be scored; the message names the field and what was expected."""


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str = ""
    t: float | None = None
    event: str | None = None
    voice: dict | None = None  # a spoken staff reply's measures (coach/voice): words_per_minute, silences, ...


@dataclass
class Transcript:
    turns: list[Turn]
    channel: str = "chat"
    scenario: str | None = None
    meta: dict = field(default_factory=dict)

    @property
    def staff_turns(self):
        return [i for i, turn in enumerate(self.turns) if turn.speaker == "staff"]


def parse_transcript(obj, where="transcript") -> Transcript:
    """Validate a decoded JSON/YAML object and build a Transcript."""
    if not isinstance(obj, dict):
        raise TranscriptError(f"{where}: expected an object with 'turns' (and optional 'channel', 'scenario'), "
                              f"got {type(obj).__name__}")
    channel = obj.get("channel", "chat")
    if channel not in CONVERSATION_CHANNELS:
        raise TranscriptError(f"{where}: channel {channel!r} is not one of {', '.join(CONVERSATION_CHANNELS)}")
    scenario = obj.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise TranscriptError(f"{where}: scenario must be a string id, got {type(scenario).__name__}")
    turns_in = obj.get("turns")
    if turns_in is None:
        raise TranscriptError(f"{where}: missing 'turns': "
                              f"a list of {{\"speaker\": \"customer\"|\"staff\", \"text\": ...}}")
    if not isinstance(turns_in, list):
        raise TranscriptError(f"{where}: 'turns' must be a list, got {type(turns_in).__name__}")
    if len(turns_in) > MAX_TURNS:
        raise TranscriptError(f"{where}: {len(turns_in)} turns; at most {MAX_TURNS} are accepted in one session")
    turns = []
    last_t = None
    for n, raw in enumerate(turns_in):
        turn = _parse_turn(raw, f"{where}: turns[{n}]", last_t)
        last_t = turn.t if turn.t is not None else last_t
        turns.append(turn)
    if not any(turn.speaker == "staff" for turn in turns):
        raise TranscriptError(f"{where}: no staff turn to score; a transcript needs at least one turn with "
                              f"\"speaker\": \"staff\"")
    meta = {k: v for k, v in obj.items() if k not in ("channel", "scenario", "turns")}
    return Transcript(turns=turns, channel=channel, scenario=scenario, meta=meta)


def _parse_turn(raw, here, last_t) -> Turn:
    """One turn of a transcript, checked; `last_t` is the time of the turn before (times never go back)."""
    if not isinstance(raw, dict):
        raise TranscriptError(f"{here}: expected an object with 'speaker' and 'text', got {type(raw).__name__}")
    speaker = raw.get("speaker")
    if speaker is None:
        raise TranscriptError(f"{here}: missing 'speaker' (one of {', '.join(SPEAKERS)})")
    if speaker not in SPEAKERS:
        raise TranscriptError(f"{here}: unknown speaker {speaker!r}; expected one of {', '.join(SPEAKERS)}")
    event = raw.get("event")
    text = raw.get("text", "")
    if speaker == "system":
        if event not in EVENTS:
            raise TranscriptError(f"{here}: a system turn needs 'event', one of {', '.join(EVENTS)}; got {event!r}")
        text = ""
    else:
        if event is not None:
            raise TranscriptError(f"{here}: only system turns carry an 'event' (got one on a {speaker} turn)")
        if not isinstance(text, str):
            raise TranscriptError(f"{here}: 'text' must be a string, got {type(text).__name__}")
        if "text" not in raw:
            raise TranscriptError(f"{here}: missing 'text' on a {speaker} turn")
        if len(text) > MAX_TURN_CHARS:
            raise TranscriptError(f"{here}: text is {len(text):,} characters; one turn may have at most "
                                  f"{MAX_TURN_CHARS:,}")
    t = raw.get("t")
    if t is not None:
        if isinstance(t, bool) or not isinstance(t, (int, float)) or t < 0:
            raise TranscriptError(f"{here}: 't' must be seconds since the session started (a number >= 0), "
                                  f"got {t!r}")
        if last_t is not None and t < last_t:
            raise TranscriptError(f"{here}: 't' = {t} goes back in time (the turn before was at {last_t})")
    voice = raw.get("voice")
    if voice is not None:
        if speaker != "staff":
            raise TranscriptError(f"{here}: only staff turns carry 'voice' (the measures of a spoken reply)")
        voice = parse_voice(voice, f"{here}: voice")
    return Turn(speaker=speaker, text=text, t=float(t) if t is not None else None, event=event, voice=voice)


VOICE_NUMBERS = ("duration_s", "words_per_minute", "talk_over_s", "loudness_db", "speech_start", "speech_end")
VOICE_FLAGS = ("too_quiet", "clipped")


def parse_voice(obj, where) -> dict:
    """The measures of a spoken reply (what `coach transcribe` prints, plus talk_over_s: the seconds the trainee
    spoke while the customer's line was still playing). Unknown keys are kept out; wrong types are refused."""
    if not isinstance(obj, dict):
        raise TranscriptError(f"{where}: expected an object such as {{\"words_per_minute\": 150, \"silences\": []}}, "
                              f"got {type(obj).__name__}")
    out = {}
    for key in VOICE_NUMBERS:
        v = obj.get(key)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or \
                (v < 0 and key != "loudness_db"):
            raise TranscriptError(f"{where}: {key!r} must be a number >= 0, got {v!r}")
        out[key] = float(v)
    for key in VOICE_FLAGS:
        v = obj.get(key)
        if v is not None and not isinstance(v, bool):
            raise TranscriptError(f"{where}: {key!r} must be true or false, got {v!r}")
        if v is not None:
            out[key] = v
    silences = obj.get("silences") or []
    if not isinstance(silences, list):
        raise TranscriptError(f"{where}: 'silences' must be a list of {{\"start\", \"end\"}} in seconds")
    clean = []
    for n, x in enumerate(silences[:1000]):
        ok = isinstance(x, dict) and all(isinstance(x.get(k), (int, float)) and not isinstance(x.get(k), bool)
                                         for k in ("start", "end"))
        if not ok or x["end"] < x["start"] or x["start"] < 0:
            raise TranscriptError(f"{where}: silences[{n}] must be {{\"start\": s, \"end\": s}} with 0 <= start "
                                  f"<= end, got {x!r}")
        clean.append({"start": float(x["start"]), "end": float(x["end"])})
    out["silences"] = clean
    return out
