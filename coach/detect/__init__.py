"""Behaviour detection: staff reply -> behaviour tags with the spans that show why."""

from coach.detect.detector import MAX_CHARS, Detection, Detector, Evidence, build_nlp

__all__ = ["Detector", "Detection", "Evidence", "MAX_CHARS", "build_nlp", "shared_detector"]

_shared = {}


def shared_detector(extra_jargon=()):
    """One detector per jargon list for the process (building one takes about a second)."""
    key = tuple(sorted(extra_jargon))
    if key not in _shared:
        _shared[key] = Detector(extra_jargon=key)
    return _shared[key]
