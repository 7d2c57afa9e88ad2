"""Standings: a person's progress and the leaderboard, from the machine's score or the trainer-approved one."""

from __future__ import annotations

from sqlalchemy import and_, func, select

from coach.storage.models import Person, PracticeSession, ScorecardRecord
from coach.storage.services.common import as_utc, get_from
from coach.storage.services.reviews import approved_overrides


def progress(uow, person_id: int, *, since=None, until=None) -> list[dict]:
    """A person's completed sessions in a period with their scores (trainer-approved where they exist)."""
    get_from(uow.people, person_id, "person")
    ov = approved_overrides()
    q = (select(PracticeSession.id.label("session_id"), PracticeSession.started_at, PracticeSession.scenario_id,
                PracticeSession.track, PracticeSession.difficulty, PracticeSession.outcome,
                ScorecardRecord.overall.label("machine"), ScorecardRecord.categories, ov.c.override)
         .join(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                     ScorecardRecord.is_current.is_(True)))
         .outerjoin(ov, ov.c.scorecard_id == ScorecardRecord.id)
         .where(PracticeSession.person_id == person_id, PracticeSession.status == "completed"))
    if since is not None:
        q = q.where(PracticeSession.started_at >= as_utc(since, "since"))
    if until is not None:
        q = q.where(PracticeSession.started_at < as_utc(until, "until"))
    out = []
    for row in uow.session.execute(q.order_by(PracticeSession.started_at)):
        d = dict(row._mapping)
        d["score"] = round(d["override"]) if d["override"] is not None else d["machine"]
        out.append(d)
    return out


def leaderboard(uow, *, since, until, team_id=None, min_sessions: int = 1, limit: int = 100) -> list[dict]:
    """People ranked by mean score over completed sessions in [since, until): the machine's score, or the
    trainer-approved one where it exists."""
    ov = approved_overrides()
    score = func.coalesce(ov.c.override, ScorecardRecord.overall)
    q = (select(Person.id.label("person_id"), Person.name, Person.team_id, func.count().label("sessions"),
                func.avg(score).label("mean"), func.max(score).label("best"),
                func.count(func.distinct(PracticeSession.track)).label("tracks"))
         .select_from(PracticeSession)
         .join(Person, Person.id == PracticeSession.person_id)
         .join(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                     ScorecardRecord.is_current.is_(True)))
         .outerjoin(ov, ov.c.scorecard_id == ScorecardRecord.id)
         .where(PracticeSession.status == "completed", PracticeSession.started_at >= as_utc(since, "since"),
                PracticeSession.started_at < as_utc(until, "until"), Person.deleted_at.is_(None))
         .group_by(Person.id, Person.name, Person.team_id)
         .having(func.count() >= min_sessions)
         .order_by(func.avg(score).desc(), func.count().desc(), Person.id)
         .limit(limit))
    if team_id is not None:
        q = q.where(Person.team_id == team_id)  # added to the WHERE clause, before GROUP BY
    return [{**dict(r._mapping), "mean": round(float(r.mean), 1)} for r in uow.session.execute(q)]
