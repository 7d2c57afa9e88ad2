"""People, teams and awards, each test run on the in-memory fakes, on SQLite and on PostgreSQL: the services'
rules are tested without a database, and the fakes are held to what the real repositories do."""

import pytest
from sqlalchemy import select

from coach.storage import Conflict, InvalidRecord, NotFound
from coach.storage import services as sv
from coach.storage.models import AuditEntry

from .fakes import FakeUnitOfWork


def audited(uow) -> list[str]:
    """The actions in the audit log, oldest first."""
    if isinstance(uow, FakeUnitOfWork):
        return [e.action for e in uow.audit_log.entries]
    return list(uow.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


@pytest.fixture
def staff(store):
    """Two teams, a trainee, a trainer and a manager, committed; returns their ids."""
    with store.uow() as uow:
        care, sales = sv.create_team(uow, "Customer care"), sv.create_team(uow, "Telesales")
        ids = {"care": care, "sales": sales,
               "anna": sv.create_person(uow, name="Anna Berg", login="Anna.Berg", role="trainee", team_id=care,
                                        password="practise", password_rounds=4),
               "tess": sv.create_person(uow, name="Tessa Morgan", login="tess", role="trainer", team_id=care),
               "meg": sv.create_person(uow, name="Margaret Okonkwo", login="meg", role="manager")}
        uow.commit()
    return ids


def test_people_and_teams_are_found_by_id_and_login_and_listed_by_name(store, staff):
    with store.reader() as uow:
        anna = sv.get_person(uow, staff["anna"])
        assert anna == {"id": staff["anna"], "name": "Anna Berg", "login": "anna.berg", "role": "trainee",
                        "team_id": staff["care"], "team": "Customer care", "active": True, "deleted": False,
                        "language": "en"}
        assert sv.find_person(uow, "  ANNA.berg ")["id"] == staff["anna"]
        assert [t["name"] for t in sv.list_teams(uow)] == ["Customer care", "Telesales"]
        assert [p["login"] for p in sv.list_people(uow)] == ["anna.berg", "meg", "tess"]
        assert [p["login"] for p in sv.list_people(uow, team_id=staff["care"])] == ["anna.berg", "tess"]
        assert [p["login"] for p in sv.list_people(uow, role="manager")] == ["meg"]
        assert audited(uow) == ["team.create"] * 2 + ["person.create"] * 3


def test_taken_names_unknown_ids_and_bad_values_are_refused(store, staff):
    with store.uow() as uow:
        with pytest.raises(Conflict, match="a team called 'Telesales' already exists"):
            sv.create_team(uow, " Telesales ")
        with pytest.raises(Conflict, match="login 'meg' is already taken"):
            sv.create_person(uow, name="Meg Two", login="MEG", role="trainee")
        with pytest.raises(NotFound, match="no team with id 77"):
            sv.create_person(uow, name="X", login="x", role="trainee", team_id=77)
        with pytest.raises(NotFound, match="no person with id 99999999999"):
            sv.get_person(uow, 99_999_999_999)
        with pytest.raises(InvalidRecord, match="person id must be a whole number, got '1'"):
            sv.get_person(uow, "1")
        with pytest.raises(NotFound, match="no person with the login 'ghost'"):
            sv.find_person(uow, "ghost")
        with pytest.raises(InvalidRecord, match="'boss' is not one of trainee, trainer, manager, admin"):
            sv.create_person(uow, name="B", login="b", role="boss")
        with pytest.raises(InvalidRecord, match="no spaces allowed"):
            sv.create_person(uow, name="B", login="b b", role="trainee")


def test_a_person_changes_team_role_and_password_but_cannot_deactivate_themselves(store, staff):
    with store.uow() as uow:
        after = sv.update_person(uow, staff["anna"], actor_id=staff["meg"], team_id=staff["sales"], role="trainer",
                                 password="a new password", password_rounds=4)
        assert (after["team_id"], after["team"], after["role"]) == (staff["sales"], "Telesales", "trainer")
        assert sv.update_person(uow, staff["tess"], actor_id=staff["meg"], team_id=None)["team"] is None
        with pytest.raises(Conflict, match="cannot deactivate your own account"):
            sv.update_person(uow, staff["meg"], actor_id=staff["meg"], active=False)
        assert sv.update_person(uow, staff["tess"], actor_id=staff["meg"], active=False)["active"] is False
        uow.commit()
    with store.reader() as uow:
        assert sv.get_person(uow, staff["anna"])["team"] == "Telesales"
        assert sv.check_password(uow, "anna.berg", "a new password")["role"] == "trainer"
        assert sv.check_password(uow, "anna.berg", "practise") is None
        assert [p["login"] for p in sv.list_people(uow, team_id=staff["care"])] == []
        assert audited(uow)[-3:] == ["person.update"] * 3, "the refused change is not audited"


def test_a_person_serves_customers_in_a_language_they_or_an_admin_change(store, staff):
    with store.uow() as uow:
        olga = sv.create_person(uow, name="Olga Smirnova", login="olga", role="trainee", language="ru")
        with pytest.raises(InvalidRecord, match="language 'klingon': expected one of en, lv, ru"):
            sv.create_person(uow, name="X", login="x", role="trainee", language="klingon")
        assert sv.get_person(uow, olga)["language"] == "ru"
        assert sv.set_language(uow, staff["anna"], "ru", actor_id=staff["anna"])["language"] == "ru"
        with pytest.raises(Conflict, match="people change only their own language"):
            sv.set_language(uow, olga, "en", actor_id=staff["anna"])
        with pytest.raises(InvalidRecord, match="language 'et'"):  # Estonian: no detector folder
            sv.set_language(uow, olga, "et", actor_id=olga)
        assert sv.update_person(uow, olga, actor_id=staff["meg"], language="en")["language"] == "en"
        assert audited(uow)[-2:] == ["person.update", "person.update"]
        uow.commit()


def test_sign_in_needs_an_active_account_and_upgrades_a_weak_hash(store, staff, monkeypatch):
    monkeypatch.setenv("COACH_BCRYPT_ROUNDS", "10")
    with store.uow() as uow:
        assert sv.check_password(uow, "ANNA.BERG", "practise")["id"] == staff["anna"]
        assert sv.check_password(uow, "anna.berg", "wrong password") is None
        assert sv.check_password(uow, "nobody", "practise") is None
        assert sv.check_password(uow, "tess", "practise") is None, "an account without a password"
        uow.commit()
    with store.uow() as uow:
        sv.update_person(uow, staff["anna"], actor_id=staff["meg"], active=False)
        assert sv.check_password(uow, "anna.berg", "practise") is None, "an inactive account"
        assert uow.people.get(staff["anna"]).password_hash.startswith("$2b$10$"), "rehashed at the configured cost"


def test_awards_are_decided_once_per_period_by_a_manager(store, staff):
    award = {"person_id": staff["anna"], "reason": "Most improved", "formula_version": "v1", "figures": {"mean": 88}}
    with store.uow() as uow:
        with pytest.raises(Conflict, match="Tessa Morgan is a trainer; only managers decide awards"):
            sv.record_award(uow, period="2026-11", decided_by=staff["tess"], **award)
        with pytest.raises(InvalidRecord, match="expected a month like 2026-11"):
            sv.record_award(uow, period="November", decided_by=staff["meg"], **award)
        with pytest.raises(NotFound, match="no person with id 404"):
            sv.record_award(uow, period="2026-11", decided_by=staff["meg"], **{**award, "person_id": 404})
        assert sv.record_award(uow, period="2026-11", decided_by=staff["meg"], **award) >= 1
        uow.commit()
    with store.uow() as uow:
        with pytest.raises(Conflict, match="employee of the month for 2026-11 has already been decided"):
            sv.record_award(uow, period="2026-11", decided_by=staff["meg"], **award)
        sv.record_award(uow, period="2026-12", decided_by=staff["meg"], **award)
        assert audited(uow).count("award.decide") == 2
