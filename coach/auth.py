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

log = logging.getLogger(__name__)

ROLES = ("trainee", "trainer", "manager", "admin")

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


class SignInThrottle:
    """At most `attempts` failed sign-ins per login (and per client address) in `window` seconds; then
    refuse until the oldest failure leaves the window. Kept in the panel process's memory: it slows
    guessing down, which is what it is for (a restart clears it)."""

    def __init__(self, attempts: int = 5, window: float = 300.0, clock=time.monotonic):
        self.attempts, self.window, self.clock = attempts, window, clock
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key, now):
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def wait_seconds(self, *keys: str) -> float:
        """0 when a sign-in may be tried now, otherwise how long to wait."""
        now = self.clock()
        with self._lock:
            waits = []
            for key in keys:
                q = self._prune(key, now)
                if len(q) >= self.attempts:
                    waits.append(self.window - (now - q[0]))
            return max(waits, default=0.0)

    def failed(self, *keys: str):
        now = self.clock()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def succeeded(self, *keys: str):
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class RedisSignInThrottle:
    """The same rule as SignInThrottle, kept in Redis, so that several panel processes (replicas behind a
    load balancer) count one login's failures together and a restart does not clear them.

    Each key is a sorted set of failure times (wall clock, shared by all hosts) that expires with the window.
    If Redis cannot be reached, sign-in is not blocked (the password is still required) and the panel's log
    says so: a cache outage must not lock every trainee out."""

    def __init__(self, client, attempts: int = 5, window: float = 300.0, clock=time.time, prefix: str = "coach:signin:"):
        self.redis, self.attempts, self.window, self.clock, self.prefix = client, attempts, window, clock, prefix

    def wait_seconds(self, *keys: str) -> float:
        import redis

        now = self.clock()
        waits = []
        try:
            for key in keys:
                k = self.prefix + key
                pipe = self.redis.pipeline()
                pipe.zremrangebyscore(k, "-inf", now - self.window)
                pipe.zcard(k)
                pipe.zrange(k, 0, 0, withscores=True)
                _, n, oldest = pipe.execute()
                if n >= self.attempts and oldest:
                    waits.append(max(0.0, self.window - (now - oldest[0][1])))
        except redis.RedisError as exc:
            log.warning("sign-in throttle: Redis is not available (%s); not blocking", exc)
            return 0.0
        return max(waits, default=0.0)

    def failed(self, *keys: str):
        import redis

        now = self.clock()
        try:
            pipe = self.redis.pipeline()
            for key in keys:
                k = self.prefix + key
                pipe.zadd(k, {f"{now:.6f}-{uuid.uuid4().hex[:8]}": now})
                pipe.expire(k, int(self.window) + 1)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("sign-in throttle: Redis is not available (%s); a failure was not counted", exc)

    def succeeded(self, *keys: str):
        import redis

        try:
            self.redis.delete(*[self.prefix + k for k in keys])
        except redis.RedisError as exc:
            log.warning("sign-in throttle: Redis is not available (%s)", exc)
