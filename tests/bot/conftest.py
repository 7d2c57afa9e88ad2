"""Bot tests: the actions with trackers from JSON against a real database, and the real servers."""

import os
import uuid

import pytest

from coach.storage import Database, migrate
from coach.storage import services as sv
from ops.wait import free_port


@pytest.fixture(scope="session")
def bot_db(tmp_path_factory):
    """A migrated SQLite database with a trainee (id 1), for the actions and the servers."""
    path = tmp_path_factory.mktemp("bot") / "coach.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    with db.uow() as uow:
        team = sv.create_team(uow, "Customer care")
        sv.create_person(uow, name="Anna Berg", login="trainee", role="trainee", team_id=team)
        uow.commit()
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def servers(bot_db):
    """The Rasa server and the action server, started for real on free loopback ports."""
    from ops.servers import Servers

    with Servers(database=bot_db.url, rasa_port=free_port(), action_port=free_port(),
                 token=uuid.uuid4().hex) as s:
        yield s


@pytest.fixture
def client(servers):
    from bot.client import PracticeClient

    return PracticeClient(servers.rasa_url, token=servers.token)


@pytest.fixture
def action_env(bot_db, monkeypatch):
    """The action modules' shared resources pointed at the test database."""
    from coach import resources

    monkeypatch.setenv("DATABASE_URL", bot_db.url)
    resources.database.cache_clear()
    yield
    resources.database.cache_clear()
    os.environ.get("DATABASE_URL")
