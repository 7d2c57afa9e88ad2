"""The product's configuration: environment variables with safe defaults, and the secrets it generates.

Every setting has a default that is safe on a shared machine: each server listens on 127.0.0.1 only, and
the Rasa HTTP API and the action server both require a token. A token not given in the environment is
generated on first use and kept in `$COACH_VAR/secrets/<name>` (mode 0600; `var/` is never committed), so a
second run uses the same one and nothing secret is ever written into the repository.

| variable | default | what it is |
|---|---|---|
| COACH_VAR | var/ in the checkout | the folder of the SQLite database, the logs and the generated secrets |
| DATABASE_URL | sqlite:///$COACH_VAR/coach.db | the application database, also Rasa's tracker store |
| COACH_BIND | 127.0.0.1 | the address all three servers listen on |
| COACH_PANEL_PORT | 8501 | the panel (the only one a browser talks to) |
| COACH_RASA_PORT | 5005 | the Rasa server |
| COACH_ACTION_PORT | 5055 | the action server |
| COACH_RASA_URL | http://$COACH_BIND:$COACH_RASA_PORT | where the panel finds Rasa (a load balancer, with replicas) |
| COACH_ACTION_URL | http://$COACH_BIND:$COACH_ACTION_PORT/webhook | where Rasa finds the action server |
| COACH_RASA_TOKEN | generated | the token of Rasa's HTTP API |
| COACH_ACTION_TOKEN | generated | the token Rasa sends to the action server |
| COACH_REDIS_URL | (none: in-memory) | Rasa's lock store and the sign-in throttle (several servers) |
| COACH_SESSION_MINUTES | 30 | a panel sign-in ends after this many idle minutes |
| COACH_BCRYPT_ROUNDS | 12 | the bcrypt cost of every password hash (and of the check for unknown logins) |
| COACH_SIGNIN_ADDRESS_LIMIT | 0 (off) | failed sign-ins per browser address in 5 minutes, whatever the login |
| COACH_MODEL | the current model | a Rasa model file other than the one `make train` made |

All of them are read together into one `Settings` model by `current()`, when something first needs one,
never at import; a bad value raises SettingsError naming the variable and what would be right. The model is
rebuilt when the environment changes (`coach up` reads `.env` into it; tests set variables).

Everything under `$COACH_VAR` (the SQLite database and its -wal/-shm files, the logs, the secrets) is readable
by its owner only: each process starts with `private_files()` (umask 077, the folder 0700, files 0600).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, ValidationError, root_validator, validator

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VAR = ROOT / "var"


class SettingsError(ValueError):
    """A setting has a value the product cannot use; the message names it and says what would do."""


def _whole(env: str, raw: str, low: int, high: int | None, what: str) -> int:
    """`raw` as a whole number from `low` to `high` (None: no upper bound); else the error names `env` and its
    value, followed by `what`: what would be right."""
    raw = str(raw).strip()
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        raise ValueError(f"{env}={raw!r}{what}")
    return int(raw)


class Settings(BaseModel):
    """The product's settings, one field per environment variable (`env`), typed and checked."""

    var: Path = Field(DEFAULT_VAR, env="COACH_VAR", description="the folder of the SQLite database, the logs and "
                      "the generated secrets")
    database_url: str = Field(None, env="DATABASE_URL", description="default: the SQLite file coach.db in COACH_VAR")
    bind: str = Field("127.0.0.1", env="COACH_BIND")
    panel_port: int = Field(8501, env="COACH_PANEL_PORT")
    rasa_port: int = Field(5005, env="COACH_RASA_PORT")
    action_port: int = Field(5055, env="COACH_ACTION_PORT")
    rasa_url: str = Field(None, env="COACH_RASA_URL", description="default: http://{reach}:{rasa_port}")
    action_url: str = Field(None, env="COACH_ACTION_URL", description="default: http://{reach}:{action_port}/webhook")
    rasa_token: Optional[SecretStr] = Field(None, env="COACH_RASA_TOKEN", description="default: generated")
    action_token: Optional[SecretStr] = Field(None, env="COACH_ACTION_TOKEN", description="default: generated")
    redis_url: Optional[str] = Field(None, env="COACH_REDIS_URL", description="default: none, in memory")
    session_minutes: int = Field(30, env="COACH_SESSION_MINUTES")
    password_rounds: int = Field(12, env="COACH_BCRYPT_ROUNDS", description="the bcrypt cost of new password "
                                 "hashes, of rehashing weaker ones at sign-in and of the check made for a login that "
                                 "does not exist (so both take the same time)")
    sign_in_address_limit: int = Field(0, env="COACH_SIGNIN_ADDRESS_LIMIT", description="failed sign-ins allowed "
                                       "per browser address in the throttle's window, whatever the login; 0: no such "
                                       "limit (off by default: behind a reverse proxy on another host every browser "
                                       "has the proxy's address)")
    model: Optional[str] = Field(None, env="COACH_MODEL", description="default: the model `make train` made")

    class Config:
        allow_mutation = False
        extra = "forbid"

    @classmethod
    def from_environ(cls, environ=None) -> "Settings":
        """The settings in `environ` (default: os.environ); a variable that is unset or blank takes its default."""
        environ = os.environ if environ is None else environ
        given = {name: environ.get(f.field_info.extra["env"], "").strip() for name, f in cls.__fields__.items()}
        try:
            return cls(**{name: value for name, value in given.items() if value})
        except ValidationError as exc:
            raise SettingsError("\n".join(e["msg"] for e in exc.errors())) from None

    @validator("var")
    def _var(cls, v):
        return Path(v).expanduser().absolute()

    @validator("database_url")
    def _database_url(cls, v):
        if v.startswith("postgres://"):  # the Heroku-style spelling SQLAlchemy no longer accepts
            return "postgresql://" + v[len("postgres://"):]
        return v

    @validator("panel_port", "rasa_port", "action_port", pre=True)
    def _port(cls, v, field):
        default = field.default
        return _whole(field.field_info.extra["env"], v, 1, 65535,
                      f" is not a port; give a number between 1 and 65535, e.g. {default}")

    @validator("session_minutes", pre=True)
    def _minutes(cls, v):
        return _whole("COACH_SESSION_MINUTES", v, 1, None, "; give a whole number of minutes, e.g. 30")

    @validator("password_rounds", pre=True)
    def _rounds(cls, v):
        return _whole("COACH_BCRYPT_ROUNDS", v, 10, 16,
                      "; give the bcrypt cost, a whole number from 10 to 16, e.g. 12")

    @validator("sign_in_address_limit", pre=True)
    def _address_limit(cls, v):
        return _whole("COACH_SIGNIN_ADDRESS_LIMIT", v, 0, None,
                      "; give a whole number of failed sign-ins, e.g. 30, or 0 for no limit per address")

    @root_validator(skip_on_failure=True)
    def _urls(cls, values):
        reach = _reach(values["bind"])
        values["database_url"] = values.get("database_url") or f"sqlite:///{values['var'] / 'coach.db'}"
        values["rasa_url"] = (values.get("rasa_url") or f"http://{reach}:{values['rasa_port']}").rstrip("/")
        values["action_url"] = values.get("action_url") or f"http://{reach}:{values['action_port']}/webhook"
        return values

    @property
    def reach(self) -> str:
        """The address this host's own servers are reached at: the bind address, or loopback for 0.0.0.0."""
        return _reach(self.bind)


def _reach(bind: str) -> str:
    return "127.0.0.1" if bind in ("0.0.0.0", "::", "*") else bind


ENV_NAMES = tuple(f.field_info.extra["env"] for f in Settings.__fields__.values())


def current() -> Settings:
    """The settings of the environment as it is now: read and checked the first time they are asked for, and
    again only when one of the variables changed. Raises SettingsError on a bad value."""
    return _settings(tuple(os.environ.get(name, "") for name in ENV_NAMES))


@lru_cache(maxsize=8)
def _settings(values: tuple) -> Settings:
    return Settings.from_environ(dict(zip(ENV_NAMES, values, strict=True)))


def secret(name: str, given: SecretStr | None = None) -> str:
    """`given` when set, else the token kept in $COACH_VAR/secrets/<name>, generated (and kept) the first time."""
    value = given.get_secret_value().strip() if given else ""
    if value:
        return value
    path = secrets_dir() / name
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    private_dir(secrets_dir())
    value = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    os.replace(tmp, path)  # two processes starting at once both end with one and the same complete file
    return path.read_text().strip()


def rasa_token() -> str:
    """COACH_RASA_TOKEN, or the one generated and kept in $COACH_VAR/secrets/rasa_token."""
    return secret("rasa_token", current().rasa_token)


def action_token() -> str:
    """COACH_ACTION_TOKEN, or the one generated and kept in $COACH_VAR/secrets/action_token."""
    return secret("action_token", current().action_token)


@dataclass(frozen=True)
class RedisLock:
    """Rasa's Redis lock store, from COACH_REDIS_URL (redis://[:password@]host[:port][/db])."""
    host: str
    port: int
    db: int
    password: str

    @classmethod
    def parse(cls, url: str) -> "RedisLock":
        parts = urlsplit(url)
        if parts.scheme != "redis" or not parts.hostname:
            raise SettingsError(f"COACH_REDIS_URL={url!r} is not a Redis URL; write redis://host:6379/1")
        path = parts.path.strip("/") or "1"
        if not path.isdigit():
            raise SettingsError(f"COACH_REDIS_URL names the database {path!r}; a Redis database is a number, e.g. /1")
        return cls(parts.hostname, parts.port or 6379, int(path), parts.password or "")


def lock_store_env(redis_url: str | None) -> dict:
    """The variables endpoints.yml reads for Rasa's lock store: in memory (one Rasa server) or Redis."""
    if not redis_url:
        return {"COACH_LOCK_STORE": "in_memory", "COACH_REDIS_HOST": "", "COACH_REDIS_PORT": "6379",
                "COACH_REDIS_DB": "1", "COACH_REDIS_PASSWORD": ""}
    r = RedisLock.parse(redis_url)
    return {"COACH_LOCK_STORE": "bot.lock_store.CoachRedisLockStore", "COACH_REDIS_HOST": r.host,
            "COACH_REDIS_PORT": str(r.port), "COACH_REDIS_DB": str(r.db), "COACH_REDIS_PASSWORD": r.password}


# -- files only their owner can read ---------------------------------------------------------------------

def var_dir() -> Path:
    """COACH_VAR: the folder of the SQLite database, the logs and the generated secrets."""
    return current().var


def logs_dir() -> Path:
    return var_dir() / "log"


def secrets_dir() -> Path:
    return var_dir() / "secrets"


def private_dir(path: Path) -> Path:
    """`path` made (with its parents inside COACH_VAR) and closed to everyone but its owner (0700)."""
    path, var = Path(path), var_dir()
    inside = path == var or var in path.parents
    if inside:
        var.parent.mkdir(parents=True, exist_ok=True)
    for d in [*reversed(path.parents), path]:
        if d == var or var in d.parents:
            d.mkdir(exist_ok=True, mode=0o700)
            _chmod(d, 0o700)
    if not inside:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _chmod(path: Path, mode: int):
    try:
        if path.stat().st_uid == os.geteuid():
            os.chmod(path, mode)
    except FileNotFoundError:
        pass


def private_file(path: Path) -> Path:
    """An existing file closed to everyone but its owner (0600)."""
    _chmod(Path(path), 0o600)
    return Path(path)


def private_files(database_url: str | None = None):
    """Called first by every process of the product: new files are readable by their owner only (umask 077),
    and what an earlier version left open is closed: COACH_VAR and its folders 0700; the SQLite database with its
    -wal and -shm files, and the logs, 0600. Transcripts, conversation ids and password hashes live there."""
    os.umask(0o077)
    var = private_dir(var_dir())
    for d in var.rglob("*"):
        _chmod(d, 0o700 if d.is_dir() else 0o600)
    url = database_url or current().database_url
    if url.startswith("sqlite:///"):
        db = Path(url[len("sqlite:///"):].split("?")[0])
        for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"),
                  db.with_name(db.name + "-journal")):
            private_file(f)
