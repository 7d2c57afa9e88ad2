"""Running it for real: the scale-out configuration, the load test, the fault tests and the security tests.

Everything is started for real on loopback: PostgreSQL (the machine's server, or a private one of the
test's own for the restart test), Redis (the machine's, on a database number of its own), the Rasa
servers, the action servers and the panel, each from the Procfile's line (bot/servers.py).
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from coach.storage import Database, migrate
from ops.support import PG_ADMIN, PG_BIN, REDIS_URL, PrivatePostgres


@pytest.fixture(scope="session")
def model():
    """The Rasa model for the current data (trained once if it is missing)."""
    from bot.servers import train

    return train(quiet=True)


@pytest.fixture(scope="session")
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start it or set COACH_TEST_REDIS", pytrace=False)
    yield REDIS_URL
    client.close()


@pytest.fixture
def pg_database():
    """A fresh, migrated PostgreSQL database on the machine's server; dropped afterwards."""
    name = f"coach_ops_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} ({exc.__class__.__name__}); start it "
                    f"(scripts/ensure-postgres) or set COACH_TEST_POSTGRES", pytrace=False)
    db = Database(admin.url.set(database=name).render_as_string(hide_password=False))
    migrate.upgrade(db)
    yield db
    db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def private_pg():
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL's server programs are not in {PG_BIN}; install postgresql or set COACH_PG_BIN",
                    pytrace=False)
    pg = PrivatePostgres()
    yield pg
    pg.close()


