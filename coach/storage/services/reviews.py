"""Trainers' reviews of scorecards, the second approver (four eyes), and the scores they approve."""

from __future__ import annotations

from sqlalchemy import func, select

from coach.storage.errors import Conflict, InvalidRecord, NotFound
from coach.storage.models import (
    REVIEW_STATUSES,
    VERDICTS,
    FindingRecord,
    PracticeSession,
    Review,
    ReviewVerdict,
    ScorecardRecord,
    utcnow,
)
from coach.storage.services.common import audit, checked_text, get_from, get_record, one_of
from coach.storage.services.company_settings import needs_second_approver


def review_dict(r: Review) -> dict:
    return {"id": r.id, "scorecard_id": r.scorecard_id, "reviewer_id": r.reviewer_id, "status": r.status,
            "overall_override": r.overall_override, "overall_reason": r.overall_reason, "comment": r.comment,
            "created_at": r.created_at, "updated_at": r.updated_at, "approved_by": r.approved_by,
            "approved_at": r.approved_at,
            "verdicts": [{"finding_id": v.finding_id, "rule": v.rule_id, "turn_seq": v.turn_seq, "verdict": v.verdict,
                          "reason": v.reason} for v in r.verdicts]}


def record_review(uow, *, session_id: int, reviewer_id: int, verdicts=(), overall_override: int | None = None,
                  overall_reason: str | None = None, comment: str | None = None, status: str = "pending") -> int:
    """A trainer's review of the session's current scorecard: a verdict per finding (agree / reject, or
    'add' for a finding the machine missed), an optional overall score with its reason, a comment and a
    status. Saving again updates the same review. Every change is written to the audit log; the machine's
    scorecard is never changed.

    Four eyes (company setting review.four_eyes, on by default): approving a score that moves the machine's
    by more than the setting's points saves the review as 'awaiting' until a second person approves it
    (approve_review); only approved scores count in progress, leaderboards and awards."""
    reviewer = get_from(uow.people, reviewer_id, "person")
    if reviewer.role not in ("trainer", "manager", "admin"):
        raise Conflict(f"{reviewer.name} is a {reviewer.role}; only trainers, managers and admins review sessions")
    session = get_record(uow, PracticeSession, session_id, "practice session")
    if session.person_id == reviewer_id:
        raise Conflict("nobody reviews their own practice session; ask another trainer")
    one_of(status, REVIEW_STATUSES, "status")
    overall_reason = checked_text(overall_reason, "overall_reason", required=False, limit=2000) or None
    comment = checked_text(comment, "comment", required=False, limit=4000) or None
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
    rows = _verdict_rows(uow, card, session_id, verdicts)
    review = uow.session.execute(select(Review).where(Review.scorecard_id == card.id,
                                                      Review.reviewer_id == reviewer_id)).scalar_one_or_none()
    before = review_dict(review) if review is not None else None
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
    after = review_dict(review)
    for d in (before, after):
        if d:
            d.pop("created_at"), d.pop("updated_at"), d.pop("approved_at", None)
    audit(uow, "review.save", "review", review.id, actor_id=reviewer_id, subject_id=session.person_id,
          before=before, after={**after, "machine_overall": card.overall})
    return review.id


def _verdict_rows(uow, card: ScorecardRecord, session_id: int, verdicts) -> list[ReviewVerdict]:
    """The review's verdicts checked against the findings of the scorecard under review."""
    findings = {f.id: f for f in uow.session.execute(
        select(FindingRecord).where(FindingRecord.scorecard_id == card.id)).scalars()}
    rows = []
    for n, v in enumerate(verdicts):
        where = f"verdicts[{n}]"
        verdict = one_of(v.get("verdict"), VERDICTS, f"{where}.verdict")
        v = {**v, "reason": checked_text(v.get("reason"), f"{where}.reason", required=False, limit=1000) or None}
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
    return rows


def approve_review(uow, review_id: int, *, approver_id: int) -> dict:
    """The second pair of eyes: another trainer of the trainee's team, a manager or an admin approves a review
    that waits for it. Audited with the approver; the review keeps its author."""
    review = get_record(uow, Review, review_id, "review")
    approver = get_from(uow.people, approver_id, "person")
    session = get_record(uow, PracticeSession, review.session_id, "practice session")
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
    before = review_dict(review)
    review.status, review.approved_by, review.approved_at = "approved", approver_id, utcnow()
    uow.session.flush()
    after = review_dict(review)
    for d in (before, after):
        d.pop("created_at"), d.pop("updated_at"), d.pop("approved_at", None)
    audit(uow, "review.approve", "review", review.id, actor_id=approver_id, subject_id=session.person_id,
          before=before, after={**after, "reviewer_id": review.reviewer_id})
    return after


def approved_overrides():
    """Per scorecard, the mean overall score set by approving trainers (where one was set)."""
    return (select(Review.scorecard_id.label("scorecard_id"), func.avg(Review.overall_override).label("override"))
            .where(Review.status == "approved", Review.overall_override.is_not(None))
            .group_by(Review.scorecard_id).subquery())
