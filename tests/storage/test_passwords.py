"""Passwords: the time a sign-in takes says nothing about whether the login exists, and weaker hashes are
upgraded to the configured bcrypt cost when their owner signs in."""

import time
from datetime import date

import pytest

from coach import settings
from coach.storage import Database, migrate
from coach.storage import services as sv
from coach.storage.services.people import _dummy_hash


def _cost(password_hash: str) -> int:
    return int(password_hash.split("$")[2])  # $2b$12$...


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, scorer):
    """The demo company as `coach db demo` writes it (the configured password cost: the tests' own, 10), with few
    sessions."""
    from coach.demo import load_demo

    db = Database(f"sqlite:///{tmp_path_factory.mktemp('passwords') / 'coach.db'}")
    migrate.upgrade(db)
    load_demo(db, scorer, anchor=date(2026, 11, 30), sessions_per_trainee=(1, 1), days=7)
    yield db
    db.dispose()


def _seconds(db, login, password) -> float:
    with db.reader() as r:
        started = time.perf_counter()
        assert sv.check_password(r, login, password) is None
        return time.perf_counter() - started


def test_an_unknown_login_takes_as_long_as_a_known_one_with_a_wrong_password(demo_db):
    _seconds(demo_db, "nobody.here", "guess-guess")  # the dummy hash is made once, not timed
    unknown, known = [], []
    for _ in range(9):  # taken in turn, so a busy moment of the shared machine falls on both alike
        unknown.append(_seconds(demo_db, "nobody.here", "guess-guess"))
        known.append(_seconds(demo_db, "trainee", "guess-guess"))
    # the fastest of each: what the work itself costs, without the other tests' load on top; two hashing costs
    # apart would differ 4x, far outside this tolerance
    fast_unknown, fast_known = min(unknown), min(known)
    assert abs(fast_known - fast_unknown) <= 0.35 * max(fast_known, fast_unknown), (known, unknown)


def test_every_path_uses_the_configured_cost(demo_db):
    with demo_db.reader() as r:
        from sqlalchemy import select

        from coach.storage.models import Person

        costs = set(r.session.execute(select(Person.password_hash)).scalars())
    assert {_cost(h) for h in costs} == {settings.current().password_rounds}, "demo accounts are hashed like any other"
    assert _cost(_dummy_hash(settings.current().password_rounds).decode()) == settings.current().password_rounds


def test_a_weaker_hash_is_upgraded_when_its_owner_signs_in(demo_db):
    with demo_db.uow() as w:
        sv.create_person(w, name="Old Account", login="old.account", role="trainee", password="an old password",
                         password_rounds=4)
        w.commit()
    with demo_db.uow() as w:
        assert sv.check_password(w, "old.account", "not the password") is None
        w.commit()
    with demo_db.reader() as r:
        from sqlalchemy import select

        from coach.storage.models import Person

        stored = lambda: r.session.execute(select(Person.password_hash).where(Person.login == "old.account")).scalar()  # noqa: E731
        assert _cost(stored()) == 4, "a wrong password changes nothing"
    with demo_db.uow() as w:
        assert sv.check_password(w, "old.account", "an old password")["login"] == "old.account"
        w.commit()
    with demo_db.reader() as r:
        assert _cost(stored()) == settings.current().password_rounds
        assert sv.check_password(r, "old.account", "an old password") is not None, "the new hash works"


def test_the_cost_setting_is_checked(monkeypatch):
    monkeypatch.setenv("COACH_BCRYPT_ROUNDS", "6")
    with pytest.raises(settings.SettingsError, match="COACH_BCRYPT_ROUNDS='6'; give the bcrypt cost"):
        settings.current()
    monkeypatch.setenv("COACH_BCRYPT_ROUNDS", "13")
    assert settings.current().password_rounds == 13
