"""Awards (the employee of the month): decided once per period by a manager, with the figures behind it.
Through the unit of work's repositories only (uow.awards, uow.people, uow.audit_log), like the people services."""

from __future__ import annotations

from datetime import datetime

from coach.storage.errors import Conflict, InvalidRecord
from coach.storage.models import Award, utcnow
from coach.storage.services.common import audit, checked_text, get_from


def record_award(uow, *, period: str, person_id: int, decided_by: int, reason: str, formula_version: str,
                 figures: dict, kind: str = "employee_of_the_month") -> int:
    try:
        datetime.strptime(period, "%Y-%m")
    except (TypeError, ValueError):
        raise InvalidRecord(f"period: {period!r}; expected a month like 2026-11") from None
    decider = get_from(uow.people, decided_by, "person")
    if decider.role not in ("manager", "admin"):
        raise Conflict(f"{decider.name} is a {decider.role}; only managers decide awards")
    get_from(uow.people, person_id, "person")
    reason = checked_text(reason, "reason", limit=4000)
    if uow.awards.decided(period, kind) is not None:
        raise Conflict(f"the {kind.replace('_', ' ')} for {period} has already been decided")
    award = Award(period=period, kind=kind, person_id=person_id, formula_version=formula_version, figures=figures,
                  decided_by=decided_by, reason=reason, decided_at=utcnow())
    uow.awards.add(award)
    audit(uow, "award.decide", "award", award.id, actor_id=decided_by, subject_id=person_id,
          after={"period": period, "kind": kind, "person_id": person_id, "reason": reason, "figures": figures})
    return award.id
