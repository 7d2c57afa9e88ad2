"""The product's own words in Russian: every message the engine, the drill and every page of the panel
say through the catalogs has a Russian translation with the same placeholders, and dates follow the locale."""

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from coach.i18n import catalog, gettext, say

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_say": (2,), "t": (1,), "tr": (1,)}  # as babel.cfg documents: pybabel extract -k _say:2 -k t -k tr
# every page of the panel, and the engine's and drill's words
SOURCES = ["coach", "trainer_ui"]


def messages():
    """(file, message) of every literal message passed to the catalogs in SOURCES."""
    out = []
    for source in SOURCES:
        path = ROOT / source
        folder, only = (path, None) if path.is_dir() else (path.parent, path.name)
        for filename, _line, message, _comments, _context in extract_from_dir(
                folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            if only and filename != only:
                continue
            if isinstance(message, str) and message and "{" not in message[:1]:
                out.append((f"{source}/{filename}" if only is None else source, message))
    return out


MESSAGES = messages()


def test_the_messages_are_found():
    assert len(MESSAGES) > 100 and any(m == "Start practice" for _, m in MESSAGES)


@pytest.mark.parametrize("where, message", MESSAGES, ids=[m[:40] for _, m in MESSAGES])
def test_every_message_has_a_russian_translation_with_the_same_placeholders(where, message):
    ru = catalog("ru").get(message)
    assert ru, f"{where}: no Russian translation of {message!r} in coach/locale/ru/LC_MESSAGES/coach.po"
    assert set(re.findall(r"\{\w+\}", ru)) == set(re.findall(r"\{\w+\}", message)), (message, ru)


def test_english_is_the_message_itself_and_placeholders_are_filled():
    assert gettext("en", "Start practice") == "Start practice"
    assert gettext("ru", "Start practice") == "Начать тренировку"
    assert gettext("ru", "a message nobody translated") == "a message nobody translated"
    assert say("ru", "{n} of {all}", n=3, all=8) == "3 из 8"


def test_the_panel_shows_dates_in_the_persons_locale(monkeypatch):
    from trainer_ui import i18n

    monkeypatch.setattr(i18n, "language", lambda: "ru")
    assert re.sub(r"\s", " ", i18n.day(date(2026, 12, 6))) == "6 дек. 2026 г."  # CLDR puts narrow no-break spaces
    assert i18n.t("{n} of {all}", n=3, all=8) == "3 из 8" and i18n.bound()("Start practice") == "Начать тренировку"
    monkeypatch.setattr(i18n, "language", lambda: "en")
    assert i18n.day(date(2026, 12, 6)) == "Dec 6, 2026" and i18n.t("Start practice") == "Start practice"
