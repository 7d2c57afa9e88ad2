"""The payload guard is plain Python: the action server imports it (and the actions that use it) without
loading Rasa's server modules."""

import subprocess
import sys
from pathlib import Path

from bot.payload_guard import PAYLOAD_GUARD, neutralise, restore

ROOT = Path(__file__).resolve().parents[2]


def _rasa_modules_after(module: str) -> list[str]:
    code = (f"import sys, {module}; "
            f"print(' '.join(m for m in sys.modules if m == 'rasa' or m.startswith('rasa.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_importing_the_guard_loads_no_rasa_module():
    assert _rasa_modules_after("bot.payload_guard") == []


def test_the_actions_use_the_guard_without_loading_rasa():
    assert _rasa_modules_after("bot.actions.practice") == []


def test_a_slash_message_is_marked_and_the_mark_comes_off_again():
    assert neutralise("/end_practice") == PAYLOAD_GUARD + "/end_practice"
    assert neutralise("  /start{}") == PAYLOAD_GUARD + "  /start{}"
    assert neutralise("Good morning") == "Good morning" and neutralise(None) is None
    assert restore(neutralise("/end_practice")) == "/end_practice" and restore(None) == ""
