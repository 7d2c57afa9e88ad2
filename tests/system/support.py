"""Helpers of the system tests: people, a private PostgreSQL server."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from coach.storage import Database
from coach.storage import services as sv
from ops.wait import free_port

PG_ADMIN = os.environ.get("COACH_TEST_POSTGRES", "postgresql:///postgres")
REDIS_URL = os.environ.get("COACH_TEST_REDIS", "redis://127.0.0.1:6379/3")
PG_BIN = Path(os.environ.get("COACH_PG_BIN") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))),
                                                         Path("/usr/bin")))


def seed_people(db: Database, trainees: int = 1) -> list[int]:
    """A team and `trainees` trainees; returns their ids."""
    with db.uow() as uow:
        team = sv.create_team(uow, "Customer care")
        ids = [sv.create_person(uow, name=f"Trainee {i}", login=f"trainee{i}", role="trainee", team_id=team)
               for i in range(trainees)]
        uow.commit()
    return ids


class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb in a temporary folder, a free loopback port), so that a
    test can stop and restart it without touching the machine's server or the other tests' databases."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="coach-pg-"))
        self.data = self.dir / "data"
        self.user = "postgres" if os.geteuid() == 0 else None  # PostgreSQL refuses to run as root
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.start()

    def _run(self, tool, *args, check=True):
        cmd = [str(PG_BIN / tool), *args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop", check=False)

    def restart(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-m", "fast", "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "restart")

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

