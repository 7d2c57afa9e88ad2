"""Who may do what in the panel, and the sign-in throttle. No Streamlit here: the panel's pages call
these on the server side, and the tests call them directly.

Roles are cumulative only where the work overlaps: a trainee practises; a trainer reviews the sessions
of their own team; a manager sees every team, calibrates and decides awards; an admin does all that and
manages people and the standards.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass

from coach.vocabulary import ROLES

log = logging.getLogger(__name__)

# page key -> roles allowed to open it
PAGES = {
    "practise": ("trainee", "admin"),
    "drill": ("trainee", "admin"),
    "progress": ("trainee", "admin"),
    "session": ROLES,  # one transcript: which one is checked by can_see_session
    "review": ("trainer", "manager", "admin"),
    "calibration": ("trainer", "manager", "admin"),
    "team": ("manager", "admin"),
    "award": ("manager", "admin"),
    "standards": ROLES,
    "people": ("admin",),
}


class AccessDenied(PermissionError):
    """The signed-in person may not open this page or this record."""


def allowed(role: str, page: str) -> bool:
    return role in PAGES.get(page, ())


def require(user: dict | None, page: str) -> dict:
    if not user:
        raise AccessDenied("sign in first")
    if not allowed(user["role"], page):
        who = ", ".join(r + "s" for r in PAGES.get(page, ())) or "nobody"
        raise AccessDenied(f"this page is for {who}; you are signed in as a {user['role']}")
    return user


def session_scope(user: dict) -> dict:
    """The filters that limit a session list to what this person may see (for services.list_sessions)."""
    role = user["role"]
    if role == "trainee":
        return {"person_id": user["id"]}
    if role == "trainer":
        # a trainer without a team sees no one's sessions rather than everyone's
        return {"team_id": user["team_id"] if user.get("team_id") is not None else -1}
    return {}


def can_see_session(user: dict, session: dict) -> bool:
    """session: a dict with person_id and team_id (services.session_detail gives both)."""
    role = user["role"]
    if role == "trainee":
        return session["person_id"] == user["id"]
    if role == "trainer":
        return user.get("team_id") is not None and session.get("team_id") == user["team_id"]
    return role in ("manager", "admin")


# -- the sign-in throttle -------------------------------------------------------------------------------
#
# Every sign-in attempt is counted before the password is checked, atomically with the check of the count:
# of any number of simultaneous attempts for one login, at most `attempts` reach bcrypt. A success clears
# the login's count. The count lives in this process (one object for the whole process, outside Streamlit's
# caches, which any browser can empty with Streamlit's clear-cache message) or, when COACH_REDIS_URL is set,
# in Redis, shared by every panel process and kept across restarts.
#
# The `limits` library was considered: its only release that installs beside Rasa 3.6 (which pins
# packaging<21) is 2.4.0, whose in-memory moving window checks and then adds without a lock, so two
# simultaneous attempts can both pass the fifth place. Hence one small store per backend here.

WINDOW = 300.0  # seconds
LOGIN_ATTEMPTS = 5  # per login in the window


@dataclass(frozen=True)
class Attempt:
    """The result of counting one sign-in attempt: `wait` is 0 when the password may be checked now, else the
    seconds until it may; `keys` and `entry` say what was counted (a success takes its own entry back)."""
    wait: float
    keys: tuple = ()
    entry: str = ""

    @property
    def allowed(self) -> bool:
        return self.wait <= 0


class MemoryThrottleStore:
    """The attempts of this process, behind one lock: counting and checking are one step."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._entries: dict[str, deque] = defaultdict(deque)  # key -> (time, entry id), oldest first
        self._lock = threading.Lock()

    def count(self, limits: dict[str, int], window: float) -> Attempt:
        now, entry = self.clock(), uuid.uuid4().hex
        with self._lock:
            waits = []
            for key, limit in limits.items():
                q = self._entries[key]
                while q and now - q[0][0] >= window:
                    q.popleft()
                if len(q) >= limit:
                    waits.append(window - (now - q[len(q) - limit][0]))
            if waits:
                return Attempt(max(waits))
            for key in limits:
                self._entries[key].append((now, entry))
            return Attempt(0.0, tuple(limits), entry)

    def forget(self, clear: tuple, take_back: tuple, entry: str):
        with self._lock:
            for key in clear:
                self._entries.pop(key, None)
            for key in take_back:
                q = self._entries.get(key)
                if q:
                    self._entries[key] = deque(e for e in q if e[1] != entry)


# KEYS: one sorted set per key (members: entry ids, scores: times). ARGV: now, window, entry id, then the limit
# of each key. Returns "0" once the attempt is counted under every key, else the seconds to wait (nothing counted).
_COUNT_LUA = """
local now, window, entry = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local at = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    local w = window - (now - tonumber(at[2]))
    if w > wait then wait = w end
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, entry)
  redis.call('EXPIRE', key, math.ceil(window) + 1)
end
return '0'
"""


class RedisThrottleStore:
    """The attempts in Redis (a Lua script counts and checks in one step), shared by every panel process.
    If Redis cannot be reached, sign-in is not blocked (the password is still required) and the log says so:
    a cache outage must not lock every trainee out."""

    def __init__(self, client, clock=time.time, prefix: str = "coach:signin:"):
        self.redis, self.clock, self.prefix = client, clock, prefix
        self._script = client.register_script(_COUNT_LUA)

    def count(self, limits: dict[str, int], window: float) -> Attempt:
        import redis

        entry = uuid.uuid4().hex
        keys = [self.prefix + k for k in limits]
        try:
            wait = float(self._script(keys=keys, args=[f"{self.clock():.6f}", window, entry, *limits.values()]))
        except redis.RedisError as exc:
            log.warning("sign-in throttle: Redis is not available (%s); not blocking", exc)
            return Attempt(0.0)
        return Attempt(wait) if wait > 0 else Attempt(0.0, tuple(limits), entry)

    def forget(self, clear: tuple, take_back: tuple, entry: str):
        import redis

        try:
            pipe = self.redis.pipeline()
            if clear:
                pipe.delete(*[self.prefix + k for k in clear])
            for key in take_back:
                pipe.zrem(self.prefix + key, entry)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("sign-in throttle: Redis is not available (%s)", exc)


class SignInThrottle:
    """At most `attempts` sign-in attempts per login in `window` seconds, and, when `per_address` is set, at
    most that many failed attempts per browser address (whatever the login: one address trying many logins).

    attempt() counts before the password is checked; succeeded() clears the login's count and takes this
    attempt back from the address's count (a success there must not wipe out other people's failures)."""

    def __init__(self, store=None, attempts: int = LOGIN_ATTEMPTS, window: float = WINDOW, per_address: int = 0):
        self.store = store or MemoryThrottleStore()
        self.attempts, self.window, self.per_address = attempts, window, per_address

    def attempt(self, login: str, address: str | None = None) -> Attempt:
        limits = {"login:" + login: self.attempts}
        if address and self.per_address > 0:
            limits["address:" + address] = self.per_address
        return self.store.count(limits, self.window)

    def succeeded(self, attempt: Attempt):
        if attempt.keys:
            self.store.forget(tuple(k for k in attempt.keys if k.startswith("login:")),
                              tuple(k for k in attempt.keys if k.startswith("address:")), attempt.entry)


_throttle: SignInThrottle | None = None
_throttle_lock = threading.Lock()


def sign_in_throttle() -> SignInThrottle:
    """The panel process's one throttle (built on first use): in Redis when COACH_REDIS_URL is set, else here.
    A plain module global, so that nothing a browser sends (Streamlit's clear-cache message empties every
    st.cache_*) can reset it."""
    global _throttle
    with _throttle_lock:
        if _throttle is None:
            from coach import settings

            url = settings.current().redis_url
            store = None
            if url:
                import redis

                store = RedisThrottleStore(redis.Redis.from_url(url, socket_timeout=2))
            _throttle = SignInThrottle(store, per_address=settings.current().sign_in_address_limit)
        return _throttle


def sign_in(db, login: str, password: str, *, address: str | None = None,
            throttle: SignInThrottle | None = None) -> tuple[dict | None, str | None]:
    """One sign-in: (the person, None) when the login and password match, else (None, what to tell them).

    The attempt is counted first, then the password is checked (services.check_password: bcrypt at the same
    cost whether or not the login exists, and a weaker stored hash is upgraded on success)."""
    from coach.storage import services as sv

    throttle = throttle or sign_in_throttle()
    login = (login or "").strip().lower()
    if not login or not password:
        return None, "Enter your login and password."
    attempt = throttle.attempt(login, address)
    if not attempt.allowed:
        return None, (f"Too many failed sign-ins for this login or from this address; try again in "
                      f"{max(1, round(attempt.wait / 60))} minutes or ask an admin to reset your password.")
    with db.uow() as uow:
        user = sv.check_password(uow, login, password)
        uow.commit()  # a weaker hash upgraded on the way
    if user is None:
        return None, "That login and password do not match."
    throttle.succeeded(attempt)
    return user, None
