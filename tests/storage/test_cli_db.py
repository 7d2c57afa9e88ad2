"""`coach db`, `coach rescore` and `coach person` as an operator runs them, on real databases: the operator's
first command is a real process, the rest run in this process (`run_coach`, the same code without the start-up)."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from coach.storage import migrate
from tests.conftest import copy_demo

ROOT = Path(__file__).resolve().parents[2]


def coach(*args, env=None):
    proc = subprocess.run([sys.executable, "-m", "coach.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env={**os.environ, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_from_empty_database_to_demo_rescore_export_and_delete(tmp_path, run_coach, monkeypatch, demo_company_file):
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    env = {"DATABASE_URL": url}
    head = migrate.head_revision()
    p = coach("db", "current", env=env)
    assert p.returncode == 1 and f"schema empty (newest: {head})" in p.stdout
    monkeypatch.setenv("DATABASE_URL", url)

    def coach_here(*args):  # run_coach, read as the text a process would have given
        ran = run_coach(*args)
        return subprocess.CompletedProcess(args, ran.returncode, ran.stdout.decode(), ran.stderr.decode())
    p = coach_here("db", "upgrade")
    assert p.returncode == 0 and f"schema empty -> {head}" in p.stdout, p.stderr
    # `coach db demo` on an empty database is how the run's shared demo company was built (tests/conftest.py):
    # what it said, then the commands that follow on a copy of it
    said = demo_company_file.output
    assert "4 teams, 31 people" in said and "sign in as trainee (trainee)" in said and "'practise'" in said
    (tmp_path / "demo").mkdir()
    demo = copy_demo(demo_company_file, tmp_path / "demo")
    demo.dispose()
    monkeypatch.setenv("DATABASE_URL", demo.url)
    p = coach_here("db", "demo", "--if-empty")
    assert p.returncode == 0 and "already holds 31 people; the demo company is not loaded again" in p.stdout
    p = coach_here("db", "demo")
    assert p.returncode == 2 and "--reset" in p.stderr

    week = (demo_company_file.anchor - timedelta(days=7)).isoformat()  # the last week's sessions: enough to see
    p = coach_here("rescore", "--since", week)
    assert p.returncode == 0 and "rescored 0 of" in p.stdout and "already had this version" in p.stdout
    p = coach_here("rescore", "--since", week, "--force")
    assert p.returncode == 0 and "the earlier scorecards are kept as history" in p.stdout
    p = coach_here("rescore", "--since", "last week")
    assert p.returncode == 2 and "'last week' is not a date; use YYYY-MM-DD" in p.stderr

    out = tmp_path / "anna.json"
    p = coach_here("person", "export", "trainee", "-o", str(out))
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text())
    assert data["person"]["name"] == "Anna Berg" and data["practice_sessions"]
    p = coach_here("person", "delete", "trainee")
    assert p.returncode == 2 and "add --yes" in p.stderr
    p = coach_here("person", "delete", "trainee", "--yes")
    assert p.returncode == 0 and "kept as anonymous figures" in p.stdout
    p = coach_here("person", "export", "trainee")
    assert p.returncode == 2 and "no person with the login 'trainee'" in p.stderr
    p = coach_here("db", "sweep")
    assert p.returncode == 0 and "marked 0 session(s)" in p.stdout
    p = coach_here("db", "downgrade")
    assert p.returncode == 2 and "drops every table" in p.stderr


def test_database_commands_explain_a_server_that_is_down(tmp_path, run_coach):
    p = run_coach("db", "upgrade", "--database", "postgresql://coach:hunter2@127.0.0.1:1/coach")
    assert p.returncode == 2
    assert "cannot use the database postgresql://coach:***@127.0.0.1:1/coach" in p.stderr.decode()
    assert b"hunter2" not in p.stderr
    p = run_coach("person", "export", "anna", "--database", f"sqlite:///{tmp_path / 'x.db'}")
    assert p.returncode == 2 and "run `coach db upgrade`" in p.stderr.decode()
