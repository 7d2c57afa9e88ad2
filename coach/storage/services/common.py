"""What every service shares: checking values, finding a record by id, the audit log, a session's turns."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select

from coach.plaintext import unshowable
from coach.storage.errors import InvalidRecord, NotFound
from coach.storage.models import MAX_TEXT, AuditEntry, TurnRecord, utcnow

MAX_ID = 2**31 - 1  # the largest id a table can hold (PostgreSQL integer); bigger ones are refused, not looked up


def as_utc(value, field: str) -> datetime | None:
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


def checked_text(value, field: str, *, required=True, limit=MAX_TEXT) -> str:
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


def one_of(value, allowed, field: str):
    if value not in allowed:
        raise InvalidRecord(f"{field}: {value!r} is not one of {', '.join(allowed)}")
    return value


def checked_id(ident, what: str) -> int:
    if isinstance(ident, bool) or not isinstance(ident, int):
        raise InvalidRecord(f"{what} id must be a whole number, got {ident!r}")
    if not 1 <= ident <= MAX_ID:  # 40 digits overflowed SQLite's driver; nothing that large exists
        raise NotFound(f"there is no {what} with id {ident}")
    return ident


def get_record(uow, model, ident, what: str):
    """The row of `model` with this id, or NotFound naming the `what` and the id."""
    obj = uow.session.get(model, checked_id(ident, what))
    if obj is None:
        raise NotFound(f"there is no {what} with id {ident}")
    return obj


def get_from(repository, ident, what: str):
    """get_record for the tables behind a repository (uow.people, uow.teams)."""
    obj = repository.get(checked_id(ident, what))
    if obj is None:
        raise NotFound(f"there is no {what} with id {ident}")
    return obj


def audit(uow, action: str, entity: str, entity_id=None, *, actor_id=None, subject_id=None, before=None, after=None):
    """Append to the audit log (who changed what, when, before and after). Part of the caller's transaction."""
    uow.audit_log.add(AuditEntry(action=action, entity=entity, entity_id=entity_id, actor_id=actor_id,
                                 subject_id=subject_id, before=before, after=after, at=utcnow()))


def turn_records(uow, session_id) -> list[TurnRecord]:
    return list(uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id)
                                    .order_by(TurnRecord.seq)).scalars())
