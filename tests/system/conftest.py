"""Running it for real: the scale-out configuration, the load test, the fault tests and the security tests.

Everything is started for real on loopback: PostgreSQL (the machine's server, or a private one of the
test's own for the restart test), Redis (the machine's, on a database number of its own), the Rasa
servers, the action servers and the panel, each from the Procfile's line (ops/servers.py).
"""

from __future__ import annotations

import pytest

from system.support import PG_BIN, REDIS_URL, PrivatePostgres


@pytest.fixture(scope="session")
def model():
    """The Rasa model for the current data (trained once if it is missing)."""
    from ops.servers import train

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
def private_pg():
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL's server programs are not in {PG_BIN}; install postgresql or set COACH_PG_BIN",
                    pytrace=False)
    pg = PrivatePostgres()
    yield pg
    pg.close()


