"""People and teams: accounts, roles, passwords and sign-in. Through the unit of work's repositories only
(uow.people, uow.teams, uow.audit_log), so these services run on the tests' in-memory fakes too."""

from __future__ import annotations

import bcrypt
from sqlalchemy.exc import IntegrityError

from coach import settings
from coach.storage.errors import Conflict, InvalidRecord, NotFound
from coach.storage.models import ROLES, Person, Team, utcnow
from coach.storage.services.common import audit, checked_text, get_from, one_of

MIN_PASSWORD = 8


def create_team(uow, name: str, *, actor_id=None) -> int:
    name = checked_text(name, "team name", limit=120).strip()
    if uow.teams.named(name) is not None:
        raise Conflict(f"a team called {name!r} already exists; choose another name")
    team = Team(name=name, created_at=utcnow())
    uow.teams.add(team)
    audit(uow, "team.create", "team", team.id, actor_id=actor_id, after={"name": name})
    return team.id


def hash_password(password: str, rounds: int | None = None) -> str:
    """A bcrypt hash at the configured cost (COACH_BCRYPT_ROUNDS), or at `rounds` (the tests' fast hashes)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidRecord(f"password: at least {MIN_PASSWORD} characters are needed")
    if len(password.encode()) > 72:
        raise InvalidRecord("password: at most 72 bytes (bcrypt ignores the rest)")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds or settings.current().password_rounds)).decode()


def _language(code) -> str:
    """A language the product serves (a detector's language: coach/detect/lexicons/<code>/)."""
    from coach.detect.languages import languages

    if code not in languages():
        raise InvalidRecord(f"language {code!r}: expected one of {', '.join(languages())}")
    return code


def create_person(uow, *, name: str, login: str, role: str, team_id: int | None = None, password: str | None = None,
                  active: bool = True, actor_id=None, password_rounds: int | None = None,
                  password_hash: str | None = None, language: str = "en") -> int:
    name = checked_text(name, "name", limit=200).strip()
    login = checked_text(login, "login", limit=120).strip().lower()
    if any(c.isspace() for c in login):
        raise InvalidRecord(f"login {login!r}: no spaces allowed; use for example 'anna.berg'")
    one_of(role, ROLES, "role")
    team = get_from(uow.teams, team_id, "team") if team_id is not None else None
    if uow.people.with_login(login) is not None:
        raise Conflict(f"the login {login!r} is already taken; choose another (logins are unique, case-insensitive)")
    person = Person(name=name, login=login, role=role, team_id=team_id, team=team, active=active, created_at=utcnow(),
                    language=_language(language),
                    password_hash=hash_password(password, password_rounds) if password is not None else password_hash)
    try:
        uow.people.add(person)
    except IntegrityError:  # another process took the login between our check and our insert
        raise Conflict(f"the login {login!r} is already taken; choose another") from None
    audit(uow, "person.create", "person", person.id, actor_id=actor_id, subject_id=person.id,
          after={"name": name, "login": login, "role": role, "team_id": team_id})
    return person.id


def update_person(uow, person_id: int, *, actor_id: int, role: str | None = None, team_id=...,
                  active: bool | None = None, password: str | None = None,
                  password_rounds: int | None = None, language: str | None = None) -> dict:
    """Change a person's role, team (None: no team), active flag, password or language; audited (never the
    password)."""
    p = get_from(uow.people, person_id, "person")
    if p.deleted_at is not None:
        raise Conflict(f"person {person_id} was deleted on request; create a new account instead")
    before = person_dict(p)
    if role is not None:
        p.role = one_of(role, ROLES, "role")
    if team_id is not ...:
        p.team = get_from(uow.teams, team_id, "team") if team_id is not None else None
        p.team_id = team_id
    if active is not None:
        if not active and person_id == actor_id:
            raise Conflict("you cannot deactivate your own account; ask another admin")
        p.active = bool(active)
    if password is not None:
        p.password_hash = hash_password(password, password_rounds)
    if language is not None:
        p.language = _language(language)
    after = person_dict(p)
    audit(uow, "person.update", "person", p.id, actor_id=actor_id, subject_id=p.id, before=before,
          after={**after, "password_changed": password is not None})
    return after


def set_language(uow, person_id: int, language: str, *, actor_id: int) -> dict:
    """A person changes the language they serve customers in (their own; an admin changes anyone's through
    update_person); audited."""
    if actor_id != person_id:
        raise Conflict("people change only their own language; an admin changes it on the People page")
    p = get_from(uow.people, person_id, "person")
    before = person_dict(p)
    p.language = _language(language)
    after = person_dict(p)
    audit(uow, "person.update", "person", p.id, actor_id=actor_id, subject_id=p.id, before=before, after=after)
    return after


def person_dict(p: Person) -> dict:
    return {"id": p.id, "name": p.name, "login": p.login, "role": p.role, "team_id": p.team_id,
            "team": p.team.name if p.team else None, "active": p.active,
            "deleted": p.deleted_at is not None, "language": p.language or "en"}


def get_person(uow, person_id: int) -> dict:
    return person_dict(get_from(uow.people, person_id, "person"))


def find_person(uow, login: str) -> dict:
    p = uow.people.with_login(str(login).strip().lower())
    if p is None:
        raise NotFound(f"there is no person with the login {login!r}")
    return person_dict(p)


_DUMMY: dict[int, bytes] = {}


def _dummy_hash(rounds: int) -> bytes:
    if rounds not in _DUMMY:
        _DUMMY[rounds] = bcrypt.hashpw(b"dummy password", bcrypt.gensalt(rounds))
    return _DUMMY[rounds]


def _cost(password_hash: str) -> int:
    """The cost of a bcrypt hash ($2b$12$...)."""
    try:
        return int(password_hash.split("$")[2])
    except (IndexError, ValueError):
        return 0


def check_password(uow, login: str, password: str) -> dict | None:
    """The person when the login and password match an active account, else None (no hint which was wrong).

    Every path costs one bcrypt check at the configured cost, so the time taken says nothing about whether a
    login exists: an unknown login is checked against a dummy hash of that cost, and a hash stored at a lower
    cost (an older account, the demo company) is checked and then padded to it, and rehashed at the configured
    cost once the right password is given (the caller commits)."""
    rounds = settings.current().password_rounds
    p = uow.people.with_login(str(login).strip().lower())
    if p is None or not p.active or not p.password_hash or not isinstance(password, str):
        bcrypt.checkpw(b"not the password", _dummy_hash(rounds))
        return None
    stored = p.password_hash
    ok = bcrypt.checkpw(password.encode()[:72], stored.encode())
    if _cost(stored) < rounds:
        if ok and len(password.encode()) <= 72:
            p.password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()  # costs as much
        else:
            bcrypt.checkpw(b"not the password", _dummy_hash(rounds))
    return person_dict(p) if ok else None


def list_people(uow, *, team_id=None, role=None, include_deleted=False) -> list[dict]:
    return [person_dict(p) for p in uow.people.list(team_id=team_id, role=role, include_deleted=include_deleted)]


def list_teams(uow) -> list[dict]:
    return [{"id": t.id, "name": t.name} for t in uow.teams.list()]
