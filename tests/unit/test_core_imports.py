"""The core (`coach`) imports neither Rasa nor Streamlit: the practice service, the simulator, the standards and
the storage are tested and used without either (ARCHITECTURE.md, the layers)."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import coach

ROOT = Path(__file__).resolve().parents[2]
ADAPTER_LIBRARIES = ("rasa", "rasa_sdk", "streamlit")


def test_no_core_module_loads_rasa_or_streamlit():
    modules = [m.name for m in pkgutil.walk_packages(coach.__path__, "coach.") if ".migrations" not in m.name]
    assert "coach.practice.sessions" in modules and "coach.practice.drill" in modules
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {ADAPTER_LIBRARIES!r})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [], f"the core loaded adapter libraries: {out.stdout}"
