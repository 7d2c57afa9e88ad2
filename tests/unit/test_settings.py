"""The settings (coach/settings.py): one typed model of the environment, read when first needed, never at import;
defaults as the README's table says; a bad value refused with its variable and what would be right."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach import settings
from coach.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_the_defaults_are_the_documented_ones():
    s = Settings.from_environ({})
    assert s.database_url == f"sqlite:///{ROOT / 'var' / 'coach.db'}"
    assert (s.bind, s.reach, s.panel_port, s.rasa_port, s.action_port) == ("127.0.0.1", "127.0.0.1", 8501, 5005, 5055)
    assert s.rasa_url == "http://127.0.0.1:5005"
    assert s.action_url == "http://127.0.0.1:5055/webhook"
    assert (s.rasa_token, s.action_token, s.redis_url, s.model) == (None, None, None, None)
    assert (s.session_minutes, s.password_rounds, s.sign_in_address_limit) == (30, 12, 0)


def test_every_variable_of_the_readme_is_a_setting():
    readme = (ROOT / "README.md").read_text()
    for name in settings.ENV_NAMES:
        assert f"`{name}`" in readme, f"{name} is not in the README's table of settings"


def test_values_from_the_environment_are_typed_and_the_urls_follow_the_bind_address_and_ports():
    s = Settings.from_environ({"COACH_BIND": "0.0.0.0", "COACH_RASA_PORT": " 6005 ", "COACH_ACTION_PORT": "6055",
                               "COACH_SESSION_MINUTES": "5", "COACH_PANEL_PORT": "", "COACH_RASA_TOKEN": "t0ken",
                               "DATABASE_URL": "postgres://coach@db/coach"})
    assert s.rasa_port == 6005 and s.panel_port == 8501, "blank means the default"
    assert s.reach == "127.0.0.1", "0.0.0.0 listens everywhere and is reached on loopback"
    assert (s.rasa_url, s.action_url) == ("http://127.0.0.1:6005", "http://127.0.0.1:6055/webhook")
    assert s.session_minutes == 5
    assert s.database_url == "postgresql://coach@db/coach", "the Heroku spelling SQLAlchemy no longer accepts"
    assert "t0ken" not in repr(s) and s.rasa_token.get_secret_value() == "t0ken", "tokens never show in a repr"
    given = Settings.from_environ({"COACH_RASA_URL": "http://balancer:80/", "COACH_ACTION_URL": "http://a/webhook"})
    assert (given.rasa_url, given.action_url) == ("http://balancer:80", "http://a/webhook")


@pytest.mark.parametrize("env, value, message", [
    ("COACH_RASA_PORT", "fifty", "COACH_RASA_PORT='fifty' is not a port; give a number between 1 and 65535, e.g. 5005"),
    ("COACH_PANEL_PORT", "70000", "COACH_PANEL_PORT='70000' is not a port; give a number between 1 and 65535, "
                                  "e.g. 8501"),
    ("COACH_SESSION_MINUTES", "0", "COACH_SESSION_MINUTES='0'; give a whole number of minutes, e.g. 30"),
    ("COACH_BCRYPT_ROUNDS", "6", "COACH_BCRYPT_ROUNDS='6'; give the bcrypt cost, a whole number from 10 to 16, "
                                 "e.g. 12"),
    ("COACH_SIGNIN_ADDRESS_LIMIT", "-3", "COACH_SIGNIN_ADDRESS_LIMIT='-3'; give a whole number of failed sign-ins"),
])
def test_a_bad_value_names_the_variable_and_what_would_be_right(env, value, message):
    with pytest.raises(SettingsError) as exc:
        Settings.from_environ({env: value})
    assert str(exc.value).startswith(message)


def test_every_bad_value_is_reported_at_once():
    with pytest.raises(SettingsError) as exc:
        Settings.from_environ({"COACH_RASA_PORT": "x", "COACH_BCRYPT_ROUNDS": "99"})
    assert str(exc.value).splitlines() == [
        "COACH_RASA_PORT='x' is not a port; give a number between 1 and 65535, e.g. 5005",
        "COACH_BCRYPT_ROUNDS='99'; give the bcrypt cost, a whole number from 10 to 16, e.g. 12"]


def test_current_follows_the_environment_and_reuses_what_it_read(monkeypatch):
    monkeypatch.setenv("COACH_SESSION_MINUTES", "7")
    first = settings.current()
    assert first.session_minutes == 7 and settings.current() is first, "read once while nothing changes"
    monkeypatch.setenv("COACH_SESSION_MINUTES", "8")
    assert settings.current().session_minutes == 8, "a changed variable (.env read by coach up, a test) counts"
    monkeypatch.setenv("COACH_SESSION_MINUTES", "never")
    with pytest.raises(SettingsError, match="COACH_SESSION_MINUTES='never'"):
        settings.current()


def test_a_token_given_in_the_environment_is_used_as_it_is(monkeypatch):
    monkeypatch.setenv("COACH_ACTION_TOKEN", "given-token")
    assert settings.action_token() == "given-token"


def test_nothing_reads_the_environment_or_starts_a_thread_at_import():
    """Bad values everywhere, and still every module of the product imports: settings are read when used."""
    bad = {name: "not a good value" for name in settings.ENV_NAMES if name != "DATABASE_URL"}
    code = ("import threading\n"
            "import coach.settings, coach.auth, coach.cli, coach.storage.db, coach.resources, ops.run, ops.servers\n"
            "import bot.action_server, bot.actions, bot.rasa_server, trainer_ui.serve\n"
            "import trainer_ui.client, trainer_ui.errors, trainer_ui.records, trainer_ui.signin, trainer_ui.widgets\n"
            "extra = [t.name for t in threading.enumerate() if t is not threading.main_thread()]\n"
            "assert not extra, extra\n"
            "from coach import settings\n"
            "try:\n"
            "    settings.current()\n"
            "except settings.SettingsError as exc:\n"
            "    print(exc)\n")
    env = {**os.environ, **bad, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "COACH_RASA_PORT='not a good value' is not a port" in done.stdout, "read when asked for"


def test_the_var_folder_is_a_setting_and_the_sqlite_default_follows_it(tmp_path):
    """COACH_VAR moves the SQLite file, the logs and the tokens together (the tests run in their own)."""
    there = settings.Settings.from_environ({"COACH_VAR": str(tmp_path / "coach")})
    assert there.var == tmp_path / "coach"
    assert there.database_url == f"sqlite:///{tmp_path / 'coach' / 'coach.db'}"
    default = settings.Settings.from_environ({})
    assert default.var == settings.ROOT / "var" and default.database_url == f"sqlite:///{settings.ROOT}/var/coach.db"
    given = settings.Settings.from_environ({"COACH_VAR": str(tmp_path), "DATABASE_URL": "postgresql://u@localhost/c"})
    assert given.database_url == "postgresql://u@localhost/c"
    assert settings.var_dir() != settings.ROOT / "var", "the tests write into the checkout's var/"


def test_a_token_beginning_with_a_dash_reaches_rasa_as_the_token(monkeypatch):
    """token_urlsafe begins with "-" once in 64 tokens; `rasa run -t -abc` stopped with "expected one argument"."""
    from rasa.__main__ import create_argument_parser

    from bot import rasa_server

    monkeypatch.setenv("COACH_RASA_TOKEN", "-Xy_9-token")
    args = create_argument_parser().parse_args(rasa_server.argv("models/m.tar.gz")[1:])
    assert args.auth_token == "-Xy_9-token" and args.model == "models/m.tar.gz" and args.enable_api
