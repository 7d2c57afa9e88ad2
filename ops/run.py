"""`make run` (`coach up`): the whole product with one command, and the Procfile's `ready` process.

coach up:
  1. reads `.env` if there is one, checks the settings (coach/settings.py) and generates the two tokens on
     first run (var/secrets/);
  2. migrates the database and loads the demo company if the database is empty;
  3. trains the Rasa model if the training data or the configuration changed (Rasa shows its progress);
  4. runs the Procfile with honcho: the action server, the Rasa server, the panel and `ready`, which waits
     for each health check, prints the panel's address and the demo logins, and then keeps watching.
  Ctrl-C (or SIGTERM) stops everything; a server that exits stops the others (honcho).
The output is shown and also appended to var/log/run.log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import requests

from coach import settings
from ops.servers import (
    PROCFILE,
    ROOT,
    VENV_BIN,
    model_file,
    rasa_ready,
    server_env,
    train,
    warm_up_actions,
    warm_up_rasa,
)
from ops.wait import wait_healthy

CHECK_EVERY = 15  # seconds between health checks once everything is up


def _say(msg: str):
    print(msg, flush=True)


def environment() -> dict:
    """The Procfile's environment from the settings (raises SettingsError on a bad value: every setting is
    checked here, so a bad one stops the start instead of one of the servers)."""
    config = settings.current()
    env = server_env(database=config.database_url, rasa_port=config.rasa_port, action_port=config.action_port,
                     panel_port=config.panel_port, rasa_url=config.rasa_url, action_url=config.action_url,
                     redis_url=config.redis_url)
    env["COACH_MODEL"] = config.model or str(model_file())
    return env


def load_dotenv(path=ROOT / ".env") -> dict:
    """Settings from a `.env` file in the checkout (KEY=value lines, never committed); the environment wins."""
    from honcho.environ import parse

    if not path.exists():
        return {}
    values = {k: v for k, v in parse(path.read_text()).items() if k not in os.environ}
    os.environ.update(values)
    return values


PROCESSES = ("actions", "rasa", "panel")


def _has_demo_logins() -> bool:
    """Whether the database holds the demo company (its `trainee` login), so the demo logins are worth printing."""
    from coach.storage import Database, NotFound, StorageError
    from coach.storage import services as sv

    db = Database()
    try:
        with db.reader() as r:
            sv.find_person(r, "trainee")
        return True
    except (NotFound, StorageError):
        return False
    finally:
        db.dispose()


def prepare_database(demo: bool) -> int:
    """Migrate the database to the latest schema and, with `demo`, load the demo company if it is empty;
    2, with the reason on stderr, when that cannot be done, as `coach db` would say it."""
    from coach.demo.install import install_demo
    from coach.sim import ScenarioError, SimulationError
    from coach.standards import PackError
    from coach.storage import Database, migrate
    from coach.storage.errors import StorageError

    _say("==> database: migrating to the latest schema")
    db = None
    try:
        db = Database()
        print(migrate.upgrade_and_report(db), flush=True)
        if demo:
            install_demo(db, if_empty=True)
        return 0
    except PackError as exc:
        print(f"coach: standards pack error: {exc}", file=sys.stderr)
    except (StorageError, ScenarioError, SimulationError) as exc:
        print(f"coach: {exc}", file=sys.stderr)
    finally:
        if db is not None:
            db.dispose()
    return 2


def up(*, retrain: bool = False, demo: bool = True, only: list[str] | None = None) -> int:
    """The whole product; with `only` (some of PROCESSES), just those processes on this host, without
    migrating or loading the demo (a multi-host deployment migrates once, from one place)."""
    loaded = load_dotenv()
    if loaded:
        _say(f"==> settings from .env: {', '.join(sorted(loaded))}")
    try:
        fresh = not (settings.secrets_dir() / "rasa_token").exists() and not settings.current().rasa_token
        env = environment()
    except settings.SettingsError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    if fresh:
        _say(f"==> generated the API tokens in {settings.secrets_dir()} (kept for the next runs, never committed)")
    unknown = sorted(set(only or ()) - set(PROCESSES))
    if unknown:
        print(f"coach: unknown process {', '.join(unknown)}; choose from {', '.join(PROCESSES)}", file=sys.stderr)
        return 2
    names = list(only or PROCESSES)
    env["COACH_CHECK"] = ",".join(names)
    if not only and prepare_database(demo) != 0:
        return 2
    env["COACH_DEMO_LOGINS"] = "1" if "panel" in names and _has_demo_logins() else ""
    if "rasa" in names and not settings.current().model:
        env["COACH_MODEL"] = str(train(force=retrain))  # prints its progress; nothing to do when it is current
    logs = settings.private_dir(settings.logs_dir())
    _say(f"==> starting {', '.join(names)} (honcho; output also in {logs / 'run.log'})")
    # -e /dev/null: honcho must not read .env again (done above, with the environment winning)
    cmd = [str(VENV_BIN / "honcho"), "start", "-f", str(PROCFILE), "-d", str(ROOT), "-e", os.devnull, *names, "ready"]
    honcho = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, bufsize=1)
    # Ctrl-C reaches honcho directly (same terminal); it stops the servers and exits. A SIGTERM sent to this
    # process (a service manager) is passed on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: honcho.send_signal(signal.SIGTERM))
    with open(logs / "run.log", "a") as log:
        for line in honcho.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
            log.flush()
    return honcho.wait()


def watch() -> int:
    """Wait until each server answers its health check, say where the panel is, then keep checking."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    config = settings.current()
    token, action_token = settings.rasa_token(), settings.action_token()
    host = config.reach  # this host's servers, where they listen
    rasa = f"http://{host}:{config.rasa_port}"
    panel = f"http://{host}:{config.panel_port}"
    here = (os.environ.get("COACH_CHECK") or ",".join(PROCESSES)).split(",")
    checks = {"action server": f"http://{host}:{config.action_port}/health",
              "Rasa server": f"{rasa}/status?token={token}",
              "panel": f"{panel}/_stcore/health"}
    checks = {k: v for k, v in checks.items() if {"action server": "actions", "Rasa server": "rasa",
                                                  "panel": "panel"}[k] in here}
    started = time.monotonic()
    try:
        if "action server" in checks:
            took = wait_healthy(checks["action server"], "action server", 120)
            warm_up_actions(config.action_port, action_token, host=host)
            _say(f"ready: action server ({took:.0f} s)")
        if "Rasa server" in checks:
            took = wait_healthy(checks["Rasa server"], "Rasa server", 300, rasa_ready)
            warm_up_rasa(rasa, token)
            _say(f"ready: Rasa server ({took:.0f} s)")
        if "panel" in checks:
            took = wait_healthy(checks["panel"], "panel", 120)
            _say(f"ready: panel ({took:.0f} s)")
    except (TimeoutError, requests.RequestException) as exc:
        print(f"not ready: {exc}; its lines above say why (also in var/log/run.log)", file=sys.stderr)
        return 1
    if "panel" in checks:
        demo = ("  Demo logins: trainee, trainer, manager, admin; password 'practise'\n"
                if os.environ.get("COACH_DEMO_LOGINS") else "  Sign in with an account an admin created.\n")
        _say(f"\n  The panel: {panel}   (everything up in {time.monotonic() - started:.0f} s)\n{demo}"
             f"  Ctrl-C stops everything.\n")
    else:
        _say(f"\n  {', '.join(checks)} up in {time.monotonic() - started:.0f} s. Ctrl-C stops them.\n")
    down: set[str] = set()
    while not stopping:
        for _ in range(CHECK_EVERY * 2):
            if stopping:
                return 0
            time.sleep(0.5)
        for what, url in checks.items():
            try:
                ok = requests.get(url, timeout=5).ok
            except requests.RequestException:
                ok = False
            if not ok and what not in down:
                down.add(what)
                print(f"warning: the {what} stopped answering its health check", file=sys.stderr, flush=True)
            elif ok and what in down:
                down.discard(what)
                _say(f"the {what} answers again")
    return 0


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        settings.private_files()
    except settings.SettingsError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    if args[:1] == ["watch"]:
        return watch()
    return up(retrain="--train" in args, demo="--no-demo" not in args)


if __name__ == "__main__":
    sys.exit(main())
