"""In-memory fakes of the repositories and the unit of work (cosmicpython's): the people, team and award
services run on them as they run on SQLite and PostgreSQL, without a database.

A fake unit of work has no `session`, so a service that reaches past the repositories fails loudly here.
It does not model rollback: what a service adds stays, committed or not; `committed` says whether the
caller committed.
"""


class _Rows:
    """Rows by id, numbered from 1 in the order they are added, as the database numbers them."""

    def __init__(self):
        self.rows = {}

    def get(self, ident):
        return self.rows.get(ident)

    def add(self, row):
        row.id = len(self.rows) + 1
        self.rows[row.id] = row


class FakePeople(_Rows):
    def with_login(self, login):
        return next((p for p in self.rows.values() if p.login == login), None)

    def list(self, *, team_id=None, role=None, include_deleted=False):
        return sorted((p for p in self.rows.values()
                       if (team_id is None or p.team_id == team_id) and (role is None or p.role == role)
                       and (include_deleted or p.deleted_at is None)), key=lambda p: p.name)


class FakeTeams(_Rows):
    def named(self, name):
        return next((t for t in self.rows.values() if t.name == name), None)

    def list(self):
        return sorted(self.rows.values(), key=lambda t: t.name)


class FakeAwards(_Rows):
    def decided(self, period, kind):
        return next((a for a in self.rows.values() if (a.period, a.kind) == (period, kind)), None)


class FakeAuditLog:
    def __init__(self):
        self.entries = []

    def add(self, entry):
        self.entries.append(entry)


class FakeUnitOfWork:
    def __init__(self, store: "FakeStore"):
        self.people, self.teams, self.awards, self.audit_log = store.people, store.teams, store.awards, store.audit_log
        self.committed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def commit(self):
        self.committed = True

    def rollback(self):
        """Nothing to undo: the fakes do not model transactions, so tests of "nothing is written" run on SQL."""


class FakeStore:
    """The fakes' "database": `store.uow()` opens a unit of work on it, like `Database.uow()`."""

    def __init__(self):
        self.people, self.teams, self.awards, self.audit_log = FakePeople(), FakeTeams(), FakeAwards(), FakeAuditLog()

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    reader = uow
