"""Faults in the middle of a practice session: the action server killed, PostgreSQL restarted, the Rasa
server down when the panel starts. The trainee gets a clear message, the session goes on once the server
is back, and the database holds every turn that was answered exactly once, and no half-recorded turn.
The panel's side (the Rasa server down when the panel starts, a reply kept and sent again) is in
tests/ui/test_panel_practice.py."""

import uuid

import pytest

from bot.client import PracticeClient, PracticeError
from coach.sim import load_scenarios
from coach.sim.customer import replay
from coach.sim.play import load_script
from coach.storage import Database, migrate
from coach.storage import services as sv
from ops.servers import Servers
from ops.wait import free_port
from system.support import seed_people

GOOD = [t if isinstance(t, str) else t["text"] for t in load_script("kept_waiting", "good")]


def recorded(db, sid):
    with db.reader() as uow:
        d = sv.session_detail(uow, sid)
    return d, [t["text"] for t in d["turns"] if t["speaker"] == "staff"]


def assert_whole(db, sid):
    """Turn numbers without gaps, and the customer's recorded words are what replaying the staff turns gives."""
    d, _ = recorded(db, sid)
    assert [t["seq"] for t in d["turns"]] == list(range(len(d["turns"])))
    replay(load_scenarios()[d["scenario_id"]], d["seed"], d["turns"], channel=d["channel"], allow_end=True)


@pytest.fixture(scope="module")
def _sqlite_stack(model, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    db = Database(f"sqlite:///{tmp / 'coach.db'}")
    migrate.upgrade(db)
    people = seed_people(db)
    s = Servers(database=db.url, rasa_port=free_port(), action_port=free_port(), token=uuid.uuid4().hex,
                model=model, log_dir=tmp / "logs")
    with s:
        yield s, db, people[0]
    db.dispose()


@pytest.fixture
def sqlite_servers(_sqlite_stack):
    """The module's servers on SQLite, all of them running when a test starts (a test may kill one and
    bring it back; each test plays its own session)."""
    s = _sqlite_stack[0]
    if "actions" not in s.by_name:
        s.start_actions()
    return _sqlite_stack


def test_action_server_killed_mid_session_then_back_the_session_goes_on_and_nothing_is_lost(sqlite_servers):
    s, db, person = sqlite_servers
    c = PracticeClient(s.rasa_url, token=s.token, retries=0)
    first = c.start(person_id=person, scenario="kept_waiting", seed=7)
    sid = first["session_id"]
    c.say(GOOD[0])
    c.say(GOOD[1])
    s.kill("actions")  # SIGKILL: no goodbye
    with pytest.raises(PracticeError, match="the customer did not answer: the action server is probably not "
                                            "running .* the session continues once it is back"):
        c.say(GOOD[2])
    assert recorded(db, sid)[1] == GOOD[:2]  # what was answered is there; the unanswered reply is not
    s.start_actions()
    reply = c.say(GOOD[2])  # "Send it again" in the panel: the same text, the same message id
    assert reply["session_id"] == sid and reply["seq"] == 5
    for text in GOOD[3:]:
        reply = c.say(text)
        if reply["outcome"]:
            break
    d, staff = recorded(db, sid)
    assert reply["outcome"] == "resolved" and d["status"] == "completed"
    assert staff == GOOD[:len(staff)] and len(set(range(len(staff)))) == len(staff)
    assert_whole(db, sid)


def test_a_reply_sent_again_after_its_answer_was_lost_is_answered_from_the_record_not_recorded_twice(
        sqlite_servers):
    """The answer is lost after the turn was committed (a timeout, a dropped connection): the client sends
    the same reply again with the same message id."""
    s, db, person = sqlite_servers
    c = PracticeClient(s.rasa_url, token=s.token)
    sid = c.start(person_id=person, scenario="kept_waiting", seed=8)["session_id"]
    first = c.say(GOOD[0])
    c.pending = (GOOD[0], c.last_message_id)  # as if that answer had never arrived
    again = c.say(GOOD[0])
    assert again["answered_again"] is True
    assert (again["customer"], again["mood"], again["seq"]) == (first["customer"], first["mood"], first["seq"])
    assert [f["rule"] for f in again["findings"]] == [f["rule"] for f in first["findings"]]
    nxt = c.say(GOOD[1])
    assert nxt["seq"] == 3
    assert recorded(db, sid)[1] == GOOD[:2]
    assert_whole(db, sid)


def test_a_tracker_that_missed_an_update_is_resynced_from_the_database(sqlite_servers):
    """The turn was committed but Rasa could not save the tracker (its database went away at that moment):
    the next reply finds the record ahead of the tracker and carries on from the record."""
    import requests

    s, db, person = sqlite_servers
    c = PracticeClient(s.rasa_url, token=s.token)
    sid = c.start(person_id=person, scenario="kept_waiting", seed=9)["session_id"]
    c.say(GOOD[0])
    # put the tracker's turn counter back, as a lost tracker save would have left it
    r = requests.post(f"{s.rasa_url}/conversations/{c.conversation_id}/tracker/events", params={"token": s.token},
                      json=[{"event": "slot", "name": "next_seq", "value": 1}], timeout=10)
    assert r.ok, r.text
    reply = c.say(GOOD[1])
    assert reply["seq"] == 3
    assert recorded(db, sid)[1] == GOOD[:2]
    assert_whole(db, sid)


def test_postgresql_restarted_mid_session_requests_retry_or_fail_clearly_and_no_turn_is_partial(
        model, private_pg, tmp_path):
    from sqlalchemy import create_engine, text

    admin = create_engine(private_pg.url, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE coach"))
    admin.dispose()
    db = Database(private_pg.url.rsplit("/", 1)[0] + "/coach")
    migrate.upgrade(db)
    person = seed_people(db)[0]
    with Servers(database=db.url, rasa_port=free_port(), action_port=free_port(), token=uuid.uuid4().hex,
                 model=model, log_dir=tmp_path / "logs") as s:
        c = PracticeClient(s.rasa_url, token=s.token)
        sid = c.start(person_id=person, scenario="kept_waiting", seed=10)["session_id"]
        c.say(GOOD[0])
        private_pg.restart()  # every open connection of both servers is now dead
        reply = c.say(GOOD[1])  # a stale connection fails once; the client sends it again (same message id)
        assert reply["seq"] == 3
        private_pg.stop()
        with pytest.raises(PracticeError) as down:
            c.say(GOOD[2])
        message = str(down.value)  # the database is down: said in words, and what to do
        assert "not recorded" in message and "send it again" in message and "PostgreSQL" in message, message
        private_pg.start()
        reply = c.say(GOOD[2])  # "Send it again"
        assert reply["seq"] == 5
        for t in GOOD[3:]:
            reply = c.say(t)
            if reply["outcome"]:
                break
        assert reply["outcome"] == "resolved"
    d, staff = recorded(db, sid)
    assert staff == GOOD[:len(staff)] and d["status"] == "completed"
    assert_whole(db, sid)
    db.dispose()


def test_an_action_server_just_started_is_healthy_at_once_and_ready_once_every_language_is_built(tmp_path):
    """A restarted action server answers its health check at once but says it is not ready while it builds the
    detectors and standards of every language (seconds each); a start-up script or a balancer that waits for
    /ready sends no turn to queue behind the building."""
    import requests

    from ops.wait import wait_healthy

    servers = Servers(database=f"sqlite:///{tmp_path / 'coach.db'}", action_port=free_port(), log_dir=tmp_path)
    url = f"http://127.0.0.1:{servers.action_port}"
    try:
        proc = servers.start("actions", servers.action_port)
        wait_healthy(f"{url}/health", "action server", 60, proc=proc)
        early = requests.get(f"{url}/ready", timeout=5)
        assert early.status_code == 503 and early.json()["reason"] == "building the detectors and standards"
        wait_healthy(f"{url}/ready", "action server's warm-up", 180, proc=proc)
        assert requests.get(f"{url}/ready", timeout=5).json() == {"ready": True}
    finally:
        servers.stop()
