"""Storage tests run twice: on a SQLite file and on a real PostgreSQL server (a database created for the
test run and dropped afterwards). PostgreSQL must be running: `.ci/run` starts it when it is not."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from coach.storage import Database, migrate
from coach.storage.models import Base

PG_ADMIN = os.environ.get("COACH_TEST_POSTGRES", "postgresql:///postgres")


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run, migrated once; dropped at the end."""
    name = f"coach_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the storage tests need the real server; say how to get it
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} "
                    f"({exc.__class__.__name__}: {str(exc).splitlines()[0]}); "
                    f"start it (pg_ctlcluster <version> main start) or set COACH_TEST_POSTGRES", pytrace=False)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _pg_db(pg_url):
    db = Database(pg_url)
    migrate.upgrade(db)
    yield db
    db.dispose()


def _empty_pg(db):
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("DROP TABLE IF EXISTS events"))


def _database(kind, request, tmp_path):
    if kind == "sqlite":
        d = Database(f"sqlite:///{tmp_path / 'coach.db'}")
        migrate.upgrade(d)
        yield d
        d.dispose()
    else:
        d = request.getfixturevalue("_pg_db")
        _empty_pg(d)
        yield d


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A migrated, empty database of each kind."""
    yield from _database(request.param, request, tmp_path)


@pytest.fixture
def postgres_db(request, tmp_path):
    """A migrated, empty PostgreSQL database only (for a test whose SQLite half runs on a shared copy)."""
    yield from _database("postgresql", request, tmp_path)


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
def store(request, tmp_path):
    """Where the people, team and award services keep their records: the in-memory fakes, or an empty database
    of each kind. Either way `store.uow()` opens a unit of work."""
    if request.param == "fake":
        from .fakes import FakeStore

        yield FakeStore()
    else:
        yield from _database(request.param, request, tmp_path)


@pytest.fixture
def empty_db(request, tmp_path):
    """Factory of databases with no schema at all, of a given kind (for the migration tests)."""
    made = []

    def make(kind):
        if kind == "sqlite":
            d = Database(f"sqlite:///{tmp_path / ('empty%d.db' % len(made))}")
        else:
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", future=True)
            name = f"coach_test_{uuid.uuid4().hex[:10]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            d = Database(admin.url.set(database=name).render_as_string(hide_password=False))
            d._admin, d._name = admin, name
        made.append(d)
        return d

    yield make
    for d in made:
        d.dispose()
        if getattr(d, "_admin", None) is not None:
            with d._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{d._name}" WITH (FORCE)'))
            d._admin.dispose()


@pytest.fixture
def company(db):
    """Two teams, a trainee in each, a trainer, a manager; returns their ids."""
    from coach.storage import services as sv

    with db.uow() as uow:
        care = sv.create_team(uow, "Customer care")
        sales = sv.create_team(uow, "Telesales")
        ids = {
            "care": care, "sales": sales,
            "anna": sv.create_person(uow, name="Anna Berg", login="anna", role="trainee", team_id=care,
                                     password="practise", password_rounds=4),
            "omar": sv.create_person(uow, name="Omar Said", login="omar", role="trainee", team_id=sales,
                                     password="practise", password_rounds=4),
            "tess": sv.create_person(uow, name="Tessa Morgan", login="tess", role="trainer", team_id=care,
                                     password="practise", password_rounds=4),
            "meg": sv.create_person(uow, name="Margaret Okonkwo", login="meg", role="manager",
                                    password="practise", password_rounds=4),
        }
        uow.commit()
    return ids


GOOD_CHAT = {"channel": "chat", "scenario": "late_delivery_b2b", "turns": [
    {"speaker": "customer", "text": "Our order 48213 was due on Monday and it still hasn't arrived. "
                                    "This is the second time."},
    {"speaker": "staff", "text": "I'm sorry about the delay, that's frustrating when your team is waiting. Could you "
                                 "confirm the delivery address so I can check where the pallet is?"},
    {"speaker": "customer", "text": "Unit 4, Harbour Park, Leeds."},
    {"speaker": "staff", "text": "Thank you. The pallet missed Monday's truck at our depot; I've booked it on the "
                                 "first van tomorrow and I'll email you the tracking number by 3 pm today."},
    {"speaker": "customer", "text": "Fine, thanks."},
    {"speaker": "staff", "text": "Is there anything else I can help with? Thank you for your patience, "
                                 "and have a good day."},
]}

POOR_CHAT = {"channel": "chat", "scenario": "late_delivery_b2b", "turns": [
    {"speaker": "customer", "text": "Our order 48213 was due on Monday and it still hasn't arrived."},
    {"speaker": "staff", "text": "Well, you should have ordered earlier. That's not my department anyway."},
    {"speaker": "customer", "text": "Are you serious? I want to speak to a manager."},
    {"speaker": "staff", "text": "Calm down. There's nothing I can do."},
]}


@pytest.fixture
def record(db, scorer):
    """Record a transcript turn by turn as the bot would, end it with its scorecard; returns the session id."""
    from coach.storage import services as sv

    def go(person_id, transcript=GOOD_CHAT, *, started_at=None, outcome="resolved", track="complaint", difficulty=2,
           end=True, conversation_id=None):
        with db.uow() as uow:
            sid = sv.start_session(uow, person_id=person_id, scenario_id=transcript["scenario"], scenario_version="1",
                                   channel=transcript["channel"], track=track, difficulty=difficulty,
                                   started_at=started_at, rasa_conversation_id=conversation_id)
            uow.commit()
        for seq, turn in enumerate(transcript["turns"]):
            with db.uow() as uow:
                sv.append_turn(uow, sid, seq, speaker=turn["speaker"], text=turn.get("text", ""),
                               event=turn.get("event"), t=turn.get("t", float(seq * 10)))
                uow.commit()
        if end:
            with db.uow() as uow:
                sv.end_session(uow, sid, outcome=outcome, final_mood=0.4, scorer=scorer)
                uow.commit()
        return sid

    return go
