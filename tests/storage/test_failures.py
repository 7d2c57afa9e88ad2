"""A database that is down or locked, and a process killed between turns: clear errors, nothing half-written."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from coach.storage import Database, DatabaseUnavailable
from coach.storage import services as sv
from coach.storage.models import PracticeSession, TurnRecord

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = textwrap.dedent("""
    import sys, time
    from coach.storage import Database
    from coach.storage import services as sv
    db = Database(sys.argv[1])
    with db.uow() as uow:
        sid = sv.start_session(uow, person_id=int(sys.argv[2]), scenario_id="kept_waiting", scenario_version="1",
                               channel="chat")
        uow.commit()
    lines = ["I've been on hold for forty minutes!", "I'm sorry you waited so long. Let me sort this out now.",
             "Finally. My order number is 5521."]
    for seq, text in enumerate(lines):
        with db.uow() as uow:
            sv.append_turn(uow, sid, seq, speaker="customer" if seq % 2 == 0 else "staff", text=text)
            uow.commit()
    uow = db.uow().__enter__()   # a fourth turn is being written when the process dies
    sv.append_turn(uow, sid, 3, speaker="staff", text="Thank you, I can see order 5521 here.")
    uow.session.flush()
    print(sid, flush=True)
    time.sleep(120)
""")


def test_a_session_survives_its_process_being_killed_between_turns(db, company):
    child = subprocess.Popen([sys.executable, "-c", CHILD, db.url, str(company["anna"])], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip().isdigit(), child.stderr.read()
        sid = int(line)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    with db.reader() as uow:
        turns = uow.session.execute(select(TurnRecord.seq, TurnRecord.text).where(TurnRecord.session_id == sid)
                                    .order_by(TurnRecord.seq)).all()
        status = uow.session.get(PracticeSession, sid).status
    # the three committed turns are there; the one in flight is not (no partial write)
    assert [t.seq for t in turns] == [0, 1, 2] and turns[2].text == "Finally. My order number is 5521."
    assert status == "active"
    # a restarted bot resumes it from turn 3 ...
    with db.uow() as uow:
        state = sv.resume_session(uow, sid)
        sv.append_turn(uow, sid, state["next_seq"], speaker="staff", text="Thank you, I can see order 5521 here.")
        uow.commit()
    # ... or, left alone, it is marked abandoned after the timeout, with its turns kept
    with db.uow() as uow:
        later = datetime.now(timezone.utc) + timedelta(hours=2)
        assert sv.abandon_stale(uow, timedelta(minutes=30), now=later) == [sid]
        uow.commit()
    with db.reader() as uow:
        assert uow.session.get(PracticeSession, sid).status == "abandoned"
        assert uow.session.execute(select(func.count()).select_from(TurnRecord)
                                   .where(TurnRecord.session_id == sid)).scalar() == 4


def test_postgresql_that_is_down_gives_a_clear_error():
    db = Database("postgresql://coach:secret@127.0.0.1:1/coach")
    with pytest.raises(DatabaseUnavailable) as err:
        with db.uow() as uow:
            sv.list_teams(uow)
    msg = str(err.value)
    assert "cannot use the database postgresql://coach:***@127.0.0.1:1/coach" in msg
    assert "is PostgreSQL running?" in msg and "secret" not in msg and "Nothing was written" in msg


def test_a_locked_sqlite_database_gives_a_clear_error_and_writes_nothing(tmp_path):
    from coach.storage import migrate

    path = tmp_path / "coach.db"
    quick = Database(f"sqlite:///{path}", sqlite_busy_seconds=0.3)
    migrate.upgrade(quick)
    with quick.uow() as uow:
        anna = sv.create_person(uow, name="Anna Berg", login="anna", role="trainee")
        uow.commit()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(DatabaseUnavailable, match="stayed locked by another process for more than 0.3 s; "
                                                      "nothing was written"):
            with quick.uow() as uow:
                sv.start_session(uow, person_id=anna, scenario_id="x", scenario_version="1", channel="chat")
                uow.commit()
        with quick.reader() as uow:  # readers still read while the writer holds the lock (WAL)
            assert sv.get_person(uow, anna)["login"] == "anna"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with quick.reader() as uow:
        assert uow.session.execute(select(func.count()).select_from(PracticeSession)).scalar() == 0
    quick.dispose()


def test_a_bad_database_url_says_what_a_good_one_looks_like():
    with pytest.raises(DatabaseUnavailable, match="is not a database URL; expected for example sqlite:///"):
        Database("not a url")
    with pytest.raises(DatabaseUnavailable, match="'mysql' database is not supported"):
        Database("mysql://root@localhost/coach")
