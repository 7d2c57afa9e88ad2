"""Personal data on request: everything stored about a person exported, or erased leaving anonymous history."""

from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import bindparam, delete, func, inspect, or_, select, text, update

from coach.storage.errors import Conflict
from coach.storage.models import (
    AuditEntry,
    Award,
    FindingRecord,
    PracticeSession,
    Recording,
    Review,
    ReviewVerdict,
    ScorecardRecord,
    TurnRecord,
    utcnow,
)
from coach.storage.services.common import audit, get_from
from coach.storage.services.people import person_dict
from coach.storage.services.reviews import review_dict
from coach.storage.services.sessions import recordings_of, session_detail

REDACTED = "(removed on request)"


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
    p = get_from(uow.people, person_id, "person")
    sessions = []
    for sid in uow.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == person_id)
                                   .order_by(PracticeSession.started_at)).scalars():
        d = session_detail(uow, sid)
        d.pop("person", None)
        # the sound of the spoken replies, where the company kept it (voice.recordings), as base64 WAV
        d["recordings"] = [{"seq": r["seq"], "seconds": r["seconds"], "wav_base64": base64.b64encode(r["wav"]).decode()}
                           for r in recordings_of(uow, sid)]
        sessions.append(d)
    written = [review_dict(r) for r in uow.session.execute(select(Review).where(Review.reviewer_id == person_id))
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
    profile = person_dict(p)
    profile["created_at"] = p.created_at
    return _jsonable({"exported_at": utcnow(), "person": profile, "practice_sessions": sessions,
                      "reviews_written": written, "awards": awards, "audit_log": entries})


def delete_person(uow, person_id: int, *, actor_id=None) -> dict:
    """Erase a person's personal data on request: name, login and password, every word of their practice
    sessions (and the Rasa tracker's copy), the recordings of their voice, trainers' comments about them. What
    stays is anonymous aggregate history: that sessions happened, their scores, which standards were met or broken."""
    p = get_from(uow.people, person_id, "person")
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
    n_recordings = s.execute(delete(Recording).where(Recording.session_id.in_(session_ids)),
                             execution_options=opts).rowcount  # their voice
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
    summary = {"sessions": n_sessions, "turns_erased": n_turns, "recordings_deleted": n_recordings,
               "rasa_events_deleted": rasa_events}
    s.flush()
    audit(uow, "person.delete", "person", person_id, actor_id=actor_id, subject_id=None, after=summary)
    return summary
