"""What SECURITY.md promises, checked against the real servers: loopback only (read from the kernel's
socket tables), tokens required, the token off every command line and out of every log, only the panel
speaking for a trainee, input limits before NLU, control characters refused, private files, the sign-in
throttle (counted before bcrypt, outside Streamlit's caches), no secrets in the repository, and SECURITY.md
itself. (Session expiry and the role check of every page are in tests/ui/test_panel_pages.py; the browser
checks in tests/ui/test_browser_security.py; "/" payloads in tests/bot/test_e2e.py; the audit log in
tests/storage.)"""

import os
import re
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from bot.client import MAX_MESSAGE, SIGNATURE_HEADER, PracticeClient, PracticeError, sign
from coach import settings
from coach.storage import Database, InvalidRecord, migrate
from coach.storage import services as sv
from ops.servers import ROOT, Servers
from ops.wait import free_port
from system.support import seed_people

PRIVATE_KEY = re.compile(rb"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")
SECRET_WORDS = "my card number is 4111 1111 1111 1111 and my email is anna.private@example.com"


def listening_addresses(port: int) -> set[str]:
    """The local addresses on which a TCP socket listens on `port`, read from the kernel's socket tables
    (what `ss -ltn` shows): proving loopback-only listening sends no traffic anywhere."""
    import ipaddress

    found = set()
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state != "0A":  # LISTEN
                continue
            addr_hex, port_hex = local.split(":")
            if int(port_hex, 16) != port:
                continue
            raw = bytes.fromhex(addr_hex)
            # the kernel prints each 32-bit word in host (little-endian) order
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(str(ipaddress.ip_address(raw if size == 16 else raw[:4])))
    return found


@pytest.fixture(scope="module")
def stack(model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("security")
    db = Database(f"sqlite:///{folder / 'coach.db'}")
    migrate.upgrade(db)
    person = seed_people(db)[0]
    s = Servers(database=db.url, rasa_port=free_port(), action_port=free_port(), token=uuid.uuid4().hex,
                model=model, log_dir=folder / "logs", panel_port=free_port())
    with s:
        c = PracticeClient(s.rasa_url, token=s.token)
        sid = c.start(person_id=person, scenario="kept_waiting", seed=1)["session_id"]
        c.say("Good morning, thank you for waiting. " + SECRET_WORDS)
        yield s, db, sid, c
    db.dispose()


def test_every_server_listens_on_loopback_only(stack):
    s = stack[0]
    for port in (s.rasa_port, s.action_port, s.panel_port):
        addresses = listening_addresses(port)
        assert addresses, f"nothing listens on port {port}"
        assert all(a.startswith("127.") or a == "::1" for a in addresses), f"port {port} listens on {addresses}"
    # and the check itself sees a socket bound to every address for what it is
    import socket as sk

    with sk.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        probe.listen()
        assert listening_addresses(probe.getsockname()[1]) == {"0.0.0.0"}


def test_the_rasa_api_and_the_action_server_require_their_token(stack):
    s = stack[0]
    assert requests.get(f"{s.rasa_url}/status", timeout=5).status_code == 401
    assert requests.get(f"{s.rasa_url}/status", params={"token": "wrong"}, timeout=5).status_code == 401
    assert requests.post(f"{s.rasa_url}/conversations/x/trigger_intent", json={"name": "end_practice"},
                         timeout=5).status_code == 401
    assert requests.post(f"{s.rasa_url}/model/parse", json={"text": "hi"}, timeout=5).status_code == 401
    action = f"http://127.0.0.1:{s.action_port}"
    assert requests.get(f"{action}/health", timeout=5).ok  # health checks stay open
    # and so does readiness: the servers were started through it, so every language is built by now
    assert requests.get(f"{action}/ready", timeout=5).json() == {"ready": True}
    for params in ({}, {"token": "wrong"}):
        r = requests.post(f"{action}/webhook", params=params, json={"next_action": "action_end_practice"}, timeout=5)
        assert r.status_code == 401 and "token" in r.json()["error"]
        assert requests.get(f"{action}/actions", params=params, timeout=5).status_code == 401
    # the practice client with a wrong token gets the reason in words
    with pytest.raises(PracticeError, match="refused the token"):
        PracticeClient(s.rasa_url, token="wrong").start(person_id=1, scenario="kept_waiting")


def test_no_token_on_any_command_line(stack):
    s = stack[0]
    for proc in s.procs:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        assert s.token not in cmdline and settings.action_token() not in cmdline, cmdline


def test_generated_secrets_are_private_and_ignored_by_git(stack):
    for name in ("rasa_token", "action_token"):
        path = settings.secrets_dir() / name  # the tests' own COACH_VAR (tests/conftest.py)
        settings.secret(name)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        in_checkout = f"var/secrets/{name}"  # where they are kept by default
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", in_checkout], cwd=ROOT)
        assert ignored.returncode == 0, f"{in_checkout} is not ignored by git"


def test_no_secret_or_trainee_words_in_the_logs(stack):
    s = stack[0]
    logs = list(s.log_dir.glob("*.log"))
    assert {p.name.split("-")[0] for p in logs} >= {"rasa", "actions", "panel"}
    for p in logs:
        body = p.read_text(errors="replace")
        assert s.token not in body, f"{p.name} contains the Rasa token"
        assert settings.action_token() not in body, f"{p.name} contains the action server's token"
        assert "4111 1111" not in body and "anna.private" not in body, f"{p.name} contains a trainee's words"


def _mode(path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


def test_var_the_database_and_the_logs_are_readable_by_their_owner_only(stack, tmp_path):
    """Transcripts, conversation ids and password hashes are in the database; the logs may quote a session.
    A start of the product (here `coach db upgrade`) closes what an earlier version left open, and every file
    it creates is its owner's only (umask 077)."""
    var, logs = settings.var_dir(), settings.logs_dir()  # the tests' own COACH_VAR (tests/conftest.py)
    logs.mkdir(parents=True, exist_ok=True)
    old_log = logs / "run.log"
    old_log.touch()
    os.chmod(old_log, 0o644), os.chmod(logs, 0o755), os.chmod(var, 0o755)  # as an earlier version left them
    db = tmp_path / "coach.db"
    out = subprocess.run([str(Path(sys.executable).parent / "coach"), "db", "upgrade", "--database", f"sqlite:///{db}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert _mode(var) == 0o700 and _mode(logs) == 0o700 and _mode(settings.secrets_dir()) == 0o700
    assert _mode(old_log) == 0o600
    assert _mode(db) == 0o600
    # the servers' database in WAL mode, open (the -wal and -shm files exist while a connection is): all the owner's
    s, stack_db = stack[0], stack[1]
    path = Path(stack_db.url[len("sqlite:///"):])
    with stack_db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM turns").scalar()
        for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            assert f.exists() and _mode(f) == 0o600, f"{f.name} is {oct(_mode(f)) if f.exists() else 'missing'}"
    for f in s.log_dir.glob("*.log"):
        assert _mode(f) == 0o600, f"{f.name} is {oct(_mode(f))}"


def test_no_secrets_in_the_repository():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    tokens = [t for t in (settings.rasa_token(), settings.action_token()) if t]
    for name in files.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        body = path.read_bytes()
        for t in tokens:
            assert t.encode() not in body, f"{name} contains a generated token"
        assert not PRIVATE_KEY.search(body), f"{name} contains a private key"
    assert subprocess.run(["git", "check-ignore", "-q", "var/coach.db"], cwd=ROOT).returncode == 0


def _rss_kb(pid) -> int:
    """The resident memory of a process (psutil is not installed with Rasa)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def _webhook(s, sender, message, *, signed=True, token=None, metadata=None, timeout=10):
    headers = {SIGNATURE_HEADER: sign(sender, token or s.token)} if signed else {}
    return requests.post(f"{s.rasa_url}/webhooks/rest/webhook", headers=headers, timeout=timeout,
                         json={"sender": sender, "message": message, "metadata": metadata or {}})


def test_only_the_panel_speaks_for_a_trainee_and_times_are_the_servers(stack):
    """A local process that knows a conversation id (it is in the database) cannot post a reply as that
    trainee: the REST channel wants the conversation id signed with the Rasa token. A time the client sends
    (metadata "t") sets neither the turn's time nor its latency."""
    s, db, sid, c = stack
    with db.reader() as r:
        before = len(sv.session_turns(r, sid))
    forged = "I am not the trainee. Good morning!"
    r = _webhook(s, c.conversation_id, forged, signed=False, metadata={"t": 0.5})
    assert r.status_code == 401 and "signed" in r.json()["error"]
    r = _webhook(s, c.conversation_id, forged, token="not-the-token", metadata={"t": 0.5})
    assert r.status_code == 403 and "signature" in r.json()["error"]
    with db.reader() as r:
        assert len(sv.session_turns(r, sid)) == before, "nothing recorded"
    # the panel's own client, claiming a time: the server's clock decides
    with db.reader() as r:
        started = sv.session_detail(r, sid)["started_at"]
    answer = c.say("Thank you for your patience, let me look at this now.", t=99_999.0)
    with db.reader() as r:
        turn = next(t for t in sv.session_turns(r, sid) if t["seq"] == answer["seq"])
    from datetime import datetime, timezone

    elapsed = (datetime.now(timezone.utc) - started).total_seconds()
    assert turn["t"] <= elapsed + 1 and turn["t"] != 99_999.0
    assert turn["latency_ms"] <= elapsed * 1000 + 1000


def test_message_length_is_limited_with_a_clear_message_and_nothing_recorded(stack):
    s, db, sid, c = stack
    with db.reader() as r:
        before = len(sv.session_turns(r, sid))
    with pytest.raises(PracticeError, match=f"at most {MAX_MESSAGE:,}"):
        c.say("a" * (MAX_MESSAGE + 1))
    # the same past the client, straight to the webhook: the channel refuses it before NLU, at once
    started = time.monotonic()
    r = _webhook(s, c.conversation_id, "b " * 20_000)
    assert time.monotonic() - started < 1.0
    assert r.status_code == 413
    assert "at most 2,000" in r.json()["error"] and "Nothing was recorded" in r.json()["error"]
    with db.reader() as r:
        assert len(sv.session_turns(r, sid)) == before
    assert c.say("Thank you for your patience, I will sort this out now.")["session_id"] == sid


def test_oversized_requests_are_refused_at_once_and_the_server_keeps_answering(stack):
    """100 KB posted to the webhook: refused by the request size cap within a second, the Rasa server
    answers its status during and after, and its memory stays flat."""
    import threading

    s, db, sid, c = stack
    rasa = s.by_name["rasa"]
    rss_before = _rss_kb(rasa.pid)
    answers = []

    def post():
        started = time.monotonic()
        try:
            r = _webhook(s, c.conversation_id, "c" * 100_000, timeout=30)
            answers.append((r.status_code, time.monotonic() - started))
        except requests.RequestException as exc:  # a server that closes the connection on an oversized body
            answers.append((type(exc).__name__, time.monotonic() - started))

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    status = requests.get(f"{s.rasa_url}/status", params={"token": s.token}, timeout=5)
    for t in threads:
        t.join(timeout=30)
    assert status.ok
    assert len(answers) == 5 and all(a[0] in (413, "ConnectionError") and a[1] < 1.0 for a in answers), answers
    assert requests.get(f"{s.rasa_url}/status", params={"token": s.token}, timeout=5).ok
    assert _rss_kb(rasa.pid) - rss_before < 50_000, "the Rasa server's memory grew by more than 50 MB"
    assert c.say("Sorry for the wait; your refund is on its way today.")["session_id"] == sid


def test_control_characters_are_refused_with_a_message(stack):
    """A terminal bell, ANSI colours or a right-to-left override would reach the CLI, exports and
    spreadsheets as typed: refused at every entrance, saying which character."""
    s, db, sid, c = stack
    for typed in ("Hello\x07 there", "\x1b[31mHello\x1b[0m", "Refund \u202eredaeh"):
        with pytest.raises(PracticeError, match="cannot be shown as text"):
            c.say(typed)
        r = _webhook(s, c.conversation_id, typed)
        assert r.status_code == 422 and "U+" in r.json()["error"]
    with db.uow() as w:
        with pytest.raises(InvalidRecord, match=r"U\+001B"):
            sv.create_team(w, "\x1b[31mRed team")
    assert c.say("Line one\nline two, with a\ttab, is fine.")["session_id"] == sid


def test_security_md_gives_the_proxy_headers_and_names_only_tests_that_exist():
    """SECURITY.md is the deployment's checklist: the reverse proxy's framing and content policy and the
    websocket's origin check must be there, and every test it names as proof must exist."""
    doc = (ROOT / "SECURITY.md").read_text()
    for needed in ("Content-Security-Policy", "frame-ancestors 'none'", "X-Frame-Options", "$http_origin",
                   "server.enableCORS", "server.corsAllowedOrigins", "Accepted as they are"):
        assert needed in doc, f"SECURITY.md does not mention {needed}"
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", doc)
    assert len(named) >= 20
    for path, name in named:
        assert re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M), f"{path}::{name} does not exist"


def test_settings_with_bad_values_are_refused_with_what_would_be_right(monkeypatch):
    monkeypatch.setenv("COACH_RASA_PORT", "fifty")
    with pytest.raises(settings.SettingsError, match="COACH_RASA_PORT='fifty' is not a port; give a number"):
        settings.current()
    monkeypatch.setenv("COACH_REDIS_URL", "http://localhost")
    with pytest.raises(settings.SettingsError, match="not a Redis URL; write redis://host:6379/1"):
        settings.lock_store_env(os.environ["COACH_REDIS_URL"])
    assert settings.lock_store_env("redis://:pw@cache:6380/2")["COACH_REDIS_PORT"] == "6380"


# -- the sign-in throttle (coach.auth) ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def people_db(tmp_path_factory):
    """A database with one trainee whose password is 'practise' (a fast hash: the rounds are not under test)."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('signin') / 'coach.db'}")
    migrate.upgrade(db)
    with db.uow() as uow:
        sv.create_person(uow, name="Anna Berg", login="anna", role="trainee", password="practise", password_rounds=4)
        uow.commit()
    yield db
    db.dispose()


def _stores(redis_url):
    import redis

    from coach.auth import MemoryThrottleStore, RedisThrottleStore

    client = redis.Redis.from_url(redis_url)
    return {"memory": MemoryThrottleStore(),
            "redis": RedisThrottleStore(client, prefix=f"coach:test:{uuid.uuid4().hex[:8]}:")}


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_simultaneous_sign_ins_are_counted_before_the_password_is_checked(people_db, redis_url, kind, monkeypatch):
    """15 wrong passwords for one login at the same moment: at most 5 reach bcrypt, the rest are refused;
    then even the right password waits; a success clears the count."""
    import threading

    import bcrypt

    from coach import auth

    throttle = auth.SignInThrottle(_stores(redis_url)[kind])
    checks, lock, real = [], threading.Lock(), bcrypt.checkpw

    def counting(password, hashed):
        with lock:
            checks.append(1)
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting)
    start, results = threading.Barrier(15), []

    def guess(i):
        start.wait()
        results.append(auth.sign_in(people_db, "anna", f"wrong guess {i}", throttle=throttle))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 15 and all(user is None for user, _ in results)
    # each wrong password costs one check, plus the padding of the fast test hash up to the configured cost
    checked = sum(1 for _, msg in results if "do not match" in msg)
    assert checked <= 5 and len(checks) <= 2 * 5, (checked, len(checks))
    assert sum(1 for _, msg in results if "Too many failed sign-ins" in msg) >= 10
    user, msg = auth.sign_in(people_db, "anna", "practise", throttle=throttle)
    assert user is None and "Too many failed sign-ins" in msg, "the right password waits too"


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_success_clears_the_login_and_old_attempts_leave_the_window(people_db, redis_url, kind):
    from coach import auth

    store = _stores(redis_url)[kind]
    now = [1_000.0]
    store.clock = lambda: now[0]
    throttle = auth.SignInThrottle(store)
    for _ in range(4):
        assert throttle.attempt("anna").allowed
    ok = throttle.attempt("anna")  # the fifth: allowed, and the password was right
    assert ok.allowed
    throttle.succeeded(ok)
    assert all(throttle.attempt("anna").allowed for _ in range(5))
    refused = throttle.attempt("anna")
    assert not refused.allowed and 299 <= refused.wait <= 300
    now[0] += 301  # the window has passed
    assert throttle.attempt("anna").allowed


def test_the_sign_in_throttle_in_redis_is_shared_by_panel_replicas_and_survives_a_lost_redis(redis_url):
    import redis

    from coach import auth

    prefix = f"coach:test:{uuid.uuid4().hex[:8]}:"
    client = redis.Redis.from_url(redis_url)
    a = auth.SignInThrottle(auth.RedisThrottleStore(client, prefix=prefix))  # two panel processes
    b = auth.SignInThrottle(auth.RedisThrottleStore(client, prefix=prefix))
    for _ in range(4):
        assert a.attempt("anna").allowed
    assert b.attempt("anna").allowed  # the fifth, on the other replica
    refused = a.attempt("anna")
    assert not refused.allowed and 290 < refused.wait <= 300
    assert 0 < client.ttl(prefix + "login:anna") <= 301  # Redis forgets it with the window
    client.delete(prefix + "login:anna")
    # Redis gone: sign-in is not blocked (the password is still required), and nothing raises
    gone = auth.SignInThrottle(auth.RedisThrottleStore(redis.Redis(host="127.0.0.1", port=free_port(),
                                                                   socket_timeout=1)))
    assert all(gone.attempt("anna").allowed for _ in range(6))


def test_the_panel_keeps_one_throttle_outside_streamlits_caches(monkeypatch):
    """Streamlit's clear-cache message empties every st.cache_*: the throttle is a plain module global that
    it cannot reach (the browser test sends the real message to the real panel)."""
    import streamlit as st

    from coach import auth

    monkeypatch.setattr(auth, "_throttle", None)
    monkeypatch.delenv("COACH_REDIS_URL", raising=False)
    first = auth.sign_in_throttle()
    for _ in range(5):
        first.attempt("someone")
    st.cache_resource.clear()
    st.cache_data.clear()
    assert auth.sign_in_throttle() is first and not first.attempt("someone").allowed


def test_a_limit_per_address_catches_one_address_trying_many_logins(people_db, monkeypatch):
    """COACH_SIGNIN_ADDRESS_LIMIT: failed sign-ins from one browser address, whatever the login (password
    spraying); a success from that address takes back only its own attempt."""
    from coach import auth, settings

    monkeypatch.setenv("COACH_SIGNIN_ADDRESS_LIMIT", "8")
    throttle = auth.SignInThrottle(per_address=settings.current().sign_in_address_limit)
    user, _ = auth.sign_in(people_db, "anna", "practise", address="203.0.113.7", throttle=throttle)
    assert user is not None
    for i in range(8):
        user, msg = auth.sign_in(people_db, f"login{i}", "practise", address="203.0.113.7", throttle=throttle)
        assert user is None and "do not match" in msg
    user, msg = auth.sign_in(people_db, "anna", "practise", address="203.0.113.7", throttle=throttle)
    assert user is None and "from this address" in msg
    user, _ = auth.sign_in(people_db, "anna", "practise", address="198.51.100.2", throttle=throttle)
    assert user is not None, "other addresses are not affected"
    assert settings.current().sign_in_address_limit == 8
    monkeypatch.delenv("COACH_SIGNIN_ADDRESS_LIMIT")
    assert settings.current().sign_in_address_limit == 0, \
        "off unless set: behind a proxy every browser shares its address"
