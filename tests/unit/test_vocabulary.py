"""The product's words are defined once (coach/vocabulary.py): every layer uses that module's tuples, and no
module writes one of them out again, where it could drift from what the database accepts."""

import re
from pathlib import Path

from coach import vocabulary

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("coach", "bot", "trainer_ui", "ops")
FROZEN = ("coach/vocabulary.py", "coach/storage/migrations/")  # migrations keep the values they ran with


def test_the_layers_share_one_vocabulary():
    from coach import auth, recognition
    from coach.standards import pack
    from coach.storage import models

    assert models.ROLES is auth.ROLES is vocabulary.ROLES
    assert models.CHANNELS is recognition.CHANNELS is vocabulary.CHANNELS
    assert models.SEVERITIES is pack.SEVERITIES is vocabulary.SEVERITIES
    assert recognition.TRACKS is vocabulary.TRACKS
    assert set(vocabulary.CONVERSATION_CHANNELS) < set(vocabulary.CHANNELS)


def _written_out(words: tuple) -> re.Pattern:
    """A tuple or list literal of exactly these words, in this order, quoted either way."""
    quoted = r"\s*,\s*".join(rf"""["']{w}["']""" for w in words)
    return re.compile(rf"[\(\[]\s*{quoted}\s*,?\s*[\)\]]")


def test_no_module_writes_the_vocabulary_out_again():
    patterns = {name: _written_out(getattr(vocabulary, name))
                for name in ("ROLES", "CONVERSATION_CHANNELS", "CHANNELS", "TRACKS", "SEVERITIES")}
    found = []
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(FROZEN):
                continue
            text = path.read_text()
            found += [f"{rel}: {name}" for name, pattern in patterns.items() if pattern.search(text)]
    assert not found, f"import these from coach.vocabulary instead: {found}"
