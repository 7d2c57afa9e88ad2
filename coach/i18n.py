"""The product's own words in the languages it serves, from gettext catalogs read with Babel:
coach/locale/<lang>/LC_MESSAGES/coach.po (msgid: the English text, msgstr: the translation). A message without
a translation stays English. The .po files are read as they are (no compiled .mo to keep in step); adding a
language is adding its catalog. `pybabel extract -F babel.cfg -k _say:2 -o coach/locale/coach.pot .` lists the messages.
"""

from __future__ import annotations

import functools
from pathlib import Path

LOCALE = Path(__file__).parent / "locale"


@functools.lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, str]:
    """msgid -> translation of one language (empty for English or a language without a catalog)."""
    path = LOCALE / language / "LC_MESSAGES" / "coach.po"
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        messages = read_po(fh, locale=language)
    return {m.id: m.string for m in messages if m.id and m.string and not m.fuzzy}


def gettext(language: str, message: str) -> str:
    """`message` in `language`, or as it is when the catalog has no translation of it."""
    return catalog(language).get(message) or message


def say(language: str, message: str, **values) -> str:
    """`message` in `language`, its {placeholders} filled (the English text is the msgid); a message said without
    values is returned as it is."""
    text = gettext(language, message)
    return text.format(**values) if values else text
