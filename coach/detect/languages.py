"""Which of the detector's languages a text is written in, from each language's common words (lexicons/<code>/
words.yml: common_words), so that a new language folder is recognised without code."""

from __future__ import annotations

import functools

from coach.detect.context import MIN_COMMON_SHARE, common_share, words_of
from coach.detect.lexicon import LEXICONS, load_lexicon


@functools.lru_cache(maxsize=None)
def languages() -> tuple[str, ...]:
    """The language codes the detector has a folder for, English first."""
    codes = sorted(p.name for p in LEXICONS.iterdir() if (p / "language.yml").is_file())
    return tuple(sorted(codes, key=lambda c: c != "en"))


def language_name(code: str) -> str:
    """How a person picking a language sees it: its name in itself, and in English when that differs
    ("Русский (Russian)")."""
    lexicon = load_lexicon(code)
    return lexicon.native if lexicon.native == lexicon.name else f"{lexicon.native} ({lexicon.name})"


def guess_language(text: str, default: str = "en") -> str:
    """The language whose common words make up the largest share of the text's words; `default` when none
    reaches the share the detector's own language check asks for (too short, emoji only, or a language the
    detector does not have)."""
    words = words_of(text)
    shares = {code: common_share(words, load_lexicon(code).words.common_words) for code in languages()}
    best = max(shares, key=shares.get, default=default)
    return best if shares.get(best, 0.0) >= MIN_COMMON_SHARE else default


def message_language(text: str) -> str:
    """The language of a message, as `coach tag` guesses it (its common words); a message too short for that
    («Доброе утро, Анна!», «Удачных выходных!», «Проверьте DNS») goes to the language whose alphabet holds most
    of its letters, and is English when none does (the English lexicon names no alphabet)."""
    guess = guess_language(text, default="")
    if guess:
        return guess
    letters = [c for c in text.lower() if c.isalpha()]
    for code in languages():
        alphabet = load_lexicon(code).letters
        if alphabet and sum(c in alphabet for c in letters) * 2 > len(letters):
            return code
    return "en"
