"""`coach up` migrates and loads the demo company by calling them, not by re-entering the `coach` command:
ops imports nothing from coach.cli, and the import goes one way only (coach.cli imports ops.run when
`coach up` runs)."""

import ast
import subprocess
import sys
from pathlib import Path

from coach.storage import Database, migrate
from ops.run import prepare_database

ROOT = Path(__file__).resolve().parents[2]


def _imported(path: Path):
    """The names a module imports: `import a.b` gives a.b, `from a import b` gives a.b."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from (f"{node.module}.{a.name}" for a in node.names)


def test_no_ops_module_imports_the_command_line():
    for path in sorted((ROOT / "ops").glob("*.py")):
        wrong = [n for n in _imported(path) if n == "coach.cli" or n.startswith("coach.cli.")]
        assert not wrong, f"{path.name} imports {wrong}"


def test_importing_the_runner_loads_neither_the_command_line_nor_rasa():
    code = ("import sys, ops.run; print('coach.cli' in sys.modules, "
            "any(m == 'rasa' or m.startswith('rasa.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_coach_up_migrates_the_database_itself(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert prepare_database(demo=False) == 0
    db = Database(url)
    assert migrate.current_revision(db) == migrate.head_revision()
    db.dispose()
    out = capsys.readouterr().out
    assert "==> database: migrating to the latest schema" in out and f"-> {migrate.head_revision()}" in out
    assert prepare_database(demo=False) == 0
    assert "schema already at" in capsys.readouterr().out


def test_coach_up_stops_with_the_reason_when_the_database_cannot_be_used(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://coach:hunter2@127.0.0.1:1/coach")
    assert prepare_database(demo=True) == 2
    err = capsys.readouterr().err
    assert err.startswith("coach: ") and "hunter2" not in err
