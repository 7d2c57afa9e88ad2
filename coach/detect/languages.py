"""Which of the detector's languages a text is written in, from each language's common words (lexicons/<code>/
words.yml: common_words), so that a new language folder is recognised without code."""

from __future__ import annotations

import functools
import re

from coach.detect.lexicon import LEXICONS, load_lexicon

_WORDS = re.compile(r"[^\W\d_]+")
MIN_SHARE = 0.08  # the share of a language's common words below which a text is not taken to be in it


@functools.lru_cache(maxsize=None)
def languages() -> tuple[str, ...]:
    """The language codes the detector has a folder for, English first."""
    codes = sorted(p.name for p in LEXICONS.iterdir() if (p / "language.yml").is_file())
    return tuple(sorted(codes, key=lambda c: c != "en"))


def guess_language(text: str, default: str = "en") -> str:
    """The language whose common words make up the largest share of the text's words; `default` when none
    reaches MIN_SHARE (too short, emoji only, or a language the detector does not have)."""
    words = _WORDS.findall(text.lower())
    if not words:
        return default
    best, share = default, 0.0
    for code in languages():
        common = load_lexicon(code).words.common_words
        s = sum(1 for w in words if w in common) / len(words)
        if s > share:
            best, share = code, s
    return best if share >= MIN_SHARE else default
