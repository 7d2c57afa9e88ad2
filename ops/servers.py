"""Training the Rasa model, and starting the Procfile's processes (the action server, the Rasa server, the
panel) for the end-to-end tests and the benchmarks. Every server listens on 127.0.0.1 by default and the
Rasa HTTP API and the action server need a token (coach/settings.py).

The model is trained only when the training data or the configuration changed: its file name carries a
hash of config.yml, bot/domain, data/nlu + data/rules, the featurizer (bot/nlu.py) and the detector.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

from coach import settings
from coach.storage.db import make_url
from ops.wait import wait_healthy

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
MODELS = ROOT / "models"
# what the model is made from: the configuration, the domain, the training data and the featurizer code
TRAINING_INPUTS = [ROOT / "config.yml", ROOT / "bot" / "domain", ROOT / "data" / "nlu", ROOT / "data" / "rules",
                   ROOT / "bot" / "nlu.py"]


def training_fingerprint() -> str:
    from coach.detect import detector_version

    h = hashlib.sha256(detector_version().encode())  # the detector's tags are features of the model
    for root in TRAINING_INPUTS:
        files = [root] if root.is_file() else sorted(root.rglob("*.yml"))
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def model_file() -> Path:
    return MODELS / f"coach-{training_fingerprint()}.tar.gz"


def train(force: bool = False, quiet: bool = False) -> Path:
    """Train the model unless one for exactly this data and configuration exists; returns its path. One
    training at a time: a second caller (another `coach up`, the tests' early training) waits for the first
    and then finds its model."""
    target = model_file()
    if target.exists() and not force:
        return target
    MODELS.mkdir(exist_ok=True)
    with open(MODELS / ".training.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also if this process dies
        if target.exists() and not force:
            return target
        return _train(target, quiet)


def _train(target: Path, quiet: bool) -> Path:
    """Train into a folder of its own and move the finished model into place, so that nobody ever sees a
    model file that is still being written."""
    scratch = MODELS / ".training"
    shutil.rmtree(scratch, ignore_errors=True)
    cmd = [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "bot/domain",
           "--data", "data/nlu", "data/rules", "--out", str(scratch), "--fixed-model-name", target.name[:-7]]
    started = time.monotonic()
    print(f"==> training the Rasa model ({target.name}); this takes a minute or two", file=sys.stderr)
    out = subprocess.run(cmd, cwd=ROOT, env=_env({}), capture_output=quiet, text=True)
    trained = scratch / target.name
    if out.returncode != 0 or not trained.exists():
        tail = (out.stderr or "")[-3000:] if quiet else ""
        raise RuntimeError(f"rasa train failed (exit {out.returncode}); run `{' '.join(cmd)}` to see why\n{tail}")
    os.replace(trained, target)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"==> trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    for old in MODELS.glob("coach-*.tar.gz"):  # keep only the current model
        if old != target:
            old.unlink()
    return target


def tracker_env(url: str) -> dict:
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    tracker_url = url if dialect != "sqlite" else f"sqlite:///{Path(parsed.database).resolve()}"
    return {"COACH_TRACKER_DIALECT": dialect, "COACH_TRACKER_URL": tracker_url}


def _env(extra: dict) -> dict:
    # TensorFlow on this 2-core machine: two threads inside an operation, one across them, so the Rasa
    # server leaves a core for the action server during a turn
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "2",
           "TF_NUM_INTEROP_THREADS": "1", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           "RASA_TELEMETRY_ENABLED": "false", **extra}
    return env


PROCFILE = ROOT / "Procfile"


def procfile() -> dict[str, str]:
    """The Procfile's process lines, by name: the one definition of how each process starts."""
    from honcho.environ import parse_procfile

    return dict(parse_procfile(PROCFILE.read_text()).processes)


def server_env(*, database: str, rasa_port: int, action_port: int, panel_port: int | None = None,
               rasa_url: str | None = None, redis_url: str | None = None, rasa_token: str | None = None,
               action_token: str | None = None, bind: str | None = None, action_url: str | None = None) -> dict:
    """The environment of the Procfile's processes: the database (also Rasa's tracker store), the ports,
    where each server finds the next one, the lock store and the two tokens."""
    env = {"DATABASE_URL": database, "COACH_BIND": bind or settings.current().bind,
           "COACH_RASA_PORT": str(rasa_port), "COACH_ACTION_PORT": str(action_port),
           "COACH_RASA_URL": rasa_url or f"http://127.0.0.1:{rasa_port}",
           "COACH_ACTION_URL": action_url or f"http://127.0.0.1:{action_port}/webhook",
           "COACH_RASA_TOKEN": rasa_token or settings.rasa_token(),
           "COACH_ACTION_TOKEN": action_token or settings.action_token(),
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           **tracker_env(database), **settings.lock_store_env(redis_url)}
    if panel_port:
        env["COACH_PANEL_PORT"] = str(panel_port)
    if redis_url:
        env["COACH_REDIS_URL"] = redis_url
    return _env(env)


def warm_up_actions(action_port: int, token: str, timeout: float = 120, host: str = "127.0.0.1",
                    build_timeout: float = 480):
    """Wait until the action server has built the detectors and standards of every language (its /ready), then a
    first call through the whole action path. Before, only the English ones were waited for, and the first turns
    of a load queued behind the other languages being built (p95 6 s in a 15-second run). The building takes about
    30 s of one core for the five languages; `build_timeout` allows for a machine busy with other servers starting
    (two test workers, each with its Rasa server, took more than 120 s)."""
    wait_healthy(f"http://{host}:{action_port}/ready", "action server's warm-up", build_timeout)
    warm = {"next_action": "action_customer_turn", "sender_id": "warm-up", "version": "3.6.2", "domain": {},
            "tracker": {"sender_id": "warm-up", "slots": {}, "events": [], "paused": False,
                        "latest_message": {"text": "", "intent": {}, "entities": []},
                        "latest_action_name": "action_listen", "active_loop": {}}}
    r = requests.post(f"http://{host}:{action_port}/webhook", params={"token": token}, json=warm,
                      timeout=timeout)
    r.raise_for_status()


def warm_up_rasa(rasa_url: str, token: str, timeout: float = 120):
    """The first parse traces the model's graph (seconds), and the first message in a language builds that
    language's detector in the featurizer (seconds more, its dictionaries and cue phrases): do both before a
    trainee's turn does, with a message in every language the detector has (a few of its common words)."""
    from coach.detect.languages import languages
    from coach.detect.lexicon import load_lexicon

    texts = ["Good morning, how can I help?"] + [" ".join(sorted(load_lexicon(code).words.common_words)[:12])
                                                 for code in languages() if code != "en"]
    for text in texts:
        requests.post(f"{rasa_url}/model/parse", params={"token": token},
                      json={"text": text}, timeout=timeout).raise_for_status()


def rasa_ready(r) -> bool:
    return r.ok and bool(r.json().get("model_file"))


class Servers:
    """The Procfile's processes started for real, one log file each in var/log, stopped on exit: the tests'
    and the benchmarks' way to run the product (`make run` uses honcho on the same Procfile).

    with Servers(database=...) as s: PracticeClient(s.rasa_url, token=s.token)

    Several instances on other ports, sharing a PostgreSQL database and a Redis lock store (redis_url), are
    several Rasa replicas, each with its own action server.
    """

    def __init__(self, *, database: str | None = None, rasa_port: int = 5005, action_port: int = 5055,
                 token: str | None = None, model: Path | None = None, log_dir: Path | None = None,
                 panel_port: int | None = None, redis_url: str | None = None, panel_rasa_url: str | None = None):
        self.database = database or settings.current().database_url
        self.rasa_port, self.action_port = rasa_port, action_port
        self.token = token or settings.rasa_token()
        self.model = model
        self.log_dir = log_dir or settings.logs_dir()  # default: $COACH_VAR/log
        self.panel_port = panel_port  # None: no panel (the bot tests), else the Streamlit panel on this port
        self.redis_url = redis_url
        self.panel_rasa_url = panel_rasa_url  # the panel's Rasa (a balancer in front of replicas), else ours
        self.procs: list[subprocess.Popen] = []
        self.by_name: dict[str, subprocess.Popen] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def panel_url(self) -> str:
        return f"http://127.0.0.1:{self.panel_port}"

    def env(self) -> dict:
        env = server_env(database=self.database, rasa_port=self.rasa_port, action_port=self.action_port,
                         panel_port=self.panel_port, rasa_url=self.panel_rasa_url or self.rasa_url,
                         redis_url=self.redis_url, rasa_token=self.token, action_token=settings.action_token())
        if self.model:
            env["COACH_MODEL"] = str(self.model)
        return env

    def start(self, name: str, port: int) -> subprocess.Popen:
        """Start the Procfile's process `name`, its output in var/log/<name>-<port>.log."""
        settings.private_dir(self.log_dir)
        # the servers' output may quote what went wrong with a session: readable by its owner only
        log = os.fdopen(os.open(self.log_dir / f"{name}-{port}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
                        "ab")
        proc = subprocess.Popen(["/bin/sh", "-c", procfile()[name]], cwd=ROOT, env=self.env(), stdout=log,
                                stderr=subprocess.STDOUT)
        proc.log_name = log.name
        self.procs.append(proc)
        self.by_name[name] = proc
        return proc

    def start_actions(self):
        """The action server, started again (the fault tests bring back one they killed)."""
        self._ready("actions", self.start("actions", self.action_port))

    def _ready(self, name: str, proc):
        """Wait until the process `name` answers its health check, then warm it up."""
        if name == "actions":
            self._wait(f"http://127.0.0.1:{self.action_port}/health", "action server", proc)
            warm_up_actions(self.action_port, self.env()["COACH_ACTION_TOKEN"])
        elif name == "rasa":
            self._wait(f"{self.rasa_url}/status?token={self.token}", "Rasa server", proc, timeout=180,
                       ready=rasa_ready)
            warm_up_rasa(self.rasa_url, self.token)
        else:  # the Streamlit panel; it talks to Rasa with the token, the browser only to it
            self._wait(f"{self.panel_url}/_stcore/health", "panel", proc, timeout=60)

    def kill(self, name: str, sig: int = 9):
        """Stop one process at once (the fault tests: a server that dies mid-session)."""
        proc = self.by_name.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=20)
        self.procs.remove(proc)

    def _wait(self, url, what, proc, timeout=60, ready=lambda r: r.ok):
        try:
            wait_healthy(url, what, timeout, ready, proc)
        except TimeoutError as exc:
            raise RuntimeError(f"{exc}; see {proc.log_name}") from None

    def __enter__(self):
        """All the processes start at once (each loads its own libraries, on its own core), then each is
        waited for and warmed up: the action server before Rasa's warm-up turn, which calls it."""
        try:
            if self.model is None:
                self.model = train(quiet=True)
            ports = {"actions": self.action_port, "rasa": self.rasa_port, "panel": self.panel_port}
            started = [(name, self.start(name, port)) for name, port in ports.items() if port]
            for name, proc in started:  # in this order: Rasa's warm-up turn calls the action server
                self._ready(name, proc)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        self.procs.clear()
        self.by_name.clear()
