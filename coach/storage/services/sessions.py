"""Practice sessions turn by turn: starting, recording turns exactly once, ending, resuming, retrying, listing."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from coach.storage.errors import Conflict, InvalidRecord, NotFound
from coach.storage.models import (
    CHANNELS,
    CLOCKS,
    EVENTS,
    OUTCOMES,
    SPEAKERS,
    FindingRecord,
    Person,
    PracticeSession,
    Recording,
    Review,
    ScorecardRecord,
    TurnRecord,
    utcnow,
)
from coach.storage.services.common import as_utc, checked_text, get_from, get_record, one_of, turn_records
from coach.storage.services.reviews import review_dict
from coach.storage.services.scoring import card_dict, finding_dict, record_scorecard, score_session

MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a client's id of one staff reply
TURN_FIELDS = {"text", "at", "t", "latency_ms", "mood_after", "behaviors", "spans", "intent", "intent_confidence",
               "event", "message_id", "voice"}  # what a turn given to `append_turns` may hold besides seq and speaker


def start_session(uow, *, person_id: int, scenario_id: str, scenario_version: str, channel: str, language: str = "en",
                  track: str | None = None, difficulty: int | None = None, seed: int | None = None,
                  rasa_conversation_id: str | None = None, started_at=None, retry_of_id: int | None = None,
                  retry_from_seq: int | None = None, clock: str = "server") -> int:
    person = get_from(uow.people, person_id, "person")
    if person.deleted_at is not None or not person.active:
        raise Conflict(f"person {person_id} is not active; an inactive person cannot start a practice session")
    scenario_id = checked_text(scenario_id, "scenario_id", limit=80)
    scenario_version = checked_text(scenario_version, "scenario_version", limit=40)
    one_of(channel, CHANNELS, "channel")
    one_of(clock, CLOCKS, "clock")
    if difficulty is not None and (isinstance(difficulty, bool) or difficulty not in (1, 2, 3)):
        raise InvalidRecord(f"difficulty: {difficulty!r}; expected 1, 2 or 3")
    if rasa_conversation_id is not None:
        rasa_conversation_id = checked_text(rasa_conversation_id, "rasa_conversation_id", limit=120)
        if uow.session.execute(select(PracticeSession.id).where(
                PracticeSession.rasa_conversation_id == rasa_conversation_id)).first():
            raise Conflict(f"a session for the Rasa conversation {rasa_conversation_id!r} already exists; "
                           f"resume it instead of starting a new one")
    started = as_utc(started_at, "started_at") or utcnow()
    s = PracticeSession(person_id=person_id, scenario_id=scenario_id, scenario_version=scenario_version,
                        channel=channel, language=language, track=track, difficulty=difficulty, seed=seed,
                        rasa_conversation_id=rasa_conversation_id, started_at=started, last_activity_at=started,
                        status="active", retry_of_id=retry_of_id, retry_from_seq=retry_from_seq, clock=clock)
    uow.session.add(s)
    uow.session.flush()
    return s.id


def append_turn(uow, session_id: int, seq: int, *, speaker: str, text: str = "", at=None, t: float | None = None,
                latency_ms: int | None = None, mood_after: float | None = None, behaviors=None, spans=None,
                intent: str | None = None, intent_confidence: float | None = None, event: str | None = None,
                message_id: str | None = None, voice: dict | None = None) -> int:
    """Record one turn. Idempotent on (session, seq): a retried write of the same turn returns the stored
    one; a different turn under a used number is a Conflict. Turns must come in order (0, 1, 2, ...).
    `message_id` is the client's id of a staff reply (see `turn_state`)."""
    text = _checked_turn(seq, speaker, text, event, mood_after, intent_confidence, latency_ms, message_id)
    session = get_record(uow, PracticeSession, session_id, "practice session")
    last = uow.session.execute(select(func.max(TurnRecord.seq)).where(TurnRecord.session_id == session_id)).scalar()
    existing = None
    if last is not None and seq <= last:  # a number already used: the same turn again, or a conflict
        existing = uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id,
                                                                TurnRecord.seq == seq)).scalar_one_or_none()
    if existing is not None:
        return _same_turn(existing, seq, speaker, text, event)
    if session.status != "active":
        raise Conflict(f"practice session {session_id} is {session.status}; turns can only be added to an active "
                       f"session (resume it first if it was abandoned)")
    expected = 0 if last is None else last + 1
    if seq != expected:
        raise InvalidRecord(f"seq: turn {seq} of session {session_id} arrived before turn {expected}; turns are "
                            f"recorded in order")
    turn = _turn_record(session, seq, speaker, text, at=at, t=t, latency_ms=latency_ms, mood_after=mood_after,
                        behaviors=behaviors, spans=spans, intent=intent, intent_confidence=intent_confidence,
                        event=event, message_id=message_id, voice=_checked_voice(speaker, voice))
    try:
        with uow.session.begin_nested():  # a concurrent retry may win the race for this number
            uow.session.add(turn)
            uow.session.flush()
    except IntegrityError:
        existing = uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id,
                                                                TurnRecord.seq == seq)).scalar_one()
        return _same_turn(existing, seq, speaker, text, event)
    session.last_activity_at = turn.at
    return turn.id


def _checked_turn(seq, speaker, text, event, mood_after, intent_confidence, latency_ms, message_id) -> str:
    """One turn's fields checked as `append_turn` takes them; returns the text as it will be stored."""
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise InvalidRecord(f"seq: {seq!r}; expected the turn number, a whole number from 0")
    one_of(speaker, SPEAKERS, "speaker")
    if speaker == "system":
        one_of(event, EVENTS, "event")
        text = checked_text(text, "text", required=False)
    else:
        if event is not None:
            raise InvalidRecord(f"event: only system turns carry a call event, this is a {speaker} turn")
        text = checked_text(text, f"turn {seq} text")
    if mood_after is not None and not (-1.0 <= float(mood_after) <= 1.0):
        raise InvalidRecord(f"mood_after: {mood_after!r}; expected a number from -1 (furious) to 1 (delighted)")
    if intent_confidence is not None and not (0.0 <= float(intent_confidence) <= 1.0):
        raise InvalidRecord(f"intent_confidence: {intent_confidence!r}; expected 0 to 1")
    if latency_ms is not None and (isinstance(latency_ms, bool) or not isinstance(latency_ms, int) or latency_ms < 0):
        raise InvalidRecord(f"latency_ms: {latency_ms!r}; expected whole milliseconds >= 0")
    if message_id is not None and not MESSAGE_ID.fullmatch(str(message_id)):
        raise InvalidRecord(f"message_id: {str(message_id)[:80]!r}; expected 1 to 64 letters, digits, '-' or '_'")
    return text


def append_turns(uow, session_id: int, turns: list[dict], *, at=None) -> list[int]:
    """Record several turns at once, right after those the session already has: the turns a retry copies from
    the session it retries, the demo company's transcripts. Each dict holds `append_turn`'s arguments (`seq`,
    `speaker`, `text`, ...); the numbers must continue the session's own. All or none: one bad turn and
    nothing is written. Unlike `append_turn` this is not a retry path: a number already used is a Conflict."""
    session = get_record(uow, PracticeSession, session_id, "practice session")
    if session.status != "active":
        raise Conflict(f"practice session {session_id} is {session.status}; turns can only be added to an active "
                       f"session (resume it first if it was abandoned)")
    last = uow.session.execute(select(func.max(TurnRecord.seq)).where(TurnRecord.session_id == session_id)).scalar()
    expected = 0 if last is None else last + 1
    records = []
    for turn in turns:
        turn = dict(turn)
        seq, speaker, text = turn.pop("seq", None), turn.pop("speaker", None), turn.pop("text", "")
        unknown = set(turn) - TURN_FIELDS
        if unknown:
            raise InvalidRecord(f"turn {seq}: unknown field(s) {', '.join(sorted(unknown))}; a turn holds "
                                f"{', '.join(sorted(TURN_FIELDS | {'seq', 'speaker'}))}")
        text = _checked_turn(seq, speaker, text, turn.get("event"), turn.get("mood_after"),
                             turn.get("intent_confidence"), turn.get("latency_ms"), turn.get("message_id"))
        if seq != expected:
            raise (Conflict if seq < expected else InvalidRecord)(
                f"seq: turn {seq} given where session {session_id} continues with turn {expected}; the turns "
                f"given must continue the session's own, in order")
        turn["voice"] = _checked_voice(speaker, turn.get("voice"))
        records.append(_turn_record(session, seq, speaker, text, **{"at": at, **turn}))
        expected += 1
    if not records:
        return []
    try:
        with uow.session.begin_nested():  # a turn recorded meanwhile by another request takes a number given here
            uow.session.add_all(records)
            uow.session.flush()
    except IntegrityError:
        raise Conflict(f"practice session {session_id} got other turns while these were being recorded; "
                       f"nothing of these {len(records)} turns was written") from None
    session.last_activity_at = max(session.last_activity_at, records[-1].at)
    return [r.id for r in records]


def _checked_voice(speaker, voice):
    """A spoken reply's measures, checked as the scorer reads them (coach/transcript.py)."""
    if voice is None:
        return None
    from coach.transcript import TranscriptError, parse_voice

    if speaker != "staff":
        raise InvalidRecord(f"voice: only a staff turn carries the measures of a spoken reply, not a {speaker} turn")
    try:
        return parse_voice(voice, "voice")
    except TranscriptError as exc:
        raise InvalidRecord(str(exc)) from None


def _turn_record(session, seq, speaker, text, *, at=None, t=None, latency_ms=None, mood_after=None, behaviors=None,
                 spans=None, intent=None, intent_confidence=None, event=None, message_id=None,
                 voice=None) -> TurnRecord:
    """The row of one checked turn; `at` defaults to now and `t` to the seconds since the session started."""
    when = as_utc(at, "at") or utcnow()
    if t is None:
        t = max(0.0, (when - session.started_at).total_seconds())
    return TurnRecord(session_id=session.id, seq=seq, speaker=speaker, text=text, at=when, t=t, latency_ms=latency_ms,
                      mood_after=mood_after, behaviors=list(behaviors) if behaviors is not None else None,
                      spans=list(spans) if spans is not None else None, intent=intent,
                      intent_confidence=intent_confidence, event=event, client_message_id=message_id,
                      voice=voice)


def _same_turn(existing: TurnRecord, seq, speaker, text, event) -> int:
    if (existing.speaker, existing.text, existing.event) != (speaker, text, event):
        raise Conflict(f"turn {seq} of session {existing.session_id} is already recorded as a different "
                       f"{existing.speaker} turn; a retry must send the same turn, a new turn needs the next number")
    return existing.id


def turn_state(uow, session_id: int, message_id: str | None = None) -> dict:
    """Where a session stands in the database: the next turn number, its status, and the staff turn already
    recorded under the client's `message_id` (None if there is none): a reply sent again after its answer
    was lost is recognised by it and answered from the record instead of being recorded twice."""
    s = get_record(uow, PracticeSession, session_id, "practice session")
    last = uow.session.execute(select(func.max(TurnRecord.seq)).where(TurnRecord.session_id == session_id)).scalar()
    seen = None
    if message_id:
        seen = uow.session.execute(select(TurnRecord.seq).where(TurnRecord.session_id == session_id,
                                                                TurnRecord.client_message_id == message_id)).scalar()
    return {"next_seq": 0 if last is None else last + 1, "status": s.status, "seen_seq": seen, "clock": s.clock}


def session_for_conversation(uow, conversation_id: str) -> dict | None:
    """The practice session started in this Rasa conversation, or None."""
    s = uow.session.execute(select(PracticeSession).where(
        PracticeSession.rasa_conversation_id == conversation_id)).scalar_one_or_none()
    return None if s is None else session_dict(s)


def session_turns(uow, session_id: int) -> list[dict]:
    """The stored turns of a session in order, as dicts (seq, speaker, text, t, behaviors, event, ...)."""
    get_record(uow, PracticeSession, session_id, "practice session")
    return [turn_dict(t) for t in turn_records(uow, session_id)]


def end_session(uow, session_id: int, *, outcome: str | None = None, final_mood: float | None = None,
                scorecard=None, scorer=None, status: str = "completed", ended_at=None) -> int | None:
    """Close a session (completed or abandoned) with its outcome, and store its scorecard: the one given,
    or scored here with `scorer`. Returns the scorecard id, if any."""
    one_of(status, ("completed", "abandoned"), "status")
    if outcome is not None:
        one_of(outcome, OUTCOMES, "outcome")
    if final_mood is not None and not (-1.0 <= float(final_mood) <= 1.0):
        raise InvalidRecord(f"final_mood: {final_mood!r}; expected a number from -1 to 1")
    s = get_record(uow, PracticeSession, session_id, "practice session")
    if s.status == "completed":
        raise Conflict(f"practice session {session_id} was already completed at {s.ended_at:%Y-%m-%d %H:%M}")
    ended = as_utc(ended_at, "ended_at") or utcnow()
    # the scorecard first: if it is refused, the session is left exactly as it was
    card_id = None
    if scorecard is not None:
        card_id = record_scorecard(uow, session_id, scorecard)
    elif scorer is not None and any(t.speaker == "staff" for t in turn_records(uow, session_id)):
        card_id = score_session(uow, session_id, scorer)
    s.status, s.outcome, s.final_mood, s.ended_at = status, outcome, final_mood, ended
    s.last_activity_at = max(s.last_activity_at, ended)
    uow.session.flush()
    return card_id


def abandon_stale(uow, idle: timedelta = timedelta(minutes=30), now=None) -> list[int]:
    """Mark active sessions with no turn for `idle` as abandoned (a closed browser, a killed server).
    Their turns stay; returns the ids."""
    now = as_utc(now, "now") or utcnow()
    ids = list(uow.session.execute(select(PracticeSession.id).where(
        PracticeSession.status == "active", PracticeSession.last_activity_at < now - idle)).scalars())
    if ids:
        uow.session.execute(update(PracticeSession).where(PracticeSession.id.in_(ids))
                            .values(status="abandoned", ended_at=now), execution_options={"synchronize_session": False})
    return ids


def resume_session(uow, session_id: int) -> dict:
    """What a restarted bot needs to carry on a session: its facts and every turn recorded so far, and the
    next turn number. An abandoned session becomes active again."""
    s = get_record(uow, PracticeSession, session_id, "practice session")
    if s.status == "completed":
        raise Conflict(f"practice session {session_id} is completed; start a new session to practise again")
    if s.status == "abandoned":
        s.status, s.ended_at, s.last_activity_at = "active", None, utcnow()
    turns = turn_records(uow, session_id)
    return {**session_dict(s), "turns": [turn_dict(t) for t in turns], "next_seq": len(turns)}


def session_dict(s: PracticeSession) -> dict:
    return {"id": s.id, "person_id": s.person_id, "scenario_id": s.scenario_id, "scenario_version": s.scenario_version,
            "track": s.track, "difficulty": s.difficulty, "channel": s.channel, "language": s.language, "seed": s.seed,
            "started_at": s.started_at, "ended_at": s.ended_at, "status": s.status, "outcome": s.outcome,
            "final_mood": s.final_mood, "rasa_conversation_id": s.rasa_conversation_id,
            "retry_of_id": s.retry_of_id, "retry_from_seq": s.retry_from_seq, "clock": s.clock}


def retry_prefix(uow, session_id: int, from_seq: int, *, person_id: int) -> dict:
    """What "Retry from turn N" starts from: the session and its turns before staff turn `from_seq`.
    Only the person who practised the session may retry it."""
    s = get_record(uow, PracticeSession, session_id, "practice session")
    if s.person_id != person_id:
        raise NotFound(f"practice session {session_id} not found among this person's sessions")
    if s.channel == "drill":
        raise Conflict("a phrase drill cannot be retried from a turn; start a new round instead")
    turns = turn_records(uow, session_id)
    target = next((t for t in turns if t.seq == from_seq), None)
    if target is None or target.speaker != "staff":
        staff = [t.seq for t in turns if t.speaker == "staff"]
        raise InvalidRecord(f"from_turn: {from_seq!r}; expected the number of one of your replies in session "
                            f"{session_id}: {', '.join(map(str, staff)) or 'it has none'}")
    return {**session_dict(s), "turns": [turn_dict(t) for t in turns if t.seq < from_seq]}


def turn_dict(t: TurnRecord) -> dict:
    return {"id": t.id, "seq": t.seq, "speaker": t.speaker, "text": t.text, "at": t.at, "t": t.t,
            "latency_ms": t.latency_ms, "mood_after": t.mood_after, "behaviors": t.behaviors, "spans": t.spans,
            "intent": t.intent, "intent_confidence": t.intent_confidence, "event": t.event, "voice": t.voice}


MAX_RECORDING_BYTES = 12_000_000  # three minutes of 16 kHz 16-bit mono is 5.8 MB; a browser's 48 kHz, 17 MB


def keep_recording(uow, session_id: int, seq: int, wav: bytes) -> int | None:
    """Keep the sound of spoken staff reply `seq` when the company setting voice.recordings allows it; None
    when it does not (nothing is stored). Kept once: the same reply sent again keeps the first."""
    from coach.storage.services.company_settings import get_setting

    if not get_setting(uow, "voice.recordings").keep:
        return None
    if not isinstance(wav, bytes) or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise InvalidRecord("wav: expected the bytes of a WAV file")
    if len(wav) > MAX_RECORDING_BYTES:
        raise InvalidRecord(f"wav: {len(wav):,} bytes; a kept recording may have at most {MAX_RECORDING_BYTES:,}")
    turn = uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id,
                                                        TurnRecord.seq == seq)).scalar_one_or_none()
    if turn is None or turn.speaker != "staff":
        raise InvalidRecord(f"seq: session {session_id} has no staff turn {seq} to keep a recording of")
    existing = uow.session.execute(select(Recording.id).where(Recording.session_id == session_id,
                                                              Recording.seq == seq)).scalar()
    if existing is not None:
        return existing
    seconds = (turn.voice or {}).get("duration_s") or 0.0
    rec = Recording(session_id=session_id, seq=seq, wav=wav, seconds=float(seconds))
    uow.session.add(rec)
    uow.session.flush()
    return rec.id


def recording(uow, session_id: int, seq: int) -> bytes | None:
    """The kept sound of a spoken reply, or None."""
    return uow.session.execute(select(Recording.wav).where(Recording.session_id == session_id,
                                                           Recording.seq == seq)).scalar()


def recordings_of(uow, session_id: int) -> list[dict]:
    """The kept recordings of a session: [{"seq", "seconds", "wav"}]."""
    return [{"seq": r.seq, "seconds": r.seconds, "wav": r.wav} for r in uow.session.execute(
        select(Recording).where(Recording.session_id == session_id).order_by(Recording.seq)).scalars()]


def session_detail(uow, session_id: int) -> dict:
    """One transcript with its current scorecard, findings, reviews, and the earlier scorecards."""
    s = get_record(uow, PracticeSession, session_id, "practice session")
    cards = list(uow.session.execute(select(ScorecardRecord).where(ScorecardRecord.session_id == session_id)
                                     .order_by(ScorecardRecord.id)).scalars())
    current = next((c for c in cards if c.is_current), None)
    findings = []
    if current is not None:
        findings = [finding_dict(f) for f in uow.session.execute(
            select(FindingRecord).where(FindingRecord.scorecard_id == current.id).order_by(FindingRecord.id)).scalars()]
    reviews = [review_dict(r) for r in uow.session.execute(
        select(Review).where(Review.session_id == session_id).order_by(Review.id)).scalars()]
    person = s.person
    kept = set(uow.session.execute(select(Recording.seq).where(Recording.session_id == session_id)).scalars())
    return {**session_dict(s), "person": person.name, "team_id": person.team_id,
            "turns": [{**turn_dict(t), "recorded": t.seq in kept} for t in turn_records(uow, session_id)],
            "scorecard": card_dict(current) if current else None, "findings": findings,
            "history": [card_dict(c) for c in cards if not c.is_current], "reviews": reviews}


REVIEW_FILTERS = ("unreviewed", "pending", "approved", "disputed", "awaiting")


def list_sessions(uow, *, person_id=None, team_id=None, scenario_id=None, status=None, review_status=None,
                  min_score=None, max_score=None, since=None, until=None, limit: int = 50,
                  offset: int = 0) -> list[dict]:
    """Sessions with their current score, newest first: the review queue and the session lists.
    review_status: 'unreviewed' (no review yet) or a review status."""
    if not (isinstance(limit, int) and 1 <= limit <= 1000):
        raise InvalidRecord(f"limit: {limit!r}; expected 1 to 1000")
    card = ScorecardRecord
    q = (select(PracticeSession.id, PracticeSession.person_id, Person.name, Person.team_id, PracticeSession.scenario_id,
                PracticeSession.track, PracticeSession.difficulty, PracticeSession.channel, PracticeSession.status,
                PracticeSession.outcome, PracticeSession.started_at, PracticeSession.ended_at, card.overall,
                card.id.label("scorecard_id"))
         .join(Person, Person.id == PracticeSession.person_id)
         .outerjoin(card, and_(card.session_id == PracticeSession.id, card.is_current.is_(True))))
    if person_id is not None:
        q = q.where(PracticeSession.person_id == person_id)
    if team_id is not None:
        q = q.where(Person.team_id == team_id)
    if scenario_id is not None:
        q = q.where(PracticeSession.scenario_id == scenario_id)
    if status is not None:
        q = q.where(PracticeSession.status == one_of(status, ("active", "completed", "abandoned"), "status"))
    if min_score is not None:
        q = q.where(card.overall >= min_score)
    if max_score is not None:
        q = q.where(card.overall <= max_score)
    if since is not None:
        q = q.where(PracticeSession.started_at >= as_utc(since, "since"))
    if until is not None:
        q = q.where(PracticeSession.started_at < as_utc(until, "until"))
    if review_status is not None:
        one_of(review_status, REVIEW_FILTERS, "review_status")
        reviewed = exists().where(Review.scorecard_id == card.id)
        if review_status == "unreviewed":
            q = q.where(card.id.is_not(None), ~reviewed)
        else:
            q = q.where(exists().where(Review.scorecard_id == card.id, Review.status == review_status))
    q = q.order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc()).limit(limit).offset(offset)
    return [dict(row._mapping) for row in uow.session.execute(q)]
