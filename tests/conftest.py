"""What every test shares: a folder of its own for the run (COACH_VAR), the markers `make check` selects by,
the Rasa model trained in the background while the first tests run, one standards pack, scorer and detector
for the session (building them takes a second), and `run_coach` (the `coach` command in this process)."""

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """The tests' own COACH_VAR, a new folder per run: the SQLite files, logs and generated tokens of the
    servers and commands the tests start go there, never into the checkout's var/ (where a developer's
    database, logs and tokens are). Set before anything reads the settings."""
    config.coach_var = os.environ["COACH_VAR"] = tempfile.mkdtemp(prefix="coach-tests-var-")
    # passwords hashed at the cheapest cost the settings allow (the product's default is 12, four times dearer):
    # the tests that are about the cost set it themselves
    os.environ.setdefault("COACH_BCRYPT_ROUNDS", "10")


# what a fixture needs, for the markers of pyproject.toml: a test is marked by every fixture it uses, directly or
# through another fixture (a test that starts a server itself carries the mark in its own module)
NEEDS = {
    "servers": {"servers", "ui_servers", "stack", "sqlite_servers", "replicas", "model"},
    "postgres": {"pg_url", "_pg_db", "private_pg", "postgres_db"},
    "redis": {"redis_url"},
    "browser": {"browser", "voice_browser"},
}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these marks and xdist groups by them
def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        for mark, fixtures in NEEDS.items():
            if used & fixtures or (mark == "postgres" and "postgresql" in params.values()):
                item.add_marker(mark)
        if any(item.get_closest_marker(mark) for mark in ("servers", "browser", "redis")):
            # `make test` on several cores: the tests that start the product's processes run one after another on
            # one worker (Rasa's model, the machine's memory, one Redis), the rest beside them on the others
            item.add_marker(pytest.mark.xdist_group("servers"))
        elif "ui_db" in used:  # the panel's tests share one copy of the demo company per worker: keep them on one
            item.add_marker(pytest.mark.xdist_group("ui_db"))


def pytest_collection_finish(session):
    """After `-m` has deselected what this run leaves out (`make check` runs no test that needs the model)."""
    if any(item.get_closest_marker("servers") for item in session.items):
        _train_early(session.config)


def _train_early(config):
    """Train the Rasa model (when it is missing) in the background while the tests that need no model run
    first (pyproject.toml's testpaths: unit and storage before bot, system and ui); the first test that needs
    the model waits for this training in `ops.servers.train` instead of starting its own."""
    from ops.servers import model_file

    if model_file().exists():
        return
    log = open(Path(os.environ["COACH_VAR"]) / "early-training.log", "w")
    config.early_training = subprocess.Popen(
        [sys.executable, "-c", "from ops.servers import train; train(quiet=True)"], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)  # its own process group: `rasa train` stops with it


def pytest_unconfigure(config):
    training = getattr(config, "early_training", None)
    if training is not None and training.poll() is None:  # the run ended (or was stopped) before it finished
        os.killpg(training.pid, signal.SIGTERM)
        training.wait(timeout=30)
    if getattr(config, "coach_var", None):
        shutil.rmtree(config.coach_var, ignore_errors=True)


@pytest.fixture(scope="session")
def pack():
    from coach.standards import load_pack

    return load_pack()


@pytest.fixture(scope="session")
def scorer(pack):
    from coach.standards import Scorer

    return Scorer(pack)


@dataclass(frozen=True)
class DemoFile:
    path: Path  # a SQLite file holding the demo company: copy it, never write to it
    anchor: date  # the last day of its three months
    counts: dict  # what `coach db demo` said it loaded: teams, people, sessions, ..., and the demo logins
    output: str  # what `coach db demo` printed


@pytest.fixture(scope="session")
def demo_company_file(tmp_path_factory):
    """The demo company (seed 7, the default size, ending today), built once per test run by `coach db demo` on
    an empty SQLite file, and shared: by the tests of one process, and under `make check` by every worker (the
    first builds it under a file lock in the run's shared temporary folder, the others wait and read it).
    Tests copy the file (`copy_demo`)."""
    import fcntl
    import json

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path, about = root / "demo-company.db", root / "demo-company.json"
    with open(root / "demo-company.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            anchor = date.today()
            part = root / "demo-company.db.part"
            part.unlink(missing_ok=True)
            with environment(DATABASE_URL=f"sqlite:///{part}"):
                ran = run_coach_here("db", "demo", "--anchor", anchor.isoformat())
            assert ran.returncode == 0, ran.stderr.decode()
            about.write_text(json.dumps({"anchor": anchor.isoformat(), "output": ran.stdout.decode()}))
            os.replace(part, path)
    known = json.loads(about.read_text())
    return DemoFile(path, date.fromisoformat(known["anchor"]), demo_counts(known["output"]), known["output"])


def demo_counts(output: str) -> dict:
    """What `coach db demo` said it loaded (teams, people, sessions, ...) and the logins it gave, from its output."""
    import re

    counts = {name: int(n) for n, name in re.findall(r"(\d+) (teams|people|sessions|turns|reviews|abandoned)\b",
                                                        output)}
    logins = {role: login for login, role in re.findall(r"(\w+) \((trainee|trainer|manager|admin)\)", output)}
    password = re.search(r"every demo password is '([^']+)'", output)
    counts["logins"] = {**logins, "password": password and password.group(1)}
    return counts


def copy_demo(demo: DemoFile, folder: Path):
    """A database of its own holding the demo company: a copy of the shared file in `folder`."""
    from coach.storage import Database

    target = folder / "coach.db"
    shutil.copyfile(demo.path, target)
    os.chmod(target, 0o600)
    return Database(f"sqlite:///{target}")


@pytest.fixture(scope="session")
def detector(pack):
    from coach.detect import shared_detector

    return shared_detector(tuple(pack.jargon))


@dataclass
class Ran:
    """What one `coach` command did: its exit code and what it wrote."""

    returncode: int
    stdout: bytes
    stderr: bytes


def run_coach_here(*args, stdin: bytes = b"") -> Ran:
    """Run the `coach` command in this process, as `coach ARGS < stdin` would, and return what it did.

    The command's own code is the same as in a new process; what is saved is the start-up (a new Python,
    spaCy and the detector's model, two to four seconds each time). `tests/unit/test_cli.py` starts real
    processes for the whole-process path."""
    from coach.cli import main

    inp, out, err = io.BytesIO(stdin), io.BytesIO(), io.BytesIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    umask = os.umask(0o022)  # the command sets its own (settings.private_files); put this one back after
    os.umask(umask)
    wrappers = [io.TextIOWrapper(buf, encoding="utf-8", write_through=True) for buf in (inp, out, err)]
    sys.stdin, sys.stdout, sys.stderr = wrappers
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.umask(umask)
        sys.stdin, sys.stdout, sys.stderr = saved
        for wrapper in wrappers:  # a wrapper closes its buffer when it goes; detached, the buffers stay readable
            wrapper.flush()
            wrapper.detach()
    assert b"Traceback" not in err.getvalue(), err.getvalue().decode()
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run_coach():
    """`run_coach_here`, for the tests that run `coach` commands."""
    return run_coach_here


@contextmanager
def environment(**values):
    """The process's environment with `values` set, put back as it was afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
