"""Training the Rasa model and starting the Rasa server and the action server, for the run command, the
end-to-end tests and the benchmarks. Both servers listen on 127.0.0.1 only; Rasa's HTTP API needs a token.

The model is trained only when the training data or the configuration changed: its file name carries a
hash of config.yml, bot/domain, data/nlu + data/rules, the featurizer (bot/nlu.py) and the detector.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import requests

from coach.storage.db import database_url, make_url

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
MODELS = ROOT / "models"
LOGS = ROOT / "var" / "log"
# what the model is made from: the configuration, the domain, the training data and the featurizer code
TRAINING_INPUTS = [ROOT / "config.yml", ROOT / "bot" / "domain", ROOT / "data" / "nlu", ROOT / "data" / "rules",
                   ROOT / "bot" / "nlu.py"]


TOKEN_FILE = ROOT / "var" / "rasa_token"


def rasa_token() -> str:
    """The token of Rasa's HTTP API: COACH_RASA_TOKEN, else one generated on first use and kept in
    var/rasa_token (readable by its owner only; var/ is never committed)."""
    env = os.environ.get("COACH_RASA_TOKEN", "").strip()
    if env:
        return env
    if TOKEN_FILE.exists():
        return TOKEN_FILE.read_text().strip()
    TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    fd = os.open(TOKEN_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
    return token


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
    """Train the model unless one for exactly this data and configuration exists; returns its path."""
    target = model_file()
    if target.exists() and not force:
        return target
    MODELS.mkdir(exist_ok=True)
    cmd = [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "bot/domain",
           "--data", "data/nlu", "data/rules", "--out", str(MODELS), "--fixed-model-name", target.name[:-7]]
    started = time.monotonic()
    print(f"==> training the Rasa model ({target.name}); this takes a minute or two", file=sys.stderr)
    out = subprocess.run(cmd, cwd=ROOT, env=_env({}), capture_output=quiet, text=True)
    if out.returncode != 0 or not target.exists():
        tail = (out.stderr or "")[-3000:] if quiet else ""
        raise RuntimeError(f"rasa train failed (exit {out.returncode}); run `{' '.join(cmd)}` to see why\n{tail}")
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


# The panel listens on loopback only, sends no usage statistics, and never shows a traceback in the browser
# (the pages explain errors in words; the details go to var/log/panel-*.log).
PANEL_FLAGS = ("--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--client.showErrorDetails", "none",
               "--client.toolbarMode", "minimal", "--server.maxUploadSize", "5")


class Servers:
    """The action server and the Rasa server, started for real, stopped on exit.

    with Servers(database_url=...) as s: requests.post(s.rasa_url + "/webhooks/rest/webhook", ...)
    """

    def __init__(self, *, database: str | None = None, rasa_port: int = 5005, action_port: int = 5055,
                 token: str | None = None, model: Path | None = None, log_dir: Path = LOGS,
                 panel_port: int | None = None):
        self.database = database or database_url()
        self.rasa_port, self.action_port = rasa_port, action_port
        self.token = token or rasa_token()
        self.model = model
        self.log_dir = log_dir
        self.panel_port = panel_port  # None: no panel (the bot tests), else the Streamlit panel on this port
        self.procs: list[subprocess.Popen] = []

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    def env(self) -> dict:
        return _env({"DATABASE_URL": self.database, "COACH_ACTION_URL": self.action_url,
                     **tracker_env(self.database)})

    def start_actions(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"actions-{self.action_port}.log", "ab")
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(self.action_port)],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT))
        self._wait(f"http://127.0.0.1:{self.action_port}/health", "action server", self.procs[-1], log.name)
        # a first call waits until the detector and the standards are loaded, so no trainee's turn does
        warm = {"next_action": "action_customer_turn", "sender_id": "warm-up", "version": "3.6.2", "domain": {},
                "tracker": {"sender_id": "warm-up", "slots": {}, "events": [], "paused": False,
                            "latest_message": {"text": "", "intent": {}, "entities": []},
                            "latest_action_name": "action_listen", "active_loop": {}}}
        requests.post(self.action_url, json=warm, timeout=120)

    def start_rasa(self):
        model = self.model or train(quiet=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"rasa-{self.rasa_port}.log", "ab")
        self.procs.append(subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--enable-api", "--auth-token", self.token, "--model", str(model),
             "--endpoints", "endpoints.yml", "--credentials", "credentials.yml", "--interface", "127.0.0.1",
             "--port", str(self.rasa_port)],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT))
        self._wait(f"{self.rasa_url}/status?token={self.token}", "Rasa server", self.procs[-1], log.name,
                   timeout=180, ready=lambda r: r.ok and r.json().get("model_file"))
        # the first parse traces the model's graph (seconds); do it now rather than in a trainee's turn
        requests.post(f"{self.rasa_url}/model/parse", params={"token": self.token},
                      json={"text": "Good morning, how can I help?"}, timeout=120)

    @property
    def panel_url(self) -> str:
        return f"http://127.0.0.1:{self.panel_port}"

    def start_panel(self):
        """The Streamlit panel on loopback; it talks to Rasa with the token, the browser only to it."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"panel-{self.panel_port}.log", "ab")
        env = {**self.env(), "COACH_RASA_URL": self.rasa_url, "COACH_RASA_TOKEN": self.token}
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "trainer_ui.serve", *PANEL_FLAGS,
             "--server.port", str(self.panel_port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        self._wait(f"{self.panel_url}/_stcore/health", "panel", self.procs[-1], log.name, timeout=60)

    def _wait(self, url, what, proc, log_name, timeout=60, ready=lambda r: r.ok):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the {what} exited with {proc.returncode} while starting; see {log_name}")
            try:
                if ready(requests.get(url, timeout=2)):
                    return
            except requests.RequestException:  # not listening yet
                time.sleep(0.5)
                continue
            time.sleep(0.5)
        raise RuntimeError(f"the {what} did not answer {url.split('?')[0]} within {timeout} s; see {log_name}")

    def __enter__(self):
        try:
            self.start_actions()
            self.start_rasa()
            if self.panel_port:
                self.start_panel()
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
