"""What SECURITY.md promises, checked against the real servers: loopback only, tokens required, the token
off every command line and out of every log, input limits, no secrets in the repository.
(Sign-in throttling, session expiry and the role check of every page are in tests/ui/test_panel_pages.py;
"/" payloads and JSON typed by a trainee in tests/bot/test_e2e.py; the audit log in tests/storage.)"""

import os
import re
import socket
import stat
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from bot.client import MAX_MESSAGE, PracticeClient, PracticeError
from bot.servers import ROOT, Servers
from coach import settings
from coach.storage import Database, migrate
from coach.storage import services as sv
from ops.support import free_port, seed_people

PRIVATE_KEY = re.compile(rb"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")
SECRET_WORDS = "my card number is 4111 1111 1111 1111 and my email is anna.private@example.com"


def outside_addresses() -> list[str]:
    """This machine's addresses other than loopback (where a server must not be reachable)."""
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return [a for a in out if ":" not in a and not a.startswith("127.")]


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


def _answers(addr, port) -> bool:
    with socket.socket() as sock:
        sock.settimeout(3)
        return sock.connect_ex((addr, port)) == 0


def test_every_server_listens_on_loopback_only(stack):
    outside = outside_addresses()
    if not outside:  # a machine with loopback only cannot show the difference
        pytest.skip("this machine has no address besides loopback to try")
    s = stack[0]
    for port in (s.rasa_port, s.action_port, s.panel_port):
        assert _answers("127.0.0.1", port)
        assert not any(_answers(addr, port) for addr in outside), f"port {port} answers outside loopback"


def test_the_rasa_api_and_the_action_server_require_their_token(stack):
    s = stack[0]
    assert requests.get(f"{s.rasa_url}/status", timeout=5).status_code == 401
    assert requests.get(f"{s.rasa_url}/status", params={"token": "wrong"}, timeout=5).status_code == 401
    assert requests.post(f"{s.rasa_url}/conversations/x/trigger_intent", json={"name": "end_practice"},
                         timeout=5).status_code == 401
    assert requests.post(f"{s.rasa_url}/model/parse", json={"text": "hi"}, timeout=5).status_code == 401
    action = f"http://127.0.0.1:{s.action_port}"
    assert requests.get(f"{action}/health", timeout=5).ok  # health checks stay open
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
        path = settings.SECRETS / name
        settings.secret(name, "COACH_UNSET_" + name.upper())
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} is not ignored by git"


def test_no_secret_or_trainee_words_in_the_logs(stack):
    s = stack[0]
    logs = list(s.log_dir.glob("*.log"))
    assert {p.name.split("-")[0] for p in logs} >= {"rasa", "actions", "panel"}
    for p in logs:
        body = p.read_text(errors="replace")
        assert s.token not in body, f"{p.name} contains the Rasa token"
        assert settings.action_token() not in body, f"{p.name} contains the action server's token"
        assert "4111 1111" not in body and "anna.private" not in body, f"{p.name} contains a trainee's words"


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


def test_message_length_is_limited_with_a_clear_message_and_nothing_recorded(stack):
    s, db, sid, c = stack
    with db.reader() as r:
        before = len(sv.session_turns(r, sid))
    with pytest.raises(PracticeError, match=f"at most {MAX_MESSAGE:,}"):
        c.say("a" * (MAX_MESSAGE + 1))
    # the same past the client, straight to the webhook: the action refuses it too
    r = requests.post(f"{s.rasa_url}/webhooks/rest/webhook", json={"sender": c.conversation_id,
                                                                    "message": "b " * 20_000}, timeout=60)
    assert r.ok
    error = [m["custom"]["error"] for m in r.json() if m.get("custom")]
    assert error and "at most 2,000" in error[0] and "Nothing was recorded" in error[0]
    with db.reader() as r:
        assert len(sv.session_turns(r, sid)) == before
    assert c.say("Thank you for your patience, I will sort this out now.")["session_id"] == sid


def test_settings_with_bad_values_are_refused_with_what_would_be_right(monkeypatch):
    monkeypatch.setenv("COACH_RASA_PORT", "fifty")
    with pytest.raises(settings.SettingsError, match="COACH_RASA_PORT='fifty' is not a port; give a number"):
        settings.rasa_port()
    monkeypatch.setenv("COACH_REDIS_URL", "http://localhost")
    with pytest.raises(settings.SettingsError, match="not a Redis URL; write redis://host:6379/1"):
        settings.lock_store_env(os.environ["COACH_REDIS_URL"])
    assert settings.lock_store_env("redis://:pw@cache:6380/2")["COACH_REDIS_PORT"] == "6380"


def test_the_sign_in_throttle_in_redis_is_shared_by_panel_replicas(redis_url):
    import redis

    from coach.auth import RedisSignInThrottle

    client = redis.Redis.from_url(redis_url)
    login = f"login:throttle-{uuid.uuid4().hex[:8]}"
    a, b = RedisSignInThrottle(client), RedisSignInThrottle(client)  # two panel processes
    for _ in range(4):
        a.failed(login)
    assert b.wait_seconds(login) == 0.0
    b.failed(login)  # the fifth failure, on the other replica
    assert 290 < a.wait_seconds(login) <= 300 and 290 < b.wait_seconds(login) <= 300
    assert 0 < client.ttl("coach:signin:" + login) <= 301  # Redis forgets it with the window
    a.succeeded(login)
    assert b.wait_seconds(login) == 0.0
    # failures older than the window no longer count
    old = RedisSignInThrottle(client, clock=lambda: 1_000.0)
    for _ in range(5):
        old.failed(login)
    assert RedisSignInThrottle(client, clock=lambda: 1_301.0).wait_seconds(login) == 0.0
    # Redis gone: sign-in is not blocked, and nothing raises
    gone = RedisSignInThrottle(redis.Redis(host="127.0.0.1", port=free_port(), socket_timeout=1))
    gone.failed(login)
    assert gone.wait_seconds(login) == 0.0
    client.delete("coach:signin:" + login)
