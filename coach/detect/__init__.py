"""Behaviour detection: staff reply -> behaviour tags with the spans that show why."""

import hashlib
from pathlib import Path

from coach.detect.detector import MAX_CHARS, Detection, Detector, Evidence, build_nlp

__all__ = ["Detector", "Detection", "Evidence", "MAX_CHARS", "build_nlp", "shared_detector", "detector_version"]

_HERE = Path(__file__).parent


def detector_version() -> str:
    """Content hash of the detector's code, cue data and learned models (every .py, lexicon .yml and model below
    this folder):
    a scorecard depends on the detector as much as on the standards pack, so both versions are stored with it."""
    h = hashlib.sha256()
    files = [*_HERE.rglob("*.py"), *_HERE.glob("lexicons/*/*.yml"), *_HERE.glob("models/*.npz")]
    for path in sorted(files, key=lambda p: p.relative_to(_HERE).as_posix()):
        h.update(path.relative_to(_HERE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


_shared = {}


def shared_detector(extra_jargon=(), language="en"):
    """One detector per language and jargon list for the process (building one takes about a second)."""
    key = (language, tuple(sorted(extra_jargon)))
    if key not in _shared:
        _shared[key] = Detector(extra_jargon=key[1], language=language)
    return _shared[key]
