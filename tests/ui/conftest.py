"""Panel tests: streamlit.testing.v1.AppTest runs the real pages in this process against a real database
holding the demo company; the practice tests also start the real Rasa and action servers."""

import os
import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from coach.storage import services as sv
from ops.wait import free_port
from tests.conftest import ROOT, copy_demo

APP = "trainer_ui/app.py"
SHOTS = ROOT / "test-output" / "e2e"  # the browser tests' screenshots
CHROMIUM = "/usr/bin/chromium"
# headless Chromium here: no sandbox as root, and no background calls to Google's hosts (the network is closed)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a test that drives the running panel fails, keep the servers' logs beside its screenshots: the run's
    COACH_VAR, where they are written, is removed when the run ends, and the panel's traceback is only there."""
    report = (yield).get_result()
    if report.failed and "ui_servers" in getattr(item, "fixturenames", ()):
        keep_server_logs(SHOTS / f"{item.name}-logs")


def keep_server_logs(target: Path) -> None:
    """Copy every server log of this run (panel, Rasa, action server) into `target`."""
    from coach import settings

    logs = settings.logs_dir()
    if not logs.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    for log in logs.glob("*.log"):
        shutil.copyfile(log, target / log.name)


@pytest.fixture(scope="session")
def ui_db(tmp_path_factory, demo_company_file):
    """The demo company in a SQLite file of its own; the panel in this process is pointed at it."""
    db = copy_demo(demo_company_file, tmp_path_factory.mktemp("ui"))
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = db.url
    from coach import resources

    resources.database.cache_clear()
    yield db
    resources.database.cache_clear()
    if old is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = old
    db.dispose()


@pytest.fixture(scope="session")
def ui_servers(ui_db):
    """The practice servers and the panel (a real Streamlit server, for the browser tests) on free loopback
    ports, on the demo database; the AppTest panel in this process is told where they are."""
    from ops.servers import Servers

    token = uuid.uuid4().hex
    with Servers(database=ui_db.url, rasa_port=free_port(), action_port=free_port(), token=token,
                 panel_port=free_port()) as s:
        os.environ["COACH_RASA_URL"], os.environ["COACH_RASA_TOKEN"] = s.rasa_url, token
        yield s
        os.environ.pop("COACH_RASA_URL"), os.environ.pop("COACH_RASA_TOKEN")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, one per test module (the browser journey and the browser security tests)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run scripts/ensure-chromium (make test does)", pytrace=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def person(db, login) -> dict:
    with db.reader() as r:
        return sv.find_person(r, login)


@pytest.fixture
def signed_in(ui_db):
    """An AppTest of the panel with `login` signed in (the session state the sign-in page sets)."""
    from streamlit.testing.v1 import AppTest

    def make(login, page=None):
        at = AppTest.from_file(APP, default_timeout=120)
        p = person(ui_db, login)
        at.session_state["user"] = {k: p[k] for k in ("id", "name", "login", "role", "team_id", "language")}
        at.session_state["seen_at"] = time.time()
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    return make


def now():
    return datetime.now(timezone.utc)


@pytest.fixture
def undecided_award(ui_db):
    """A test that decides an employee of the month takes the decision back afterwards, so the next one
    finds the same undecided month (awards are one per month)."""
    from sqlalchemy import delete

    from coach.storage.models import Award

    before = _award_ids(ui_db)
    yield
    with ui_db.uow() as w:
        w.session.execute(delete(Award).where(Award.id.not_in(before)))
        w.commit()


def _award_ids(db):
    from sqlalchemy import select

    from coach.storage.models import Award

    with db.reader() as r:
        return list(r.session.execute(select(Award.id)).scalars())
