"""What the bot and the panel do with the records: plain functions taking values and a unit of work.

Functions never commit; the caller does (`with db.uow() as uow: ...; uow.commit()`), so a group of writes
lands together or not at all. They return plain dicts and ids, never ORM objects, so nothing depends on
a session that has been closed. Bad input raises InvalidRecord / NotFound / Conflict /
UnknownStandardsVersion with a message naming the field and what would be right.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta, timezone

import bcrypt
from sqlalchemy import and_, bindparam, exists, func, inspect, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from coach import settings
from coach.plaintext import unshowable
from coach.storage.errors import Conflict, InvalidRecord, NotFound, UnknownStandardsVersion
from coach.storage.models import (
    CHANNELS,
    CLOCKS,
    EVENTS,
    MAX_TEXT,
    OUTCOMES,
    REVIEW_STATUSES,
    ROLES,
    SEVERITIES,
    SPEAKERS,
    VERDICTS,
    AuditEntry,
    Award,
    CompanySetting,
    FindingRecord,
    Person,
    PracticeSession,
    Review,
    ReviewVerdict,
    ScorecardRecord,
    StandardsVersion,
    Team,
    TurnRecord,
    utcnow,
)
from coach.transcript import Transcript, Turn

MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a client's id of one staff reply

MIN_PASSWORD = 8
MAX_ID = 2**31 - 1  # the largest id a table can hold (PostgreSQL integer); bigger ones are refused, not looked up
REDACTED = "(removed on request)"


# -- helpers ---------------------------------------------------------------------------------------

def _aware(value, field: str) -> datetime | None:
    """datetime (aware), date (midnight UTC) or ISO string -> aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidRecord(f"{field}: {value!r} is not a date or time; use ISO format like 2026-11-30 "
                                f"or 2026-11-30T14:05:00+00:00") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if not isinstance(value, datetime):
        raise InvalidRecord(f"{field}: expected a date or datetime, got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _text(value, field: str, *, required=True, limit=MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidRecord(f"{field}: expected text, got {type(value).__name__}")
    if "\x00" in value:
        raise InvalidRecord(f"{field}: contains a NUL character (binary data?); expected plain text")
    problem = unshowable(value)
    if problem:
        raise InvalidRecord(f"{field}: {problem}")
    if required and not value.strip():
        raise InvalidRecord(f"{field}: is empty; expected some text")
    if len(value) > limit:
        raise InvalidRecord(f"{field}: {len(value):,} characters; at most {limit:,} are accepted")
    return value


def _one_of(value, allowed, field: str):
    if value not in allowed:
        raise InvalidRecord(f"{field}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _get(uow, model, ident, what: str):
    if isinstance(ident, bool) or not isinstance(ident, int):
        raise InvalidRecord(f"{what} id must be a whole number, got {ident!r}")
    if not 1 <= ident <= MAX_ID:  # 40 digits overflowed SQLite's driver; nothing that large exists
        raise NotFound(f"there is no {what} with id {ident}")
    obj = uow.session.get(model, ident)
    if obj is None:
        raise NotFound(f"there is no {what} with id {ident}")
    return obj


def audit(uow, action: str, entity: str, entity_id=None, *, actor_id=None, subject_id=None, before=None, after=None):
    """Append to the audit log (who changed what, when, before and after). Part of the caller's transaction."""
    uow.session.add(AuditEntry(action=action, entity=entity, entity_id=entity_id, actor_id=actor_id,
                               subject_id=subject_id, before=before, after=after, at=utcnow()))


# -- people and teams ------------------------------------------------------------------------------

def create_team(uow, name: str, *, actor_id=None) -> int:
    name = _text(name, "team name", limit=120).strip()
    if uow.session.execute(select(Team.id).where(Team.name == name)).first():
        raise Conflict(f"a team called {name!r} already exists; choose another name")
    team = Team(name=name, created_at=utcnow())
    uow.session.add(team)
    uow.session.flush()
    audit(uow, "team.create", "team", team.id, actor_id=actor_id, after={"name": name})
    return team.id


def hash_password(password: str, rounds: int | None = None) -> str:
    """A bcrypt hash at the configured cost (COACH_BCRYPT_ROUNDS), or at `rounds` (the tests' fast hashes)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidRecord(f"password: at least {MIN_PASSWORD} characters are needed")
    if len(password.encode()) > 72:
        raise InvalidRecord("password: at most 72 bytes (bcrypt ignores the rest)")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds or settings.password_rounds())).decode()


def create_person(uow, *, name: str, login: str, role: str, team_id: int | None = None, password: str | None = None,
                  active: bool = True, actor_id=None, password_rounds: int | None = None,
                  password_hash: str | None = None) -> int:
    name = _text(name, "name", limit=200).strip()
    login = _text(login, "login", limit=120).strip().lower()
    if any(c.isspace() for c in login):
        raise InvalidRecord(f"login {login!r}: no spaces allowed; use for example 'anna.berg'")
    _one_of(role, ROLES, "role")
    if team_id is not None:
        _get(uow, Team, team_id, "team")
    if uow.session.execute(select(Person.id).where(Person.login == login)).first():
        raise Conflict(f"the login {login!r} is already taken; choose another (logins are unique, case-insensitive)")
    person = Person(name=name, login=login, role=role, team_id=team_id, active=active, created_at=utcnow(),
                    password_hash=hash_password(password, password_rounds) if password is not None else password_hash)
    uow.session.add(person)
    try:
        uow.session.flush()
    except IntegrityError:  # another process took the login between our check and our insert
        raise Conflict(f"the login {login!r} is already taken; choose another") from None
    audit(uow, "person.create", "person", person.id, actor_id=actor_id, subject_id=person.id,
          after={"name": name, "login": login, "role": role, "team_id": team_id})
    return person.id


def update_person(uow, person_id: int, *, actor_id: int, role: str | None = None, team_id=...,
                  active: bool | None = None, password: str | None = None,
                  password_rounds: int | None = None) -> dict:
    """Change a person's role, team (None: no team), active flag or password; audited (never the password)."""
    p = _get(uow, Person, person_id, "person")
    if p.deleted_at is not None:
        raise Conflict(f"person {person_id} was deleted on request; create a new account instead")
    before = _person_dict(p)
    if role is not None:
        p.role = _one_of(role, ROLES, "role")
    if team_id is not ...:
        if team_id is not None:
            _get(uow, Team, team_id, "team")
        p.team_id = team_id
    if active is not None:
        if not active and person_id == actor_id:
            raise Conflict("you cannot deactivate your own account; ask another admin")
        p.active = bool(active)
    if password is not None:
        p.password_hash = hash_password(password, password_rounds)
    uow.session.flush()
    uow.session.refresh(p)
    after = _person_dict(p)
    audit(uow, "person.update", "person", p.id, actor_id=actor_id, subject_id=p.id, before=before,
          after={**after, "password_changed": password is not None})
    return after


def _person_dict(p: Person) -> dict:
    return {"id": p.id, "name": p.name, "login": p.login, "role": p.role, "team_id": p.team_id,
            "team": p.team.name if p.team else None, "active": p.active,
            "deleted": p.deleted_at is not None}


def get_person(uow, person_id: int) -> dict:
    return _person_dict(_get(uow, Person, person_id, "person"))


def find_person(uow, login: str) -> dict:
    p = uow.session.execute(select(Person).where(Person.login == str(login).strip().lower())).scalar_one_or_none()
    if p is None:
        raise NotFound(f"there is no person with the login {login!r}")
    return _person_dict(p)


_DUMMY: dict[int, bytes] = {}


def _dummy_hash(rounds: int) -> bytes:
    if rounds not in _DUMMY:
        _DUMMY[rounds] = bcrypt.hashpw(b"dummy password", bcrypt.gensalt(rounds))
    return _DUMMY[rounds]


def _cost(password_hash: str) -> int:
    """The cost of a bcrypt hash ($2b$12$...)."""
    try:
        return int(password_hash.split("$")[2])
    except (IndexError, ValueError):
        return 0


def check_password(uow, login: str, password: str) -> dict | None:
    """The person when the login and password match an active account, else None (no hint which was wrong).

    Every path costs one bcrypt check at the configured cost, so the time taken says nothing about whether a
    login exists: an unknown login is checked against a dummy hash of that cost, and a hash stored at a lower
    cost (an older account, the demo company) is checked and then padded to it, and rehashed at the configured
    cost once the right password is given (the caller commits)."""
    rounds = settings.password_rounds()
    p = uow.session.execute(select(Person).where(Person.login == str(login).strip().lower())).scalar_one_or_none()
    if p is None or not p.active or not p.password_hash or not isinstance(password, str):
        bcrypt.checkpw(b"not the password", _dummy_hash(rounds))
        return None
    stored = p.password_hash
    ok = bcrypt.checkpw(password.encode()[:72], stored.encode())
    if _cost(stored) < rounds:
        if ok and len(password.encode()) <= 72:
            p.password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()  # costs as much
            uow.session.flush()
        else:
            bcrypt.checkpw(b"not the password", _dummy_hash(rounds))
    return _person_dict(p) if ok else None


def list_people(uow, *, team_id=None, role=None, include_deleted=False) -> list[dict]:
    q = select(Person).order_by(Person.name)
    if team_id is not None:
        q = q.where(Person.team_id == team_id)
    if role is not None:
        q = q.where(Person.role == role)
    if not include_deleted:
        q = q.where(Person.deleted_at.is_(None))
    return [_person_dict(p) for p in uow.session.execute(q).scalars()]


def list_teams(uow) -> list[dict]:
    return [{"id": t.id, "name": t.name} for t in uow.session.execute(select(Team).order_by(Team.name)).scalars()]


# -- standards versions ----------------------------------------------------------------------------

def register_standards(uow, pack, detector_version: str) -> int:
    """Record a pack version (with its rules) so scorecards made with it can be stored and explained later.
    Registering the same version again returns the existing id."""
    found = uow.session.execute(select(StandardsVersion.id).where(
        StandardsVersion.pack_id == pack.id, StandardsVersion.version == pack.version,
        StandardsVersion.detector_version == detector_version)).scalar_one_or_none()
    if found is not None:
        return found
    rules = [{"id": r.id, "title": r.title, "category": r.category, "severity": r.severity, "weight": r.weight,
              "type": r.type} for r in pack.rules]
    sv = StandardsVersion(pack_id=pack.id, version=pack.version, detector_version=detector_version, rules=rules,
                          registered_at=utcnow())
    uow.session.add(sv)
    uow.session.flush()
    return sv.id


def _standards_version(uow, standards) -> StandardsVersion:
    if not isinstance(standards, dict) or not all(isinstance(standards.get(k), str)
                                                  for k in ("pack", "version", "detector")):
        raise InvalidRecord(f"scorecard 'standards' must be {{'pack', 'version', 'detector'}} strings, "
                            f"got {standards!r}")
    sv = uow.session.execute(select(StandardsVersion).where(
        StandardsVersion.pack_id == standards["pack"], StandardsVersion.version == standards["version"],
        StandardsVersion.detector_version == standards["detector"])).scalar_one_or_none()
    if sv is None:
        known = uow.session.execute(select(StandardsVersion.pack_id, StandardsVersion.version)
                                    .order_by(StandardsVersion.id.desc()).limit(3)).all()
        known_s = ", ".join(f"{p} @ {v}" for p, v in known) or "none yet"
        raise UnknownStandardsVersion(
            f"the scorecard was made with standards {standards['pack']} @ {standards['version']} (detector "
            f"{standards['detector']}), which this database has never registered (latest known: {known_s}); "
            f"register the pack first (services.register_standards, done by `coach rescore` and the bot at start)")
    return sv


# -- practice sessions -----------------------------------------------------------------------------

def start_session(uow, *, person_id: int, scenario_id: str, scenario_version: str, channel: str, language: str = "en",
                  track: str | None = None, difficulty: int | None = None, seed: int | None = None,
                  rasa_conversation_id: str | None = None, started_at=None, retry_of_id: int | None = None,
                  retry_from_seq: int | None = None, clock: str = "server") -> int:
    person = _get(uow, Person, person_id, "person")
    if person.deleted_at is not None or not person.active:
        raise Conflict(f"person {person_id} is not active; an inactive person cannot start a practice session")
    scenario_id = _text(scenario_id, "scenario_id", limit=80)
    scenario_version = _text(scenario_version, "scenario_version", limit=40)
    _one_of(channel, CHANNELS, "channel")
    _one_of(clock, CLOCKS, "clock")
    if difficulty is not None and (isinstance(difficulty, bool) or difficulty not in (1, 2, 3)):
        raise InvalidRecord(f"difficulty: {difficulty!r}; expected 1, 2 or 3")
    if rasa_conversation_id is not None:
        rasa_conversation_id = _text(rasa_conversation_id, "rasa_conversation_id", limit=120)
        if uow.session.execute(select(PracticeSession.id).where(
                PracticeSession.rasa_conversation_id == rasa_conversation_id)).first():
            raise Conflict(f"a session for the Rasa conversation {rasa_conversation_id!r} already exists; "
                           f"resume it instead of starting a new one")
    started = _aware(started_at, "started_at") or utcnow()
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
                message_id: str | None = None) -> int:
    """Record one turn. Idempotent on (session, seq): a retried write of the same turn returns the stored
    one; a different turn under a used number is a Conflict. Turns must come in order (0, 1, 2, ...).
    `message_id` is the client's id of a staff reply (see `turn_state`)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise InvalidRecord(f"seq: {seq!r}; expected the turn number, a whole number from 0")
    _one_of(speaker, SPEAKERS, "speaker")
    if speaker == "system":
        _one_of(event, EVENTS, "event")
        text = _text(text, "text", required=False)
    else:
        if event is not None:
            raise InvalidRecord(f"event: only system turns carry a call event, this is a {speaker} turn")
        text = _text(text, f"turn {seq} text")
    if mood_after is not None and not (-1.0 <= float(mood_after) <= 1.0):
        raise InvalidRecord(f"mood_after: {mood_after!r}; expected a number from -1 (furious) to 1 (delighted)")
    if intent_confidence is not None and not (0.0 <= float(intent_confidence) <= 1.0):
        raise InvalidRecord(f"intent_confidence: {intent_confidence!r}; expected 0 to 1")
    if latency_ms is not None and (isinstance(latency_ms, bool) or not isinstance(latency_ms, int) or latency_ms < 0):
        raise InvalidRecord(f"latency_ms: {latency_ms!r}; expected whole milliseconds >= 0")
    if message_id is not None and not MESSAGE_ID.fullmatch(str(message_id)):
        raise InvalidRecord(f"message_id: {str(message_id)[:80]!r}; expected 1 to 64 letters, digits, '-' or '_'")
    session = _get(uow, PracticeSession, session_id, "practice session")
    existing = uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id,
                                                            TurnRecord.seq == seq)).scalar_one_or_none()
    if existing is not None:
        return _same_turn(existing, seq, speaker, text, event)
    if session.status != "active":
        raise Conflict(f"practice session {session_id} is {session.status}; turns can only be added to an active "
                       f"session (resume it first if it was abandoned)")
    last = uow.session.execute(select(func.max(TurnRecord.seq)).where(TurnRecord.session_id == session_id)).scalar()
    expected = 0 if last is None else last + 1
    if seq != expected:
        raise InvalidRecord(f"seq: turn {seq} of session {session_id} arrived before turn {expected}; turns are "
                            f"recorded in order")
    when = _aware(at, "at") or utcnow()
    if t is None:
        t = max(0.0, (when - session.started_at).total_seconds())
    turn = TurnRecord(session_id=session_id, seq=seq, speaker=speaker, text=text, at=when, t=t, latency_ms=latency_ms,
                      mood_after=mood_after, behaviors=list(behaviors) if behaviors is not None else None,
                      spans=list(spans) if spans is not None else None, intent=intent,
                      intent_confidence=intent_confidence, event=event, client_message_id=message_id)
    try:
        with uow.session.begin_nested():  # a concurrent retry may win the race for this number
            uow.session.add(turn)
            uow.session.flush()
    except IntegrityError:
        existing = uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id,
                                                                TurnRecord.seq == seq)).scalar_one()
        return _same_turn(existing, seq, speaker, text, event)
    session.last_activity_at = when
    return turn.id


def _same_turn(existing: TurnRecord, seq, speaker, text, event) -> int:
    if (existing.speaker, existing.text, existing.event) != (speaker, text, event):
        raise Conflict(f"turn {seq} of session {existing.session_id} is already recorded as a different "
                       f"{existing.speaker} turn; a retry must send the same turn, a new turn needs the next number")
    return existing.id


def turn_state(uow, session_id: int, message_id: str | None = None) -> dict:
    """Where a session stands in the database: the next turn number, its status, and the staff turn already
    recorded under the client's `message_id` (None if there is none): a reply sent again after its answer
    was lost is recognised by it and answered from the record instead of being recorded twice."""
    s = _get(uow, PracticeSession, session_id, "practice session")
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
    return None if s is None else _session_dict(s)


def session_turns(uow, session_id: int) -> list[dict]:
    """The stored turns of a session in order, as dicts (seq, speaker, text, t, behaviors, event, ...)."""
    _get(uow, PracticeSession, session_id, "practice session")
    return [_turn_dict(t) for t in _session_turns(uow, session_id)]


def _session_turns(uow, session_id) -> list[TurnRecord]:
    return list(uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id)
                                    .order_by(TurnRecord.seq)).scalars())


def session_transcript(uow, session_id: int) -> Transcript:
    """The stored turns as a transcript the standards engine can score (turn i is the turn with seq i)."""
    s = _get(uow, PracticeSession, session_id, "practice session")
    turns = [Turn(speaker=t.speaker, text=t.text if t.speaker != "system" else "", t=t.t,
                  event=t.event if t.speaker == "system" else None) for t in _session_turns(uow, session_id)]
    channel = "phone" if s.channel == "phone" else "chat"
    return Transcript(turns=turns, channel=channel, scenario=s.scenario_id,
                      meta={"session_id": s.id, "complaint": s.track == "complaint"})


def record_scorecard(uow, session_id: int, card, *, reason: str = "live") -> int:
    """Store a scorecard (an engine Scorecard or its as_dict()) as the session's current one; earlier
    scorecards stay, marked as history."""
    session = _get(uow, PracticeSession, session_id, "practice session")
    d = card.as_dict() if hasattr(card, "as_dict") else card
    if not isinstance(d, dict):
        raise InvalidRecord(f"scorecard: expected a Scorecard or its dict, got {type(card).__name__}")
    overall = d.get("overall")
    if isinstance(overall, bool) or not isinstance(overall, int) or not 0 <= overall <= 100:
        raise InvalidRecord(f"scorecard 'overall': {overall!r}; expected a whole number from 0 to 100")
    sv = _standards_version(uow, d.get("standards"))
    weights = {r["id"]: r["weight"] for r in sv.rules}
    turns = _session_turns(uow, session_id)
    rows = []
    for n, f in enumerate(d.get("findings") or []):
        where = f"scorecard findings[{n}]"
        if not isinstance(f, dict):
            raise InvalidRecord(f"{where}: expected an object, got {type(f).__name__}")
        if f.get("rule") not in weights:
            raise InvalidRecord(f"{where}: rule {f.get('rule')!r} is not in standards {sv.pack_id} @ {sv.version}")
        _one_of(f.get("severity"), SEVERITIES, f"{where}.severity")
        idx = f.get("turn")
        if idx is not None and (isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < len(turns)):
            raise InvalidRecord(f"{where}: turn {idx!r} does not exist; session {session_id} has {len(turns)} turns")
        span = f.get("span") or {}
        rows.append(FindingRecord(
            turn_id=turns[idx].id if idx is not None else None, turn_seq=turns[idx].seq if idx is not None else None,
            rule_id=f["rule"], standards_version_id=sv.id, severity=f["severity"],
            category=f.get("category") or "", span_start=span.get("start"), span_end=span.get("end"),
            span_text=span.get("text"), message=_text(f.get("message"), f"{where}.message"),
            suggestion=f.get("suggestion"), fix=f.get("fix"), points=float(weights[f["rule"]])))
    uow.session.execute(update(ScorecardRecord).where(ScorecardRecord.session_id == session_id,
                                                      ScorecardRecord.is_current.is_(True)).values(is_current=False))
    rec = ScorecardRecord(session_id=session.id, standards_version_id=sv.id, overall=overall,
                          categories=d.get("categories") or {}, explanation=d.get("explanation") or [],
                          met=d.get("met") or [], missed=d.get("missed") or [],
                          not_applicable=d.get("not_applicable") or [], warnings=d.get("warnings") or [],
                          is_current=True, reason=reason, created_at=utcnow())
    uow.session.add(rec)
    uow.session.flush()
    for row in rows:
        row.scorecard_id = rec.id
    uow.session.add_all(rows)
    uow.session.flush()
    return rec.id


def score_session(uow, session_id: int, scorer, *, reason: str = "live") -> int:
    """Score the stored turns with the current standards and store the scorecard."""
    from coach.detect import detector_version

    transcript = session_transcript(uow, session_id)
    if not transcript.staff_turns:
        raise InvalidRecord(f"practice session {session_id} has no staff turn to score")
    register_standards(uow, scorer.pack, detector_version())
    return record_scorecard(uow, session_id, scorer.score(transcript), reason=reason)


def end_session(uow, session_id: int, *, outcome: str | None = None, final_mood: float | None = None,
                scorecard=None, scorer=None, status: str = "completed", ended_at=None) -> int | None:
    """Close a session (completed or abandoned) with its outcome, and store its scorecard: the one given,
    or scored here with `scorer`. Returns the scorecard id, if any."""
    _one_of(status, ("completed", "abandoned"), "status")
    if outcome is not None:
        _one_of(outcome, OUTCOMES, "outcome")
    if final_mood is not None and not (-1.0 <= float(final_mood) <= 1.0):
        raise InvalidRecord(f"final_mood: {final_mood!r}; expected a number from -1 to 1")
    s = _get(uow, PracticeSession, session_id, "practice session")
    if s.status == "completed":
        raise Conflict(f"practice session {session_id} was already completed at {s.ended_at:%Y-%m-%d %H:%M}")
    ended = _aware(ended_at, "ended_at") or utcnow()
    # the scorecard first: if it is refused, the session is left exactly as it was
    card_id = None
    if scorecard is not None:
        card_id = record_scorecard(uow, session_id, scorecard)
    elif scorer is not None and any(t.speaker == "staff" for t in _session_turns(uow, session_id)):
        card_id = score_session(uow, session_id, scorer)
    s.status, s.outcome, s.final_mood, s.ended_at = status, outcome, final_mood, ended
    s.last_activity_at = max(s.last_activity_at, ended)
    uow.session.flush()
    return card_id


def abandon_stale(uow, idle: timedelta = timedelta(minutes=30), now=None) -> list[int]:
    """Mark active sessions with no turn for `idle` as abandoned (a closed browser, a killed server).
    Their turns stay; returns the ids."""
    now = _aware(now, "now") or utcnow()
    ids = list(uow.session.execute(select(PracticeSession.id).where(
        PracticeSession.status == "active", PracticeSession.last_activity_at < now - idle)).scalars())
    if ids:
        uow.session.execute(update(PracticeSession).where(PracticeSession.id.in_(ids))
                            .values(status="abandoned", ended_at=now), execution_options={"synchronize_session": False})
    return ids


def resume_session(uow, session_id: int) -> dict:
    """What a restarted bot needs to carry on a session: its facts and every turn recorded so far, and the
    next turn number. An abandoned session becomes active again."""
    s = _get(uow, PracticeSession, session_id, "practice session")
    if s.status == "completed":
        raise Conflict(f"practice session {session_id} is completed; start a new session to practise again")
    if s.status == "abandoned":
        s.status, s.ended_at, s.last_activity_at = "active", None, utcnow()
    turns = _session_turns(uow, session_id)
    return {**_session_dict(s), "turns": [_turn_dict(t) for t in turns], "next_seq": len(turns)}


def _session_dict(s: PracticeSession) -> dict:
    return {"id": s.id, "person_id": s.person_id, "scenario_id": s.scenario_id, "scenario_version": s.scenario_version,
            "track": s.track, "difficulty": s.difficulty, "channel": s.channel, "language": s.language, "seed": s.seed,
            "started_at": s.started_at, "ended_at": s.ended_at, "status": s.status, "outcome": s.outcome,
            "final_mood": s.final_mood, "rasa_conversation_id": s.rasa_conversation_id,
            "retry_of_id": s.retry_of_id, "retry_from_seq": s.retry_from_seq, "clock": s.clock}


def retry_prefix(uow, session_id: int, from_seq: int, *, person_id: int) -> dict:
    """What "Retry from turn N" starts from: the session and its turns before staff turn `from_seq`.
    Only the person who practised the session may retry it."""
    s = _get(uow, PracticeSession, session_id, "practice session")
    if s.person_id != person_id:
        raise NotFound(f"practice session {session_id} not found among this person's sessions")
    if s.channel == "drill":
        raise Conflict("a phrase drill cannot be retried from a turn; start a new round instead")
    turns = _session_turns(uow, session_id)
    target = next((t for t in turns if t.seq == from_seq), None)
    if target is None or target.speaker != "staff":
        staff = [t.seq for t in turns if t.speaker == "staff"]
        raise InvalidRecord(f"from_turn: {from_seq!r}; expected the number of one of your replies in session "
                            f"{session_id}: {', '.join(map(str, staff)) or 'it has none'}")
    return {**_session_dict(s), "turns": [_turn_dict(t) for t in turns if t.seq < from_seq]}


def _turn_dict(t: TurnRecord) -> dict:
    return {"id": t.id, "seq": t.seq, "speaker": t.speaker, "text": t.text, "at": t.at, "t": t.t,
            "latency_ms": t.latency_ms, "mood_after": t.mood_after, "behaviors": t.behaviors, "spans": t.spans,
            "intent": t.intent, "intent_confidence": t.intent_confidence, "event": t.event}


def _finding_dict(f: FindingRecord) -> dict:
    return {"id": f.id, "turn_seq": f.turn_seq, "rule": f.rule_id, "severity": f.severity, "category": f.category,
            "span": ({"start": f.span_start, "end": f.span_end, "text": f.span_text}
                     if f.span_start is not None else None),
            "message": f.message, "suggestion": f.suggestion, "fix": f.fix, "points": f.points}


def _card_dict(c: ScorecardRecord) -> dict:
    sv = c.standards_version
    return {"id": c.id, "overall": c.overall, "categories": c.categories, "explanation": c.explanation,
            "met": c.met, "missed": c.missed, "not_applicable": c.not_applicable, "warnings": c.warnings,
            "is_current": c.is_current, "reason": c.reason, "created_at": c.created_at,
            "standards": {"pack": sv.pack_id, "version": sv.version, "detector": sv.detector_version}}


def session_detail(uow, session_id: int) -> dict:
    """One transcript with its current scorecard, findings, reviews, and the earlier scorecards."""
    s = _get(uow, PracticeSession, session_id, "practice session")
    cards = list(uow.session.execute(select(ScorecardRecord).where(ScorecardRecord.session_id == session_id)
                                     .order_by(ScorecardRecord.id)).scalars())
    current = next((c for c in cards if c.is_current), None)
    findings = []
    if current is not None:
        findings = [_finding_dict(f) for f in uow.session.execute(
            select(FindingRecord).where(FindingRecord.scorecard_id == current.id).order_by(FindingRecord.id)).scalars()]
    reviews = [_review_dict(r) for r in uow.session.execute(
        select(Review).where(Review.session_id == session_id).order_by(Review.id)).scalars()]
    person = s.person
    return {**_session_dict(s), "person": person.name, "team_id": person.team_id,
            "turns": [_turn_dict(t) for t in _session_turns(uow, session_id)],
            "scorecard": _card_dict(current) if current else None, "findings": findings,
            "history": [_card_dict(c) for c in cards if not c.is_current], "reviews": reviews}


def _review_dict(r: Review) -> dict:
    return {"id": r.id, "scorecard_id": r.scorecard_id, "reviewer_id": r.reviewer_id, "status": r.status,
            "overall_override": r.overall_override, "overall_reason": r.overall_reason, "comment": r.comment,
            "created_at": r.created_at, "updated_at": r.updated_at, "approved_by": r.approved_by,
            "approved_at": r.approved_at,
            "verdicts": [{"finding_id": v.finding_id, "rule": v.rule_id, "turn_seq": v.turn_seq, "verdict": v.verdict,
                          "reason": v.reason} for v in r.verdicts]}


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
        q = q.where(PracticeSession.status == _one_of(status, ("active", "completed", "abandoned"), "status"))
    if min_score is not None:
        q = q.where(card.overall >= min_score)
    if max_score is not None:
        q = q.where(card.overall <= max_score)
    if since is not None:
        q = q.where(PracticeSession.started_at >= _aware(since, "since"))
    if until is not None:
        q = q.where(PracticeSession.started_at < _aware(until, "until"))
    if review_status is not None:
        _one_of(review_status, REVIEW_FILTERS, "review_status")
        reviewed = exists().where(Review.scorecard_id == card.id)
        if review_status == "unreviewed":
            q = q.where(card.id.is_not(None), ~reviewed)
        else:
            q = q.where(exists().where(Review.scorecard_id == card.id, Review.status == review_status))
    q = q.order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc()).limit(limit).offset(offset)
    return [dict(row._mapping) for row in uow.session.execute(q)]


# -- company settings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FourEyes:
    """review.four_eyes: a changed score that moves the machine's by more than `min_change` points counts only
    once a second person (another trainer of the team, a manager or an admin) approves it."""
    enabled: bool = True
    min_change: int = 10

    def check(self):
        if not isinstance(self.enabled, bool):
            raise InvalidRecord(f"review.four_eyes.enabled: {self.enabled!r}; expected true or false")
        if isinstance(self.min_change, bool) or not isinstance(self.min_change, int) or not 0 <= self.min_change <= 100:
            raise InvalidRecord(f"review.four_eyes.min_change: {self.min_change!r}; expected points from 0 to 100")


SETTINGS = {"review.four_eyes": FourEyes}  # key -> its type, with the defaults


def get_setting(uow, key: str):
    """The company's value of a setting (its default until an admin changes it)."""
    kind = SETTINGS.get(key)
    if kind is None:
        raise NotFound(f"there is no company setting {key!r}; known: {', '.join(SETTINGS)}")
    row = uow.session.get(CompanySetting, key)
    names = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in (row.value if row else {}).items() if k in names})


def set_setting(uow, key: str, *, actor_id: int, **values):
    """Change a company setting (admins); checked against its type and audited with before and after."""
    actor = _get(uow, Person, actor_id, "person")
    if actor.role != "admin":
        raise Conflict(f"{actor.name} is a {actor.role}; only admins change company settings")
    before = get_setting(uow, key)
    unknown = set(values) - {f.name for f in fields(before)}
    if unknown:
        raise InvalidRecord(f"{key}: no setting {', '.join(sorted(unknown))}; known: "
                            f"{', '.join(f.name for f in fields(before))}")
    after = type(before)(**{**asdict(before), **values})
    after.check()
    row = uow.session.get(CompanySetting, key)
    if row is None:
        row = CompanySetting(key=key, value={})
        uow.session.add(row)
    row.value, row.updated_by, row.updated_at = asdict(after), actor_id, utcnow()
    uow.session.flush()
    audit(uow, "setting.change", "company_setting", None, actor_id=actor_id, before={key: asdict(before)},
          after={key: asdict(after)})
    return after


def needs_second_approver(uow, machine: int, override: int | None) -> bool:
    """Whether approving this changed score needs a second person (review.four_eyes)."""
    rule = get_setting(uow, "review.four_eyes")
    return rule.enabled and override is not None and abs(override - machine) > rule.min_change


# -- reviews ---------------------------------------------------------------------------------------

def record_review(uow, *, session_id: int, reviewer_id: int, verdicts=(), overall_override: int | None = None,
                  overall_reason: str | None = None, comment: str | None = None, status: str = "pending") -> int:
    """A trainer's review of the session's current scorecard: a verdict per finding (agree / reject, or
    'add' for a finding the machine missed), an optional overall score with its reason, a comment and a
    status. Saving again updates the same review. Every change is written to the audit log; the machine's
    scorecard is never changed.

    Four eyes (company setting review.four_eyes, on by default): approving a score that moves the machine's
    by more than the setting's points saves the review as 'awaiting' until a second person approves it
    (approve_review); only approved scores count in progress, leaderboards and awards."""
    reviewer = _get(uow, Person, reviewer_id, "person")
    if reviewer.role not in ("trainer", "manager", "admin"):
        raise Conflict(f"{reviewer.name} is a {reviewer.role}; only trainers, managers and admins review sessions")
    session = _get(uow, PracticeSession, session_id, "practice session")
    if session.person_id == reviewer_id:
        raise Conflict("nobody reviews their own practice session; ask another trainer")
    _one_of(status, REVIEW_STATUSES, "status")
    overall_reason = _text(overall_reason, "overall_reason", required=False, limit=2000) or None
    comment = _text(comment, "comment", required=False, limit=4000) or None
    card = uow.session.execute(select(ScorecardRecord).where(ScorecardRecord.session_id == session_id,
                                                             ScorecardRecord.is_current.is_(True))).scalar_one_or_none()
    if card is None:
        raise Conflict(f"practice session {session_id} has no scorecard yet; it can be reviewed once it is scored")
    if overall_override is not None:
        if (isinstance(overall_override, bool) or not isinstance(overall_override, int)
                or not 0 <= overall_override <= 100):
            raise InvalidRecord(f"overall_override: {overall_override!r}; expected a whole number from 0 to 100")
        if not (overall_reason or "").strip():
            raise InvalidRecord("overall_reason: a changed overall score needs a reason")
    findings = {f.id: f for f in uow.session.execute(
        select(FindingRecord).where(FindingRecord.scorecard_id == card.id)).scalars()}
    rows = []
    for n, v in enumerate(verdicts):
        where = f"verdicts[{n}]"
        verdict = _one_of(v.get("verdict"), VERDICTS, f"{where}.verdict")
        v = {**v, "reason": _text(v.get("reason"), f"{where}.reason", required=False, limit=1000) or None}
        fid = v.get("finding_id")
        if verdict == "add":
            rule = v.get("rule")
            if not isinstance(rule, str) or not rule:
                raise InvalidRecord(f"{where}: an added finding needs 'rule' (the standard the machine missed)")
            rows.append(ReviewVerdict(rule_id=rule, turn_seq=v.get("turn_seq"), verdict="add", reason=v.get("reason")))
            continue
        if fid not in findings:
            raise NotFound(f"{where}: finding {fid!r} is not on the current scorecard of session {session_id}")
        if verdict == "reject" and not (v.get("reason") or "").strip():
            raise InvalidRecord(f"{where}: rejecting a finding needs a reason (what the machine got wrong)")
        rows.append(ReviewVerdict(finding_id=fid, rule_id=findings[fid].rule_id, turn_seq=findings[fid].turn_seq,
                                  verdict=verdict, reason=v.get("reason")))
    review = uow.session.execute(select(Review).where(Review.scorecard_id == card.id,
                                                      Review.reviewer_id == reviewer_id)).scalar_one_or_none()
    before = _review_dict(review) if review is not None else None
    now = utcnow()
    if review is None:
        review = Review(session_id=session_id, scorecard_id=card.id, reviewer_id=reviewer_id, created_at=now)
        uow.session.add(review)
    if status == "approved" and needs_second_approver(uow, card.overall, overall_override):
        status = "awaiting"
    review.status, review.overall_override, review.overall_reason = status, overall_override, overall_reason
    review.approved_by = review.approved_at = None  # a change by its author needs approving again
    review.comment, review.updated_at = comment, now
    review.verdicts = rows
    uow.session.flush()
    after = _review_dict(review)
    for d in (before, after):
        if d:
            d.pop("created_at"), d.pop("updated_at"), d.pop("approved_at", None)
    audit(uow, "review.save", "review", review.id, actor_id=reviewer_id, subject_id=session.person_id,
          before=before, after={**after, "machine_overall": card.overall})
    return review.id


def approve_review(uow, review_id: int, *, approver_id: int) -> dict:
    """The second pair of eyes: another trainer of the trainee's team, a manager or an admin approves a review
    that waits for it. Audited with the approver; the review keeps its author."""
    review = _get(uow, Review, review_id, "review")
    approver = _get(uow, Person, approver_id, "person")
    session = _get(uow, PracticeSession, review.session_id, "practice session")
    if approver.role not in ("trainer", "manager", "admin"):
        raise Conflict(f"{approver.name} is a {approver.role}; only trainers, managers and admins approve reviews")
    if review.status != "awaiting":
        raise Conflict(f"review {review_id} is {review.status}; only a review waiting for a second approver can be "
                       f"approved this way")
    if approver_id == review.reviewer_id:
        raise Conflict("a changed score needs a second person: ask another trainer or a manager to approve it")
    if approver_id == session.person_id:
        raise Conflict("nobody approves a review of their own practice session")
    if approver.role == "trainer" and (approver.team_id is None or approver.team_id != session.person.team_id):
        raise Conflict(f"{approver.name} is a trainer of another team; a trainer of the trainee's team or a manager "
                       f"approves it")
    before = _review_dict(review)
    review.status, review.approved_by, review.approved_at = "approved", approver_id, utcnow()
    uow.session.flush()
    after = _review_dict(review)
    for d in (before, after):
        d.pop("created_at"), d.pop("updated_at"), d.pop("approved_at", None)
    audit(uow, "review.approve", "review", review.id, actor_id=approver_id, subject_id=session.person_id,
          before=before, after={**after, "reviewer_id": review.reviewer_id})
    return after


# -- progress and leaderboards ---------------------------------------------------------------------

def _approved_overrides():
    """Per scorecard, the mean overall score set by approving trainers (where one was set)."""
    return (select(Review.scorecard_id.label("scorecard_id"), func.avg(Review.overall_override).label("override"))
            .where(Review.status == "approved", Review.overall_override.is_not(None))
            .group_by(Review.scorecard_id).subquery())


def progress(uow, person_id: int, *, since=None, until=None) -> list[dict]:
    """A person's completed sessions in a period with their scores (trainer-approved where they exist)."""
    _get(uow, Person, person_id, "person")
    ov = _approved_overrides()
    q = (select(PracticeSession.id.label("session_id"), PracticeSession.started_at, PracticeSession.scenario_id,
                PracticeSession.track, PracticeSession.difficulty, PracticeSession.outcome,
                ScorecardRecord.overall.label("machine"), ScorecardRecord.categories, ov.c.override)
         .join(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                     ScorecardRecord.is_current.is_(True)))
         .outerjoin(ov, ov.c.scorecard_id == ScorecardRecord.id)
         .where(PracticeSession.person_id == person_id, PracticeSession.status == "completed"))
    if since is not None:
        q = q.where(PracticeSession.started_at >= _aware(since, "since"))
    if until is not None:
        q = q.where(PracticeSession.started_at < _aware(until, "until"))
    out = []
    for row in uow.session.execute(q.order_by(PracticeSession.started_at)):
        d = dict(row._mapping)
        d["score"] = round(d["override"]) if d["override"] is not None else d["machine"]
        out.append(d)
    return out


def leaderboard(uow, *, since, until, team_id=None, min_sessions: int = 1, limit: int = 100) -> list[dict]:
    """People ranked by mean score over completed sessions in [since, until): the machine's score, or the
    trainer-approved one where it exists."""
    ov = _approved_overrides()
    score = func.coalesce(ov.c.override, ScorecardRecord.overall)
    q = (select(Person.id.label("person_id"), Person.name, Person.team_id, func.count().label("sessions"),
                func.avg(score).label("mean"), func.max(score).label("best"),
                func.count(func.distinct(PracticeSession.track)).label("tracks"))
         .select_from(PracticeSession)
         .join(Person, Person.id == PracticeSession.person_id)
         .join(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                     ScorecardRecord.is_current.is_(True)))
         .outerjoin(ov, ov.c.scorecard_id == ScorecardRecord.id)
         .where(PracticeSession.status == "completed", PracticeSession.started_at >= _aware(since, "since"),
                PracticeSession.started_at < _aware(until, "until"), Person.deleted_at.is_(None))
         .group_by(Person.id, Person.name, Person.team_id)
         .having(func.count() >= min_sessions)
         .order_by(func.avg(score).desc(), func.count().desc(), Person.id)
         .limit(limit))
    if team_id is not None:
        q = q.where(Person.team_id == team_id)  # added to the WHERE clause, before GROUP BY
    return [{**dict(r._mapping), "mean": round(float(r.mean), 1)} for r in uow.session.execute(q)]


# -- awards ----------------------------------------------------------------------------------------

def record_award(uow, *, period: str, person_id: int, decided_by: int, reason: str, formula_version: str,
                 figures: dict, kind: str = "employee_of_the_month") -> int:
    try:
        datetime.strptime(period, "%Y-%m")
    except (TypeError, ValueError):
        raise InvalidRecord(f"period: {period!r}; expected a month like 2026-11") from None
    decider = _get(uow, Person, decided_by, "person")
    if decider.role not in ("manager", "admin"):
        raise Conflict(f"{decider.name} is a {decider.role}; only managers decide awards")
    _get(uow, Person, person_id, "person")
    reason = _text(reason, "reason", limit=4000)
    if uow.session.execute(select(Award.id).where(Award.period == period, Award.kind == kind)).first():
        raise Conflict(f"the {kind.replace('_', ' ')} for {period} has already been decided")
    award = Award(period=period, kind=kind, person_id=person_id, formula_version=formula_version, figures=figures,
                  decided_by=decided_by, reason=reason, decided_at=utcnow())
    uow.session.add(award)
    uow.session.flush()
    audit(uow, "award.decide", "award", award.id, actor_id=decided_by, subject_id=person_id,
          after={"period": period, "kind": kind, "person_id": person_id, "reason": reason, "figures": figures})
    return award.id


# -- rescoring -------------------------------------------------------------------------------------

def rescore(db, scorer, *, since, until=None, force: bool = False, batch: int = 200, on_progress=None) -> dict:
    """Score the completed sessions started in [since, until) again with the scorer's standards. A session
    whose current scorecard already has this standards version is skipped (scoring is deterministic)
    unless force. The old scorecards stay as history. Commits per batch, so an interruption keeps what
    was done and a second run carries on. on_progress(done_in_batch, total) is called after each batch."""
    from coach.detect import detector_version

    since_dt, until_dt = _aware(since, "since"), _aware(until, "until")
    with db.uow() as uow:
        sv_id = register_standards(uow, scorer.pack, detector_version())
        uow.commit()
    with db.reader() as uow:
        q = (select(PracticeSession.id, ScorecardRecord.standards_version_id, ScorecardRecord.overall)
             .outerjoin(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                              ScorecardRecord.is_current.is_(True)))
             .where(PracticeSession.status == "completed", PracticeSession.started_at >= since_dt))
        if until_dt is not None:
            q = q.where(PracticeSession.started_at < until_dt)
        rows = uow.session.execute(q.order_by(PracticeSession.id)).all()
        versions = {v.id: (v.version, v.detector_version, v.pack_id)
                    for v in uow.session.execute(select(StandardsVersion)).scalars()}
    new = versions[sv_id]
    todo = [(sid, old_sv, old) for sid, old_sv, old in rows if force or old_sv != sv_id]
    summary = {"sessions": len(rows), "rescored": 0, "skipped": len(rows) - len(todo), "changed": 0,
               "mean_change": 0.0, "pack_changed": 0, "detector_changed": 0, "standards_version_id": sv_id,
               "pack": new[2], "version": new[0], "detector": new[1]}
    total_delta = 0
    for start in range(0, len(todo), batch):
        chunk = todo[start:start + batch]
        with db.uow() as uow:
            for sid, old_sv, old in chunk:
                card_id = score_session(uow, sid, scorer, reason="rescore")
                overall = uow.session.get(ScorecardRecord, card_id).overall
                summary["rescored"] += 1
                if old is not None and overall != old:
                    summary["changed"] += 1
                    total_delta += overall - old
                if old_sv is not None and old_sv in versions:
                    summary["pack_changed"] += versions[old_sv][0] != new[0]
                    summary["detector_changed"] += versions[old_sv][1] != new[1]
            uow.commit()
        if on_progress:
            on_progress(len(chunk), len(todo))
    if summary["changed"]:
        summary["mean_change"] = round(total_delta / summary["changed"], 1)
    return summary


# -- personal data: export and deletion on request -------------------------------------------------

def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


def export_person(uow, person_id: int, *, actor_id=None) -> dict:
    """Everything stored about one person (as a company must hand over on request), JSON-ready."""
    p = _get(uow, Person, person_id, "person")
    sessions = []
    for sid in uow.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == person_id)
                                   .order_by(PracticeSession.started_at)).scalars():
        d = session_detail(uow, sid)
        d.pop("person", None)
        sessions.append(d)
    written = [_review_dict(r) for r in uow.session.execute(select(Review).where(Review.reviewer_id == person_id))
               .scalars()]
    awards = [{"period": a.period, "kind": a.kind, "formula_version": a.formula_version, "figures": a.figures,
               "reason": a.reason, "decided_at": a.decided_at}
              for a in uow.session.execute(select(Award).where(Award.person_id == person_id)).scalars()]
    entries = [{"at": e.at, "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
                "as": "actor" if e.actor_id == person_id else "subject", "before": e.before, "after": e.after}
               for e in uow.session.execute(select(AuditEntry).where(
                   or_(AuditEntry.subject_id == person_id, AuditEntry.actor_id == person_id))
                   .order_by(AuditEntry.id)).scalars()]
    audit(uow, "person.export", "person", person_id, actor_id=actor_id, subject_id=person_id,
          after={"sessions": len(sessions)})
    profile = _person_dict(p)
    profile["created_at"] = p.created_at
    return _jsonable({"exported_at": utcnow(), "person": profile, "practice_sessions": sessions,
                      "reviews_written": written, "awards": awards, "audit_log": entries})


def delete_person(uow, person_id: int, *, actor_id=None) -> dict:
    """Erase a person's personal data on request: name, login and password, every word of their practice
    sessions (and the Rasa tracker's copy), trainers' comments about them. What stays is anonymous
    aggregate history: that sessions happened, their scores, which standards were met or broken."""
    p = _get(uow, Person, person_id, "person")
    if p.deleted_at is not None:
        raise Conflict(f"person {person_id} was already deleted on {p.deleted_at:%Y-%m-%d}")
    s = uow.session
    session_ids = select(PracticeSession.id).where(PracticeSession.person_id == person_id).scalar_subquery()
    conv_ids = [c for c in s.execute(select(PracticeSession.rasa_conversation_id).where(
        PracticeSession.person_id == person_id, PracticeSession.rasa_conversation_id.is_not(None))).scalars()]
    n_sessions = s.execute(select(func.count()).select_from(PracticeSession)
                           .where(PracticeSession.person_id == person_id)).scalar()
    opts = {"synchronize_session": False}
    n_turns = s.execute(update(TurnRecord).where(TurnRecord.session_id.in_(session_ids))
                        .values(text="", spans=None), execution_options=opts).rowcount
    card_ids = select(ScorecardRecord.id).where(ScorecardRecord.session_id.in_(session_ids)).scalar_subquery()
    s.execute(update(FindingRecord).where(FindingRecord.scorecard_id.in_(card_ids))
              .values(span_text=None, fix=None, message=REDACTED), execution_options=opts)
    s.execute(update(ScorecardRecord).where(ScorecardRecord.id.in_(card_ids)).values(warnings=[]),
              execution_options=opts)
    review_ids = select(Review.id).where(Review.session_id.in_(session_ids)).scalar_subquery()
    s.execute(update(Review).where(Review.id.in_(review_ids))
              .values(comment=None, overall_reason=None), execution_options=opts)
    s.execute(update(ReviewVerdict).where(ReviewVerdict.review_id.in_(review_ids)).values(reason=None),
              execution_options=opts)
    s.execute(update(Award).where(Award.person_id == person_id).values(reason=REDACTED), execution_options=opts)
    s.execute(update(AuditEntry).where(AuditEntry.subject_id == person_id)
              .values(before=None, after={"redacted": True}), execution_options=opts)
    s.execute(update(PracticeSession).where(PracticeSession.person_id == person_id)
              .values(rasa_conversation_id=None), execution_options=opts)
    rasa_events = 0
    if conv_ids and inspect(s.connection()).has_table("events"):  # Rasa's SQL tracker store in this database
        rasa_events = s.execute(text("DELETE FROM events WHERE sender_id IN :ids")
                                .bindparams(bindparam("ids", conv_ids, expanding=True))).rowcount
    p.name, p.login, p.password_hash, p.active, p.deleted_at = f"Deleted person {p.id}", None, None, False, utcnow()
    summary = {"sessions": n_sessions, "turns_erased": n_turns, "rasa_events_deleted": rasa_events}
    s.flush()
    audit(uow, "person.delete", "person", person_id, actor_id=actor_id, subject_id=None, after=summary)
    return summary

