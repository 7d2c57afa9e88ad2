"""Which of the detector's languages a text is written in, from each language's common words (lexicons/<code>/
words.yml: common_words) and alphabet (language.yml: letters), so that a new language folder is recognised without
code. Two languages of one script (Russian and Ukrainian) write many words alike: those weigh the same for both,
and the words and letters of one language only decide."""

from __future__ import annotations

import functools

from coach.detect.context import MIN_COMMON_SHARE, foreign_letters, language_score, words_of
from coach.detect.lexicon import LEXICONS, load_lexicon

BASIC_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")  # the alphabet of a language whose language.yml names none


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


@functools.lru_cache(maxsize=None)
def rivals(code: str) -> tuple[tuple[frozenset, frozenset], ...]:
    """(common words, letters) of every other language: what a text in `code` must not look more like
    (context.looks_like_language)."""
    return tuple((load_lexicon(c).words.common_words, load_lexicon(c).letters) for c in languages() if c != code)


def _scores(text: str) -> dict[str, float]:
    words = words_of(text)
    return {code: language_score(words, load_lexicon(code).words.common_words, load_lexicon(code).letters)
            for code in languages()}


def guess_language(text: str, default: str = "en") -> str:
    """The language whose common words make up the largest share of the text's words, less the share of words
    with letters its alphabet lacks; `default` when none reaches the share the detector's own language check asks
    for (too short, emoji only, or a language the detector does not have). Of two languages that score the same,
    the first in languages() order."""
    shares = _scores(text)
    best = max(shares, key=shares.get, default=default)
    return best if shares.get(best, 0.0) >= MIN_COMMON_SHARE else default


def message_language(text: str) -> str:
    """The language of a message, as `coach tag` guesses it (its common words); a message too short for that
    («Доброе утро, Анна!», «Удачных выходных!», «Проверьте DNS») goes to the language whose alphabet holds most
    of its letters: of those that hold more than half of them, the one with the fewest letters of its script it
    lacks («Дякую, чекаю» has none Russian lacks; «Удачних вихідних» has "і"), then the one its common words
    favour, then the first; and is English when none does. A language whose language.yml names no alphabet (English)
    is taken here to write the basic Latin letters, so that a short Latin message («Check DNS») goes to it before a
    language that writes those and more (Swedish), and one with the letters only that one has («Hejdå!») does not."""
    guess = guess_language(text, default="")
    if guess:
        return guess
    letters = [c for c in text.lower() if c.isalpha()]
    scores = _scores(text)
    fits = []
    for k, code in enumerate(languages()):
        alphabet = load_lexicon(code).letters or BASIC_LATIN
        if alphabet and sum(c in alphabet for c in letters) * 2 > len(letters):
            fits.append((foreign_letters(text, alphabet), -scores[code], k, code))
    return min(fits)[-1] if fits else "en"

