"""Repositories: the tables the services reach through `uow.people`, `uow.teams`, `uow.awards` and
`uow.audit_log` rather than through the SQLAlchemy session, so that their services also run on the in-memory
fakes of the tests (tests/storage/fakes.py). They add, get and list; they never commit, the unit of work does.
`add` flushes, so the new row's id is known at once (and a duplicate raises IntegrityError there).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.storage.models import AuditEntry, Award, Person, Team


class _Repository:
    """One table through the unit of work's session; `add` flushes so the new row's id is known."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, row) -> None:
        self.session.add(row)
        self.session.flush()


class PeopleRepository(_Repository):
    """Accounts, deleted ones included (their rows stay, anonymised)."""

    def get(self, person_id: int) -> Person | None:
        return self.session.get(Person, person_id)

    def with_login(self, login: str) -> Person | None:
        """The person with this login, exactly as given (logins are stored in lower case)."""
        return self.session.execute(select(Person).where(Person.login == login)).scalar_one_or_none()

    def list(self, *, team_id: int | None = None, role: str | None = None, include_deleted=False) -> list[Person]:
        """By name; of one team or role when given."""
        q = select(Person).order_by(Person.name)
        if team_id is not None:
            q = q.where(Person.team_id == team_id)
        if role is not None:
            q = q.where(Person.role == role)
        if not include_deleted:
            q = q.where(Person.deleted_at.is_(None))
        return list(self.session.execute(q).scalars())


class TeamRepository(_Repository):
    def get(self, team_id: int) -> Team | None:
        return self.session.get(Team, team_id)

    def named(self, name: str) -> Team | None:
        return self.session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()

    def list(self) -> list[Team]:
        """By name."""
        return list(self.session.execute(select(Team).order_by(Team.name)).scalars())


class AwardRepository(_Repository):
    def decided(self, period: str, kind: str) -> Award | None:
        """The award of this kind already decided for the period, if any."""
        return self.session.execute(select(Award).where(Award.period == period, Award.kind == kind)).scalars().first()


class AuditLog:
    """Append only: entries are written with the changes they record, in the same transaction."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)
