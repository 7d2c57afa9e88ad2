"""The product's configuration: environment variables with safe defaults, and the secrets it generates.

Every setting has a default that is safe on a shared machine: each server listens on 127.0.0.1 only, and
the Rasa HTTP API and the action server both require a token. A token not given in the environment is
generated on first use and kept in `var/secrets/<name>` (mode 0600; `var/` is never committed), so a
second run uses the same one and nothing secret is ever written into the repository.

| variable | default | what it is |
|---|---|---|
| DATABASE_URL | sqlite:///var/coach.db | the application database, also Rasa's tracker store |
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

Everything under `var/` (the SQLite database and its -wal/-shm files, the logs, the secrets) is readable by
its owner only: each process starts with `private_files()` (umask 077, var/ 0700, files tightened to 0600).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
SECRETS = VAR / "secrets"
LOGS = VAR / "log"


class SettingsError(ValueError):
    """A setting has a value the product cannot use; the message names it and says what would do."""


def secret(name: str, env: str) -> str:
    """`$env` when set, else the token kept in var/secrets/<name>, generated (and kept) the first time."""
    value = os.environ.get(env, "").strip()
    if value:
        return value
    path = SECRETS / name
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    private_dir(SECRETS)
    value = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    os.replace(tmp, path)  # two processes starting at once both end with one and the same complete file
    return path.read_text().strip()


def rasa_token() -> str:
    return secret("rasa_token", "COACH_RASA_TOKEN")


def action_token() -> str:
    return secret("action_token", "COACH_ACTION_TOKEN")


def _port(env: str, default: int) -> int:
    raw = os.environ.get(env, "").strip() or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{env}={raw!r} is not a port; give a number between 1 and 65535, e.g. {default}")
    return int(raw)


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


def bind() -> str:
    return os.environ.get("COACH_BIND", "").strip() or "127.0.0.1"


def reach() -> str:
    """The address this host's own servers are reached at: the bind address, or loopback for 0.0.0.0."""
    b = bind()
    return "127.0.0.1" if b in ("0.0.0.0", "::", "*") else b


def panel_port() -> int:
    return _port("COACH_PANEL_PORT", 8501)


def rasa_port() -> int:
    return _port("COACH_RASA_PORT", 5005)


def action_port() -> int:
    return _port("COACH_ACTION_PORT", 5055)


def rasa_url() -> str:
    return (os.environ.get("COACH_RASA_URL", "").strip() or f"http://{reach()}:{rasa_port()}").rstrip("/")


def action_url() -> str:
    return os.environ.get("COACH_ACTION_URL", "").strip() or f"http://{reach()}:{action_port()}/webhook"


def session_minutes() -> int:
    raw = os.environ.get("COACH_SESSION_MINUTES", "").strip() or "30"
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"COACH_SESSION_MINUTES={raw!r}; give a whole number of minutes, e.g. 30")
    return int(raw)


def password_rounds() -> int:
    """The bcrypt cost of new password hashes, of rehashing weaker ones at sign-in, and of the check made for
    a login that does not exist (so both take the same time)."""
    raw = os.environ.get("COACH_BCRYPT_ROUNDS", "").strip() or "12"
    if not raw.isdigit() or not 10 <= int(raw) <= 16:
        raise SettingsError(f"COACH_BCRYPT_ROUNDS={raw!r}; give the bcrypt cost, a whole number from 10 to 16, e.g. 12")
    return int(raw)


def sign_in_address_limit() -> int:
    """Failed sign-ins allowed per browser address in the throttle's window, whatever the login; 0: no such limit.
    Off by default: behind a reverse proxy on another host every browser has the proxy's address."""
    raw = os.environ.get("COACH_SIGNIN_ADDRESS_LIMIT", "").strip() or "0"
    if not raw.isdigit():
        raise SettingsError(f"COACH_SIGNIN_ADDRESS_LIMIT={raw!r}; give a whole number of failed sign-ins, e.g. 30, "
                            f"or 0 for no limit per address")
    return int(raw)


# -- files only their owner can read ---------------------------------------------------------------------

def private_dir(path: Path) -> Path:
    """`path` made (with its parents inside var/) and closed to everyone but its owner (0700)."""
    path = Path(path)
    for d in [*reversed(path.parents), path]:
        if d == VAR or VAR in d.parents:
            d.mkdir(exist_ok=True, mode=0o700)
            _chmod(d, 0o700)
    if not (path == VAR or VAR in path.parents):
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
    and what an earlier version left open is closed: var/ and its folders 0700; the SQLite database with its
    -wal and -shm files, and the logs, 0600. Transcripts, conversation ids and password hashes live there."""
    os.umask(0o077)
    private_dir(VAR)
    for d in VAR.rglob("*"):
        _chmod(d, 0o700 if d.is_dir() else 0o600)
    url = database_url or os.environ.get("DATABASE_URL", "").strip()
    if url.startswith("sqlite:///"):
        db = Path(url[len("sqlite:///"):].split("?")[0])
        for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"),
                  db.with_name(db.name + "-journal")):
            private_file(f)
