"""Four eyes on changed scores (company setting review.four_eyes): one trainer cannot both change a score
by more than the setting's points and approve it; a second trainer of the team, a manager or an admin does,
and the audit log shows both. Only approved scores feed progress, leaderboards and awards."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from coach.storage import services as sv
from coach.storage.errors import Conflict, InvalidRecord, NotFound
from coach.storage.models import AuditEntry
from tests.storage.conftest import POOR_CHAT


def _extra(db, company):
    with db.uow() as w:
        ids = {"ben": sv.create_person(w, name="Ben Adams", login="ben", role="trainer", team_id=company["care"]),
               "sol": sv.create_person(w, name="Sol Reyes", login="sol", role="trainer", team_id=company["sales"]),
               "ada": sv.create_person(w, name="Ada Admin", login="ada", role="admin")}
        w.commit()
    return ids


def _board(db, person):
    now = datetime.now(timezone.utc)
    with db.reader() as r:
        board = sv.leaderboard(r, since=now - timedelta(days=1), until=now + timedelta(days=1))
        return next(b["mean"] for b in board if b["person_id"] == person)


def test_a_large_change_waits_for_a_second_approver_and_both_are_audited(db, company, record):
    more = _extra(db, company)
    sid = record(company["anna"], POOR_CHAT)
    with db.reader() as r:
        machine = sv.session_detail(r, sid)["scorecard"]["overall"]
        assert sv.get_setting(r, "review.four_eyes") == sv.FourEyes(enabled=True, min_change=10), "on by default"
    new = min(100, machine + 25)
    with db.uow() as w:
        rid = sv.record_review(w, session_id=sid, reviewer_id=company["tess"], status="approved",
                               overall_override=new, overall_reason="the customer was satisfied")
        w.commit()
    with db.reader() as r:
        review = sv.session_detail(r, sid)["reviews"][0]
    assert review["status"] == "awaiting" and review["approved_by"] is None
    assert _board(db, company["anna"]) == machine, "an unapproved change does not count"
    with db.uow() as w:
        with pytest.raises(Conflict, match="needs a second person"):
            sv.approve_review(w, rid, approver_id=company["tess"])
        with pytest.raises(Conflict, match="only trainers, managers and admins"):
            sv.approve_review(w, rid, approver_id=company["anna"])
        with pytest.raises(Conflict, match="a trainer of another team"):
            sv.approve_review(w, rid, approver_id=more["sol"])
    with db.uow() as w:  # the author saving it again, approved, changes nothing
        sv.record_review(w, session_id=sid, reviewer_id=company["tess"], status="approved", overall_override=new,
                         overall_reason="the customer was satisfied")
        w.commit()
    with db.uow() as w:
        sv.approve_review(w, rid, approver_id=more["ben"])
        w.commit()
    with db.reader() as r:
        review = sv.session_detail(r, sid)["reviews"][0]
        audit = r.session.execute(select(AuditEntry.action, AuditEntry.actor_id).where(
            AuditEntry.entity == "review", AuditEntry.entity_id == rid).order_by(AuditEntry.id)).all()
    assert review["status"] == "approved" and review["approved_by"] == more["ben"]
    assert [a.action for a in audit] == ["review.save", "review.save", "review.approve"]
    assert audit[0].actor_id == company["tess"] and audit[-1].actor_id == more["ben"]
    assert _board(db, company["anna"]) == new
    with db.uow() as w:
        with pytest.raises(Conflict, match="is approved; only a review waiting"):
            sv.approve_review(w, rid, approver_id=company["meg"])
    second = machine - 20 if machine >= 20 else machine + 15  # again more than 10 points from the machine's
    with db.uow() as w:  # the author changes it again: it waits again
        sv.record_review(w, session_id=sid, reviewer_id=company["tess"], status="approved",
                         overall_override=second, overall_reason="on second thoughts")
        w.commit()
    with db.reader() as r:
        assert sv.session_detail(r, sid)["reviews"][0]["status"] == "awaiting"
    with db.uow() as w:  # a manager may approve too
        sv.approve_review(w, rid, approver_id=company["meg"])
        w.commit()


def test_small_changes_and_a_company_without_four_eyes_approve_at_once(db, company, record):
    more = _extra(db, company)
    a, b = record(company["anna"], POOR_CHAT), record(company["anna"], POOR_CHAT)
    with db.reader() as r:
        machine = sv.session_detail(r, a)["scorecard"]["overall"]
    with db.uow() as w:
        sv.record_review(w, session_id=a, reviewer_id=company["tess"], status="approved",
                         overall_override=min(100, machine + 10), overall_reason="ten points or fewer")
        w.commit()
    with db.uow() as w:
        with pytest.raises(Conflict, match="only admins change company settings"):
            sv.set_setting(w, "review.four_eyes", actor_id=company["meg"], enabled=False)
        with pytest.raises(InvalidRecord, match="min_change: 500"):
            sv.set_setting(w, "review.four_eyes", actor_id=more["ada"], min_change=500)
        with pytest.raises(NotFound, match="no company setting 'review.six_eyes'"):
            sv.get_setting(w, "review.six_eyes")
        sv.set_setting(w, "review.four_eyes", actor_id=more["ada"], enabled=False)
        w.commit()
    with db.uow() as w:
        sv.record_review(w, session_id=b, reviewer_id=company["tess"], status="approved",
                         overall_override=min(100, machine + 40), overall_reason="the company trusts one pair")
        w.commit()
    with db.reader() as r:
        statuses = [sv.session_detail(r, s)["reviews"][0]["status"] for s in (a, b)]
        change = r.session.execute(select(AuditEntry.actor_id, AuditEntry.after).where(
            AuditEntry.action == "setting.change")).one()
    assert statuses == ["approved", "approved"]
    assert change.actor_id == more["ada"] and change.after == {"review.four_eyes": {"enabled": False, "min_change": 10}}


def test_ids_out_of_range_are_not_found_rather_than_a_driver_error(db, company):
    with db.reader() as r:
        for bad in (10**40, -1, 0, 2**31):
            with pytest.raises(NotFound, match="there is no practice session"):
                sv.session_detail(r, bad)


def test_control_characters_in_typed_fields_are_refused(db, company, record):
    sid = record(company["anna"], POOR_CHAT)
    with db.uow() as w:
        with pytest.raises(InvalidRecord, match=r"name: contains U\+202E"):
            sv.create_person(w, name="Eve \u202eevil", login="eve", role="trainee")
        with pytest.raises(InvalidRecord, match=r"comment: contains U\+0007"):
            sv.record_review(w, session_id=sid, reviewer_id=company["tess"], comment="ding\x07")
        with pytest.raises(InvalidRecord, match=r"turn 9 text: contains U\+001B"):
            sv.append_turn(w, sid, 9, speaker="staff", text="\x1b[2J cleared")
