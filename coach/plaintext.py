"""What typed text may contain: no control characters (a terminal bell, ANSI escape sequences) and no bidi
overrides (U+202E turns the rest of a line around in the CLI, exports and spreadsheets). Line breaks and
tabs are fine. Every input path refuses such text with a message naming the character: the panel's
fields, the practice client, the Rasa input channel, the action, and the storage services."""

from __future__ import annotations

import re
import unicodedata

_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMES = {"\x07": "a terminal bell", "\x1b": "an escape, as in ANSI colour codes", "\x00": "a NUL byte",
          "\u202e": "a right-to-left override", "\u202d": "a left-to-right override"}


def unshowable(text: str) -> str | None:
    """None when `text` is plain, else what is wrong with it, in words."""
    m = _UNSHOWABLE.search(text or "")
    if m is None:
        return None
    ch = m.group()
    what = _NAMES.get(ch) or unicodedata.name(ch, "a control character").lower()
    return (f"contains U+{ord(ch):04X} ({what}) at character {m.start() + 1}, which cannot be shown as text; "
            f"remove it (it often comes with pasted text) and try again")
