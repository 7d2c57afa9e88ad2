"""The product's own words in the languages it serves, from gettext catalogs read with Babel:
coach/locale/<lang>/LC_MESSAGES/coach.po (msgid: the English text, msgstr: the translation). A message without
a translation stays English. The .po files are read as they are (no compiled .mo to keep in step); adding a
language is adding its catalog.

A count is said with `say_n(language, singular, plural, n)` (gettext's ngettext): the catalog's entry has a
msgid_plural and one msgstr[i] per plural form of the language, and its `Plural-Forms` header says which form a
number takes (Russian: «1 сессия», «2 сессии», «5 сессий», «21 сессия»).
`pybabel extract -F babel.cfg -k _say:2 -k _say_n:2,3 -k t -k tn:1,2 -k tr -o coach/locale/coach.pot .` lists the
messages (the keywords babel.cfg documents).
"""

from __future__ import annotations

import functools
import gettext as _gettext
from pathlib import Path

LOCALE = Path(__file__).parent / "locale"


@functools.lru_cache(maxsize=None)
def _read(language: str):
    """The Babel catalog of one language, None for English or a language without a catalog."""
    path = LOCALE / language / "LC_MESSAGES" / "coach.po"
    if not path.is_file():
        return None
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh, locale=language)


@functools.lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, str]:
    """msgid -> translation of one language (empty for English or a language without a catalog); the messages
    said with a count are in `plurals`."""
    messages = _read(language) or ()
    return {m.id: m.string for m in messages
            if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}


@functools.lru_cache(maxsize=None)
def plurals(language: str) -> dict[str, tuple[str, ...]]:
    """singular msgid -> the translation's plural forms (msgstr[0], msgstr[1], ...), for the messages with a
    msgid_plural whose every form the language needs is translated."""
    messages = _read(language)
    if messages is None:
        return {}
    return {m.id[0]: tuple(m.string) for m in messages
            if isinstance(m.id, tuple) and not m.fuzzy and len(m.string) == messages.num_plurals and all(m.string)}


@functools.lru_cache(maxsize=None)
def plural_rule(language: str):
    """(number of forms, n -> the index of the form n takes), from the catalog's Plural-Forms header (Babel
    falls back to its own table for a catalog without one); English's two forms without a catalog."""
    messages = _read(language)
    if messages is None:
        return 2, lambda n: int(n != 1)
    return messages.num_plurals, _gettext.c2py(messages.plural_expr)


@functools.lru_cache(maxsize=None)
def locale(language: str) -> str:
    """The locale of `language`'s numbers and dates for Babel: the language itself, or English for one CLDR does
    not know."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        return "en"
    return language


def number(x, language: str) -> str:
    """A number in the language's format (Babel's CLDR data): 1,234.5 in English, «1 234,5» in Russian."""
    from babel.numbers import format_decimal

    return format_decimal(x, locale=locale(language))


def language_name(code: str, viewer: str = "en") -> str:
    """How a person whose language is `viewer` sees the language `code` in a picker: its name in itself, and in
    the viewer's language when that differs: "Русский (Russian)" and "English" to an English speaker, «Русский»
    and «English (английский)» to a Russian one. The name in the viewer's language is CLDR's (Babel); a viewer
    CLDR does not know reads the English one (coach.detect.languages.language_name, from the lexicons)."""
    from babel import Locale

    from coach.detect.languages import language_name as in_english
    from coach.detect.lexicon import load_lexicon

    native = load_lexicon(code).native
    if viewer == code:
        return native
    theirs = Locale.parse(locale(viewer)).languages.get(code) if locale(viewer) != "en" else None
    if not theirs:
        return in_english(code)
    return native if native.casefold() == theirs.casefold() else f"{native} ({theirs})"


def gettext(language: str, message: str) -> str:
    """`message` in `language`, or as it is when the catalog has no translation of it."""
    return catalog(language).get(message) or message


def ngettext(language: str, singular: str, plural: str, n: int) -> str:
    """The form of the message a count of `n` takes in `language`: the catalog's msgstr[i] for the form the
    language's plural rule gives n, or the English singular (n == 1) or plural when there is no translation."""
    forms = plurals(language).get(singular)
    if forms:
        _count, rule = plural_rule(language)
        index = rule(abs(int(n)))
        if 0 <= index < len(forms):
            return forms[index]
    return singular if n == 1 else plural


def say(language: str, message: str, **values) -> str:
    """`message` in `language`, its {placeholders} filled (the English text is the msgid); a message said without
    values is returned as it is."""
    text = gettext(language, message)
    return text.format(**values) if values else text


def say_n(language: str, singular: str, plural: str, n: int, /, **values) -> str:
    """A message about a count of `n` in `language`, in the form n takes, its {placeholders} filled; {n} is n
    unless `values` give it (a number formatted for the locale)."""
    return ngettext(language, singular, plural, n).format(**{"n": n, **values})
