"""Behaviour detection: staff reply -> behaviour tags with the spans that show why."""

import hashlib
from pathlib import Path

from coach.detect.detector import MAX_CHARS, Detection, Detector, Evidence, build_nlp

__all__ = ["Detector", "Detection", "Evidence", "MAX_CHARS", "build_nlp", "shared_detector", "detector_version"]


def detector_version() -> str:
    """Content hash of the detector's code and word lists: a scorecard depends on the detector as
    much as on the standards pack, so both versions are stored with it."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]

_shared = {}


def shared_detector(extra_jargon=()):
    """One detector per jargon list for the process (building one takes about a second)."""
    key = tuple(sorted(extra_jargon))
    if key not in _shared:
        _shared[key] = Detector(extra_jargon=key)
    return _shared[key]
