"""The records: people and teams, practice sessions turn by turn, scorecards and findings, trainer reviews,
awards and the audit log. SQLAlchemy 1.4 declarative models, queried in the 2.0 style.

Alembic migrations (coach/storage/migrations) create these tables; a test keeps the two in agreement.
Times are stored in UTC; JSON columns hold what is read as a whole (category scores, behaviour spans).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from coach.vocabulary import CHANNELS, ROLES, SEVERITIES

# Stable constraint names, so migrations can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base = declarative_base(metadata=MetaData(naming_convention=NAMING))

SESSION_STATUSES = ("active", "completed", "abandoned")
CLOCKS = ("server", "script")  # where a session's turn times come from
OUTCOMES = ("resolved", "escalated", "hung_up", "ended_by_trainee", "passed", "failed")
SPEAKERS = ("customer", "staff", "system")
EVENTS = ("ring", "answer", "hold", "resume", "transfer", "hangup")
REVIEW_STATUSES = ("pending", "approved", "disputed", "awaiting")  # awaiting: a second approver (four eyes)
VERDICTS = ("agree", "reject", "add")

MAX_TEXT = 20_000  # one turn; the transcript parser has the same limit


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no time zones) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a time zone (UTC) so times compare across servers")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def _one_of(column: str, values, name: str):
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False, unique=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    people = relationship("Person", back_populates="team")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (_one_of("role", ROLES, "role"),)
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    # NULL once the person has been deleted on request (their login is free again)
    login = Column(String(120), unique=True)
    role = Column(String(16), nullable=False)
    team_id = Column(Integer, ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    active = Column(Boolean, nullable=False, default=True)
    password_hash = Column(String(200))
    # the language the person serves customers in: the Practise and Phrase drill pages start in it
    language = Column(String(10), nullable=False, default="en", server_default="en")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    deleted_at = Column(UTCDateTime)

    team = relationship("Team", back_populates="people")


class StandardsVersion(Base):
    """A standards pack version (content hash) with the detector version it was scored with, and a
    snapshot of its rules, so an old scorecard can still be explained after the pack changed."""

    __tablename__ = "standards_versions"
    __table_args__ = (UniqueConstraint("pack_id", "version", "detector_version", name="uq_standards_versions_key"),)
    id = Column(Integer, primary_key=True)
    pack_id = Column(String(80), nullable=False)
    version = Column(String(40), nullable=False)
    detector_version = Column(String(40), nullable=False)
    rules = Column(JSONDoc, nullable=False)  # [{id, title, category, severity, weight, type}]
    registered_at = Column(UTCDateTime, nullable=False, default=utcnow)


class PracticeSession(Base):
    __tablename__ = "practice_sessions"
    __table_args__ = (
        _one_of("channel", CHANNELS, "channel"),
        _one_of("status", SESSION_STATUSES, "status"),
        CheckConstraint("outcome IS NULL OR outcome IN (%s)" % ", ".join(f"'{o}'" for o in OUTCOMES), name="outcome"),
        CheckConstraint("difficulty IS NULL OR difficulty BETWEEN 1 AND 3", name="difficulty"),
        _one_of("clock", CLOCKS, "clock"),
        # a person's progress over time; leaderboards and the review queue by period (completed sessions),
        # by scenario, or all; idle sessions to sweep (bench/bench_storage.py measures each of these)
        Index("ix_sessions_person_started", "person_id", "started_at"),
        Index("ix_sessions_status_started", "status", "started_at", "person_id"),
        Index("ix_sessions_scenario_started", "scenario_id", "started_at"),
        Index("ix_sessions_started", "started_at"),
        Index("ix_sessions_status_activity", "status", "last_activity_at"),
    )
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("people.id", ondelete="RESTRICT"), nullable=False)
    scenario_id = Column(String(80), nullable=False)
    scenario_version = Column(String(40), nullable=False)
    track = Column(String(20))  # phrasing / telephone / complaint, copied from the scenario at the start
    difficulty = Column(Integer)  # 1-3, copied from the scenario: awards adjust for it
    channel = Column(String(10), nullable=False)
    language = Column(String(10), nullable=False, default="en")
    seed = Column(Integer)  # the simulator's seed: a session can be replayed exactly
    started_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ended_at = Column(UTCDateTime)
    last_activity_at = Column(UTCDateTime, nullable=False, default=utcnow)
    status = Column(String(12), nullable=False, default="active")
    outcome = Column(String(20))
    final_mood = Column(Float)
    rasa_conversation_id = Column(String(120), unique=True)
    # "Retry from turn N": this session restarted an earlier one before its staff turn N, with the customer
    # in exactly the state it was (turns 0..N-1 are copied). Retries are for learning; awards leave them out.
    retry_of_id = Column(Integer, ForeignKey("practice_sessions.id", ondelete="SET NULL"), index=True)
    retry_from_seq = Column(Integer)
    # Turn times come from the server's clock ("server": every session the panel starts), or from the script
    # that plays the session ("script": `coach practice` with timed lines, replays, tests), chosen at the start
    # through the token-protected API; a trainee's client can never set a time.
    clock = Column(String(6), nullable=False, default="server", server_default="server")

    person = relationship("Person")
    turns = relationship("TurnRecord", back_populates="session", order_by="TurnRecord.seq")


class TurnRecord(Base):
    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("session_id", "seq", name="uq_turns_session_seq"),  # a retried write cannot duplicate
        _one_of("speaker", SPEAKERS, "speaker"),
        CheckConstraint("event IS NULL OR event IN (%s)" % ", ".join(f"'{e}'" for e in EVENTS), name="event"),
        CheckConstraint("seq >= 0", name="seq"),
        # a reply sent again with the same client message id is the same turn (NULLs do not collide)
        Index("uq_turns_session_message", "session_id", "client_message_id", unique=True),
    )
    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("practice_sessions.id", ondelete="CASCADE"), nullable=False)
    seq = Column(Integer, nullable=False)  # 0, 1, 2, ... within the session
    speaker = Column(String(10), nullable=False)
    text = Column(Text, nullable=False, default="")
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    t = Column(Float)  # seconds since the session started (what the timing standards measure)
    latency_ms = Column(Integer)  # staff turns: time the trainee took to reply
    mood_after = Column(Float)  # the customer's mood after this turn (-1 furious .. +1 delighted)
    behaviors = Column(JSONDoc)  # ["greeting", "apology", ...]
    spans = Column(JSONDoc)  # [{"behavior", "start", "end", "text"}]
    intent = Column(String(80))
    intent_confidence = Column(Float)
    event = Column(String(10))  # call events: ring, answer, hold, resume, transfer, hangup
    client_message_id = Column(String(64))  # staff turns: the id the client sent the reply with
    voice = Column(JSONDoc)  # a spoken staff reply's measures: words_per_minute, silences, too_quiet, ... (coach/voice)

    session = relationship("PracticeSession", back_populates="turns")


class ScorecardRecord(Base):
    __tablename__ = "scorecards"
    __table_args__ = (
        Index("ix_scorecards_session_current", "session_id", "is_current"),
        CheckConstraint("overall BETWEEN 0 AND 100", name="overall"),
    )
    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("practice_sessions.id", ondelete="CASCADE"), nullable=False)
    standards_version_id = Column(Integer, ForeignKey("standards_versions.id", ondelete="RESTRICT"), nullable=False)
    overall = Column(Integer, nullable=False)
    categories = Column(JSONDoc, nullable=False)  # {"phrasing": 86, ...}
    explanation = Column(JSONDoc, nullable=False)  # the arithmetic, line by line
    met = Column(JSONDoc, nullable=False)
    missed = Column(JSONDoc, nullable=False)
    not_applicable = Column(JSONDoc, nullable=False)
    warnings = Column(JSONDoc, nullable=False)
    # the scorecard shown today; rescoring adds a new one and keeps the old ones for history
    is_current = Column(Boolean, nullable=False, default=True)
    reason = Column(String(20), nullable=False, default="live")  # live / rescore / demo / import
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    standards_version = relationship("StandardsVersion")
    findings = relationship("FindingRecord", back_populates="scorecard", order_by="FindingRecord.id")


class FindingRecord(Base):
    __tablename__ = "findings"
    __table_args__ = (
        # (scorecard, rule) covers the dashboards' "standards broken" counts without reading the rows
        Index("ix_findings_scorecard_rule", "scorecard_id", "rule_id"),
        Index("ix_findings_rule", "rule_id"),
        _one_of("severity", SEVERITIES, "severity"),
    )
    id = Column(Integer, primary_key=True)
    scorecard_id = Column(Integer, ForeignKey("scorecards.id", ondelete="CASCADE"), nullable=False)
    turn_id = Column(Integer, ForeignKey("turns.id", ondelete="SET NULL"))  # NULL: about the session as a whole
    turn_seq = Column(Integer)
    rule_id = Column(String(40), nullable=False)
    standards_version_id = Column(Integer, ForeignKey("standards_versions.id", ondelete="RESTRICT"), nullable=False)
    severity = Column(String(10), nullable=False)
    category = Column(String(20), nullable=False)
    span_start = Column(Integer)
    span_end = Column(Integer)
    span_text = Column(Text)
    message = Column(Text, nullable=False)
    suggestion = Column(Text)
    fix = Column(Text)
    points = Column(Float, nullable=False, default=0.0)  # what the finding cost (the rule's weight)

    scorecard = relationship("ScorecardRecord", back_populates="findings")


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "reviewer_id", name="uq_reviews_scorecard_reviewer"),
        _one_of("status", REVIEW_STATUSES, "status"),
        CheckConstraint("overall_override IS NULL OR overall_override BETWEEN 0 AND 100", name="overall_override"),
        Index("ix_reviews_session", "session_id"),
    )
    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("practice_sessions.id", ondelete="CASCADE"), nullable=False)
    scorecard_id = Column(Integer, ForeignKey("scorecards.id", ondelete="CASCADE"), nullable=False)
    reviewer_id = Column(Integer, ForeignKey("people.id", ondelete="RESTRICT"), nullable=False)
    status = Column(String(10), nullable=False, default="pending")
    overall_override = Column(Integer)
    overall_reason = Column(Text)
    comment = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # four eyes (company setting review.four_eyes): who approved another reviewer's changed score, and when
    approved_by = Column(Integer, ForeignKey("people.id", ondelete="RESTRICT"))
    approved_at = Column(UTCDateTime)

    verdicts = relationship("ReviewVerdict", back_populates="review", order_by="ReviewVerdict.id",
                            cascade="all, delete-orphan")


class ReviewVerdict(Base):
    """A trainer's verdict on one finding (agree / reject), or a finding the machine missed (add)."""

    __tablename__ = "review_verdicts"
    __table_args__ = (
        _one_of("verdict", VERDICTS, "verdict"),
        CheckConstraint("verdict = 'add' OR finding_id IS NOT NULL", name="finding_needed"),
        Index("ix_review_verdicts_review", "review_id"),
    )
    id = Column(Integer, primary_key=True)
    review_id = Column(Integer, ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False)
    finding_id = Column(Integer, ForeignKey("findings.id", ondelete="CASCADE"))
    rule_id = Column(String(40), nullable=False)
    turn_seq = Column(Integer)
    verdict = Column(String(8), nullable=False)
    reason = Column(Text)

    review = relationship("Review", back_populates="verdicts")


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("period", "kind", name="uq_awards_period_kind"),)
    id = Column(Integer, primary_key=True)
    period = Column(String(7), nullable=False)  # "2026-11"
    kind = Column(String(40), nullable=False, default="employee_of_the_month")
    person_id = Column(Integer, ForeignKey("people.id", ondelete="RESTRICT"), nullable=False, index=True)
    formula_version = Column(String(40), nullable=False)
    figures = Column(JSONDoc, nullable=False)  # the candidate's numbers when the decision was made
    decided_by = Column(Integer, ForeignKey("people.id", ondelete="RESTRICT"), nullable=False)
    reason = Column(Text, nullable=False)
    decided_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CompanySetting(Base):
    """A company-wide setting that admins change in the panel (typed and checked in coach.storage.services,
    SETTINGS); a missing row means the default."""

    __tablename__ = "company_settings"
    key = Column(String(60), primary_key=True)  # e.g. "review.four_eyes"
    value = Column(JSONDoc, nullable=False)
    updated_by = Column(Integer, ForeignKey("people.id", ondelete="SET NULL"))
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Recording(Base):
    """The sound of a spoken staff reply, kept with its session only while the company setting
    voice.recordings allows it (off by default); a person's export holds it and their erasure deletes it."""

    __tablename__ = "recordings"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_recordings_session_seq"),)
    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("practice_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    seq = Column(Integer, nullable=False)  # the staff turn it is the sound of
    wav = Column(LargeBinary, nullable=False)
    seconds = Column(Float, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"), Index("ix_audit_at", "at"),
                      Index("ix_audit_subject", "subject_id"))
    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    actor_id = Column(Integer, ForeignKey("people.id", ondelete="SET NULL"))
    action = Column(String(40), nullable=False)  # review.override, award.decide, person.export, person.delete, ...
    entity = Column(String(40), nullable=False)
    entity_id = Column(Integer)
    subject_id = Column(Integer)  # the person the change is about, so exports and deletions can find it
    before = Column(JSONDoc)
    after = Column(JSONDoc)
