"""`make run` itself: `coach up` started as a user starts it, on free ports and a database of its own;
it must migrate, start the three servers from the Procfile under honcho, say where the panel is, and stop
everything on Ctrl-C."""

import os
import signal
import socket
import subprocess
import threading

import pytest
import requests

from coach.storage import Database, migrate
from ops.servers import ROOT, VENV_BIN
from ops.wait import free_port, wait_until


def _closed(port) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class Running:
    """`coach <args>` started as a user starts it, in its own process group, its output collected; `ready`
    is set once a line contains `until`."""

    def __init__(self, args, env, until):
        self.proc = subprocess.Popen([str(VENV_BIN / "coach"), *args], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, args=(until,), daemon=True)
        self.reader.start()

    def _read(self, until):
        for line in self.proc.stdout:
            self.lines.append(line)
            if until in line:
                self.ready.set()

    @property
    def out(self) -> str:
        return "".join(self.lines)

    def ctrl_c(self, timeout=90) -> int:
        """Ctrl-C in the terminal: SIGINT to the whole foreground group."""
        os.killpg(self.proc.pid, signal.SIGINT)
        rc = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return rc


def test_coach_up_starts_everything_says_where_and_stops_on_ctrl_c(model, tmp_path):
    ports = {"COACH_PANEL_PORT": free_port(), "COACH_RASA_PORT": free_port(), "COACH_ACTION_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "COACH_RASA_URL": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'coach.db'}", "PYTHONUNBUFFERED": "1"}
    run = Running(["up", "--no-demo"], env, until="Ctrl-C stops everything")
    try:
        assert run.ready.wait(300), "no 'Ctrl-C stops everything' within 300 s:\n" + "".join(run.lines[-60:])
        out = run.out
        assert f"The panel: http://127.0.0.1:{ports['COACH_PANEL_PORT']}" in out
        assert "Sign in with an account an admin created" in out  # no demo company: no demo logins offered
        for what in ("action server", "Rasa server", "panel"):
            assert f"ready: {what}" in out
        assert requests.get(f"http://127.0.0.1:{ports['COACH_PANEL_PORT']}/_stcore/health", timeout=5).ok
        assert requests.get(f"http://127.0.0.1:{ports['COACH_ACTION_PORT']}/health", timeout=5).ok
        assert requests.get(f"http://127.0.0.1:{ports['COACH_RASA_PORT']}/status", timeout=5).status_code == 401
        db = Database(env["DATABASE_URL"])
        assert migrate.current_revision(db) == migrate.head_revision()
        db.dispose()
    finally:
        rc = run.ctrl_c()
    out = run.out
    assert rc in (0, 130, -signal.SIGINT), out[-3000:]
    assert "sending SIGTERM to rasa.1" in out and "rasa.1 stopped" in out
    try:
        wait_until(lambda: all(_closed(p) for p in ports.values()), timeout=30)
    except TimeoutError:
        pytest.fail("a server still listens after Ctrl-C")


def test_coach_up_refuses_a_bad_setting_with_what_would_be_right(tmp_path):
    env = {**os.environ, "COACH_RASA_PORT": "fifty", "DATABASE_URL": f"sqlite:///{tmp_path / 'coach.db'}"}
    out = subprocess.run([str(VENV_BIN / "coach"), "up", "--no-demo"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert "COACH_RASA_PORT='fifty' is not a port; give a number between 1 and 65535" in out.stderr


def test_one_host_of_a_deployment_runs_only_its_processes_on_the_address_it_is_given(model, tmp_path):
    """`coach up --only actions,rasa` with COACH_BIND: the bot half of a multi-host deployment (127.0.0.2
    stands for the host's private address), health-checked there, nothing on 127.0.0.1, no panel."""
    ports = {"COACH_PANEL_PORT": free_port(), "COACH_RASA_PORT": free_port(), "COACH_ACTION_PORT": free_port()}
    db = tmp_path / "coach.db"
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "COACH_BIND": "127.0.0.2", "COACH_RASA_URL": "",
           "COACH_ACTION_URL": "", "DATABASE_URL": f"sqlite:///{db}", "PYTHONUNBUFFERED": "1"}
    migrated = Database(env["DATABASE_URL"])
    migrate.upgrade(migrated)  # a deployment migrates once, from one place
    migrated.dispose()
    run = Running(["up", "--only", "actions,rasa"], env, until="Ctrl-C stops them")
    try:
        assert run.ready.wait(300), "not up within 300 s:\n" + "".join(run.lines[-60:])
        out = run.out
        assert "action server, Rasa server up in" in out and "panel.1" not in out and "migrating" not in out
        assert requests.get(f"http://127.0.0.2:{ports['COACH_ACTION_PORT']}/health", timeout=5).ok
        assert requests.get(f"http://127.0.0.2:{ports['COACH_RASA_PORT']}/status", timeout=5).status_code == 401
        assert _closed(ports["COACH_ACTION_PORT"]) and _closed(ports["COACH_RASA_PORT"])  # not on 127.0.0.1
    finally:
        run.ctrl_c()
