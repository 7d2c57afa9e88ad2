"""Schema migrations with Alembic, configured in code (the scripts live in coach/storage/migrations).

`coach db upgrade` runs them; the application refuses to write to a database whose schema is behind.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from coach.storage.db import Database, explain_db_error
from coach.storage.errors import DatabaseUnavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Tables in the same database that belong to someone else: Rasa's SQL tracker store keeps its
# conversation events there (endpoints.yml); migrations neither create nor drop them.
FOREIGN_TABLES = frozenset({"events"})


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    if type_ in ("index", "unique_constraint", "foreign_key_constraint") and getattr(obj, "table", None) is not None \
            and obj.table.name in FOREIGN_TABLES:
        return False
    return True


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


@contextmanager
def _explained(db: Database):
    """Driver errors that mean the database is unusable come out as DatabaseUnavailable saying what to do."""
    try:
        yield
    except Exception as exc:
        better = explain_db_error(exc, db.url)
        if better is not None:
            raise better from exc
        raise


def current_revision(db: Database) -> str | None:
    with _explained(db), db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _run(db: Database, fn, *args):
    cfg = alembic_config(db)
    with _explained(db), db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, *args)


def upgrade(db: Database, revision: str = "head"):
    _run(db, command.upgrade, revision)


def upgrade_and_report(db: Database, revision: str = "head") -> str:
    """`coach db upgrade` (and `coach up`): migrate to `revision`, refresh the planner's statistics, and say
    what changed."""
    before = current_revision(db)
    upgrade(db, revision)
    refresh_statistics(db)
    after = current_revision(db)
    if before == after:
        return f"{db!r}: schema already at {after}"
    return f"{db!r}: schema {before or 'empty'} -> {after}"


def refresh_statistics(db: Database):
    """Let the query planner know the table sizes (ANALYZE), so it picks the indexes the panel's queries
    need; PostgreSQL's autovacuum does this by itself later, SQLite never does."""
    with _explained(db), db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def downgrade(db: Database, revision: str = "base"):
    _run(db, command.downgrade, revision)


def ensure_schema(db: Database):
    """Raise DatabaseUnavailable unless the database is at the newest migration."""
    cur, head = current_revision(db), head_revision()
    if cur != head:
        state = "has no schema" if cur is None else f"is at schema {cur}, this version of the product needs {head}"
        raise DatabaseUnavailable(f"the database {db!r} {state}; run `coach db upgrade`")
