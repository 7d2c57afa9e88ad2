"""Opening the database: the URL from the settings (coach/settings.py), engines with the right settings, the
unit of work.

One way to open a database session (STYLE.md): `Database(url).uow()`. Nothing connects at import.
- SQLite by default, a file under `var/` (git ignores it), in WAL mode so the panel can read while the
  bot writes, with foreign keys enforced and a busy timeout instead of an instant "database is locked".
- PostgreSQL when `DATABASE_URL` says so (`postgresql://user@host/db`); connections are checked before
  use so a restarted server does not hand out dead connections.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from coach import settings
from coach.storage.errors import DatabaseUnavailable
from coach.storage.repositories import AuditLog, AwardRepository, PeopleRepository, TeamRepository

log = logging.getLogger(__name__)
SQLITE_BUSY_SECONDS = 10


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL: show nothing of its credentials
        return re.sub(r"//[^@/]*@", "//***@", url)


def _private_sqlite_file(path: Path):
    """The SQLite file created readable by its owner only (0600), or made so: it holds transcripts and password
    hashes. SQLite gives its -wal and -shm files the database file's mode."""
    if settings.var_dir() in path.parents:
        settings.private_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError:  # a read-only place: SQLite says so in words when it is used
        return
    settings.private_file(path)


def _sqlite_pragmas(busy_seconds):
    def on_connect(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # durable at every commit in WAL mode except on power loss
        cur.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        cur.close()
    return on_connect


def _sqlite_begin(conn):
    mode = "BEGIN" if conn.get_execution_options().get("coach_readonly") else "BEGIN IMMEDIATE"
    conn.exec_driver_sql(mode)


def make_engine(url: str | None = None, *, sqlite_busy_seconds: float = SQLITE_BUSY_SECONDS, **kwargs) -> Engine:
    url = url or settings.current().database_url
    try:
        parsed = make_url(url)
    except Exception:
        raise DatabaseUnavailable(f"DATABASE_URL {safe_url(url)!r} is not a database URL; expected for example "
                                  f"sqlite:///var/coach.db or postgresql://user@localhost/coach") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_sqlite_file(Path(parsed.database))
        engine = create_engine(url, future=True, connect_args={"timeout": sqlite_busy_seconds}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(sqlite_busy_seconds))
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so a unit of work is one
        # transaction. Writers take the write lock at BEGIN (IMMEDIATE): a deferred transaction that reads,
        # then writes, fails at once with "database is locked" when another writer got in between, while
        # IMMEDIATE waits its turn (busy timeout). Readers stay deferred and never block anyone in WAL mode.
        event.listen(engine, "connect", lambda conn, _r: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
        kwargs.setdefault("connect_args", {"connect_timeout": 5})
        return create_engine(url, future=True, **kwargs)
    raise DatabaseUnavailable(f"DATABASE_URL {safe_url(url)!r}: the {parsed.get_backend_name()!r} database is not "
                              f"supported; use sqlite:///path/to/file.db or postgresql://user@host/db")


def explain_db_error(exc: Exception, url: str, busy_seconds: float = SQLITE_BUSY_SECONDS) -> DatabaseUnavailable | None:
    """Turn a driver error that means 'the database is not usable' into a message saying what to do."""
    if not isinstance(exc, (OperationalError, ProgrammingError, DBAPIError)):
        return None
    where = safe_url(url)
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)).strip() else ""
    low = text.lower()
    if "database is locked" in low or "database table is locked" in low:
        return DatabaseUnavailable(f"the database {where} stayed locked by another process for more than "
                                   f"{busy_seconds:g} s; nothing was written. Close other programs writing to "
                                   f"it (another `coach` command?) and try again")
    if "no such table" in low or ("relation" in low and "does not exist" in low):
        return DatabaseUnavailable(f"the database {where} has no schema yet ({text}); run `coach db upgrade`")
    if "no such column" in low or ("column" in low and "does not exist" in low):
        return DatabaseUnavailable(f"the database {where} has an older schema ({text}); run `coach db upgrade`")
    if isinstance(exc, OperationalError) or getattr(exc, "connection_invalidated", False):
        hint = ("is PostgreSQL running? Start it (on Debian: pg_ctlcluster <version> main start) or fix DATABASE_URL"
                if where.startswith("postgresql")
                else "check that the folder exists and is writable, or fix DATABASE_URL")
        return DatabaseUnavailable(f"cannot use the database {where}: {text or type(exc).__name__}; {hint}. "
                                   f"Nothing was written")
    return None


class Database:
    """An engine and a session factory for one URL. Build once per process and share."""

    def __init__(self, url: str | None = None, *, sqlite_busy_seconds: float = SQLITE_BUSY_SECONDS, **engine_kwargs):
        self.url = url or settings.current().database_url
        self.busy_seconds = sqlite_busy_seconds
        self.engine = make_engine(self.url, sqlite_busy_seconds=sqlite_busy_seconds, **engine_kwargs)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)
        self._read_sessions = sessionmaker(bind=self.engine.execution_options(coach_readonly=True), future=True,
                                           expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def uow(self) -> "UnitOfWork":
        """A unit of work that may write."""
        return UnitOfWork(self, self._sessions)

    def reader(self) -> "UnitOfWork":
        """A unit of work for queries only (on SQLite it never waits for writers)."""
        return UnitOfWork(self, self._read_sessions)

    def dispose(self):
        self.engine.dispose()

    def __repr__(self):
        return f"Database({safe_url(self.url)!r})"


class UnitOfWork:
    """One transaction: `with db.uow() as uow: ...; uow.commit()`. Leaving without commit() rolls back,
    so a failure halfway writes nothing. Driver errors that mean the database is unusable come out as
    DatabaseUnavailable with a message that says what to do.

    The services reach people, teams, awards and the audit log through its repositories (`uow.people`, ...)
    and every other table through `uow.session`."""

    session: Session
    people: PeopleRepository
    teams: TeamRepository
    awards: AwardRepository
    audit_log: AuditLog

    def __init__(self, db: Database, factory):
        self.db = db
        self._factory = factory

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        self.people, self.teams = PeopleRepository(self.session), TeamRepository(self.session)
        self.awards, self.audit_log = AwardRepository(self.session), AuditLog(self.session)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.session.rollback()
        except Exception as gone:  # the connection may be gone; the transaction is gone with it
            log.debug("rollback on a lost connection: %s", gone)
        finally:
            self.session.close()
        if exc is not None:
            better = explain_db_error(exc, self.db.url, self.db.busy_seconds)
            if better is not None:
                raise better from exc
        return False

    def commit(self):
        self.session.commit()

    def rollback(self):
        self.session.rollback()


def tracker_store_settings(url: str | None = None) -> dict:
    """The `tracker_store` section of Rasa's endpoints.yml that keeps Rasa's conversation events in the
    same database as the coach's records (Rasa's SQLTrackerStore takes the URL in parts)."""
    parsed = make_url(url or settings.current().database_url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": parsed.database}
    if backend == "postgresql":
        out = {"type": "SQL", "dialect": "postgresql", "url": parsed.host or "localhost", "db": parsed.database}
        if parsed.port:
            out["port"] = parsed.port
        if parsed.username:
            out["username"] = parsed.username
        if parsed.password:
            out["password"] = parsed.password
        return out
    raise DatabaseUnavailable(f"{safe_url(str(parsed))}: Rasa's tracker store supports SQLite and PostgreSQL here")
