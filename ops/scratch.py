"""A throw-away PostgreSQL database: created on a server, migrated, dropped afterwards. For the tests and
the benchmarks that need a real PostgreSQL database of their own (never for application data)."""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import create_engine, text

from coach.storage import migrate
from coach.storage.db import Database


@contextlib.contextmanager
def scratch_database(admin_url: str, prefix: str = "coach_tmp", *, migrated: bool = True):
    """Yield a Database on a new database `<prefix>_<random>` of the server behind `admin_url` (a
    maintenance database of a role that may create databases); dropped on exit, connections and all."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        db = Database(admin.url.set(database=name).render_as_string(hide_password=False))
        try:
            if migrated:
                migrate.upgrade(db)
            yield db
        finally:
            db.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
