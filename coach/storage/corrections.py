"""Trainers' corrections as labelled replies: the detector's best source of new examples.

A trainer who agrees with a finding about a behaviour confirms the behaviour in that reply; one who rejects
it says the reply does not show it; one who adds a finding the machine missed says it does. For a standard
that asks for a behaviour in one reply (greet in the first reply), the opposite holds: a rejected "you did
not greet" means the reply did greet. Only approved reviews count, and only findings about one reply.

Each exported reply carries the tags the machine gave it, corrected by the trainers, and where the
correction came from (session, review, reviewer, standard, verdict, reason), so it can be audited and
removed again. `coach data export-reviews` writes them; `coach data train-detector` learns from them.
"""

from __future__ import annotations

from sqlalchemy import select

from coach.behaviors import TAGS
from coach.storage.models import Person, Review, ReviewVerdict, TurnRecord

# rule types whose finding on one reply says the behaviour is there (avoid), or is missing (require)
_SHOWS = {"avoid": True, "require": False}


def rule_tags(pack) -> dict[str, tuple[tuple[str, ...], bool]]:
    """rule id -> (behaviour tags it is about, whether a finding means the reply shows them)."""
    out = {}
    for rule in pack.rules:
        if rule.type not in _SHOWS:
            continue
        tags = tuple(t for t in rule.spec.get("behaviors", ()) if t in TAGS)
        if not tags or rule.spec.get("together") or rule.spec.get("except"):
            continue  # a finding about a combination says nothing certain about one tag
        if rule.type == "require" and rule.spec.get("window") not in ("first", "last", "after_complaint"):
            continue  # "somewhere in the session" does not point at one reply
        out[rule.id] = (tags, _SHOWS[rule.type])
    return out


def _verdict_says(verdict: str, finding_means_present: bool) -> bool:
    """Whether, after the trainer's verdict, the reply shows the behaviour."""
    confirmed = verdict in ("agree", "add")  # the finding stands
    return confirmed if finding_means_present else not confirmed


def export_corrections(uow, pack) -> list[dict]:
    """Labelled replies from approved reviews, oldest first."""
    about = rule_tags(pack)
    q = (select(ReviewVerdict, Review, Person.login)
         .join(Review, ReviewVerdict.review_id == Review.id)
         .join(Person, Review.reviewer_id == Person.id)
         .where(Review.status == "approved", ReviewVerdict.turn_seq.is_not(None))
         .order_by(Review.session_id, ReviewVerdict.turn_seq, ReviewVerdict.id))
    replies: dict[tuple[int, int], dict] = {}
    for verdict, review, login in uow.session.execute(q):
        if verdict.rule_id not in about:
            continue
        tags, present_if_found = about[verdict.rule_id]
        key = (review.session_id, verdict.turn_seq)
        entry = replies.setdefault(key, {"add": set(), "remove": set(), "because": []})
        (entry["add"] if _verdict_says(verdict.verdict, present_if_found) else entry["remove"]).update(tags)
        entry["because"].append({"review": review.id, "reviewer": login, "rule": verdict.rule_id,
                                 "verdict": verdict.verdict, "reason": verdict.reason,
                                 "approved_at": review.updated_at.isoformat() if review.updated_at else None})
    return [_labelled(uow, sid, seq, entry) for (sid, seq), entry in replies.items() if _turn(uow, sid, seq)]


def _turn(uow, session_id, seq):
    return uow.session.execute(select(TurnRecord).where(TurnRecord.session_id == session_id, TurnRecord.seq == seq,
                                                        TurnRecord.speaker == "staff")).scalar_one_or_none()


def _labelled(uow, session_id, seq, entry) -> dict:
    turn = _turn(uow, session_id, seq)
    before = uow.session.execute(
        select(TurnRecord.text).where(TurnRecord.session_id == session_id, TurnRecord.seq < seq,
                                      TurnRecord.speaker == "customer").order_by(TurnRecord.seq.desc()).limit(1)
    ).scalar_one_or_none()
    conflicting = entry["add"] & entry["remove"]  # two trainers disagreed: leave the machine's call
    machine = set(turn.behaviors or ())
    tags = (machine | (entry["add"] - conflicting)) - (entry["remove"] - conflicting)
    return {
        "id": f"review-s{session_id}-t{seq}",
        "customer": before or "",
        "text": turn.text,
        "tags": [t for t in TAGS if t in tags],
        "machine": [t for t in TAGS if t in machine],
        "provenance": {"session_id": session_id, "turn_seq": seq, "corrections": entry["because"]},
    }
