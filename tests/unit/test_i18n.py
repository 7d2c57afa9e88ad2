"""The product's own words in Russian: every message the engine, the drill and every page of the panel
say through the catalogs has a Russian translation with the same placeholders (a message about a count: every
plural form Russian has), the award formula's explain texts too, and dates follow the locale."""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir

from coach.i18n import catalog, gettext, ngettext, plural_rule, plurals, say, say_n

ROOT = Path(__file__).resolve().parents[2]
# as babel.cfg documents: pybabel extract -k _say:2 -k _say_n:2,3 -k t -k tn:1,2 -k tr
KEYWORDS = {"_say": (2,), "_say_n": (2, 3), "t": (1,), "tn": (1, 2), "tr": (1,)}
# every page of the panel, and the engine's and drill's words
SOURCES = ["coach", "trainer_ui"]


def messages(plural=False):
    """(file, message) of every literal message passed to the catalogs in SOURCES; with plural, of every message
    about a count, as (singular, plural)."""
    out = []
    for source in SOURCES:
        path = ROOT / source
        folder, only = (path, None) if path.is_dir() else (path.parent, path.name)
        for filename, _line, message, _comments, _context in extract_from_dir(
                folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            if only and filename != only:
                continue
            where = f"{source}/{filename}" if only is None else source
            if plural and isinstance(message, tuple) and all(message):
                out.append((where, message))
            elif not plural and isinstance(message, str) and message and "{" not in message[:1]:
                out.append((where, message))
    return out


def placeholders(text):
    return set(re.findall(r"\{\w+\}", text))


MESSAGES = messages()
PLURALS = messages(plural=True)
FORMULA = yaml.safe_load((ROOT / "standards" / "award_formula.yml").read_text(encoding="utf-8"))
# the formula's explain texts are data: each one on one line is its message id (coach/recognition.py)
EXPLAIN = [(term, " ".join(body["explain"].split())) for term, body in FORMULA.items()
           if isinstance(body, dict) and "explain" in body]


def test_the_messages_are_found():
    assert len(MESSAGES) > 100 and any(m == "Start practice" for _, m in MESSAGES)
    assert ("coach/recognition.py", ("{n} session in {period}; at least {min} needed",
                                     "{n} sessions in {period}; at least {min} needed")) in PLURALS
    assert any(where == "trainer_ui/manager/award.py" for where, _ in PLURALS) and len(EXPLAIN) == 7


@pytest.mark.parametrize("where, message", MESSAGES, ids=[m[:40] for _, m in MESSAGES])
def test_every_message_has_a_russian_translation_with_the_same_placeholders(where, message):
    ru = catalog("ru").get(message)
    assert ru, f"{where}: no Russian translation of {message!r} in coach/locale/ru/LC_MESSAGES/coach.po"
    assert placeholders(ru) == placeholders(message), (message, ru)


def test_the_russian_catalog_says_how_many_plural_forms_and_which_a_number_takes():
    with (ROOT / "coach/locale/ru/LC_MESSAGES/coach.po").open(encoding="utf-8") as fh:
        header = fh.read(2000)
    assert '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && ' in header
    count, rule = plural_rule("ru")
    assert count == 3 and [rule(n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)] == \
        [2, 0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2]
    assert plural_rule("en")[0] == 2 and plural_rule("en")[1](1) == 0 and plural_rule("en")[1](0) == 1


@pytest.mark.parametrize("where, message", PLURALS, ids=[m[0][:40] for _, m in PLURALS])
def test_every_message_about_a_count_has_every_russian_plural_form_with_the_same_placeholders(where, message):
    singular, plural = message
    forms = plurals("ru").get(singular)
    assert forms, f"{where}: no Russian plural forms (msgstr[0..2]) of {singular!r} in coach/locale/ru/.../coach.po"
    assert len(forms) == plural_rule("ru")[0], (singular, forms)
    assert placeholders(singular) == placeholders(plural), message
    for form in forms:
        assert placeholders(form) == placeholders(plural), (plural, form)


def test_a_count_takes_its_russian_plural_form():
    said = [say_n("ru", "{n} session in {period}; at least {min} needed",
                  "{n} sessions in {period}; at least {min} needed", n, period="2026-10", min=8) for n in (1, 2, 5, 21)]
    assert said == ["1 сессия за 2026-10; нужно не меньше 8", "2 сессии за 2026-10; нужно не меньше 8",
                    "5 сессий за 2026-10; нужно не меньше 8", "21 сессия за 2026-10; нужно не меньше 8"]
    assert [ngettext("ru", "{n} track", "{n} tracks", n) for n in (1, 3, 11)] == \
        ["{n} направление", "{n} направления", "{n} направлений"]
    # English, and a message nobody translated: the singular for 1, the plural otherwise
    assert [say_n("en", "{n} session", "{n} sessions", n) for n in (0, 1, 2)] == ["0 sessions", "1 session",
                                                                                  "2 sessions"]
    assert say_n("ru", "{n} new thing", "{n} new things", 5) == "5 new things"
    assert say_n("ru", "{n} session", "{n} sessions", 1234, n="1 234") == "1 234 сессии"  # {n} given formatted
    assert "{n} session" not in catalog("ru")  # a message about a count is not a plain message


@pytest.mark.parametrize("term, text", EXPLAIN, ids=[term for term, _ in EXPLAIN])
def test_every_explain_text_of_the_award_formula_has_a_russian_translation(term, text):
    ru = catalog("ru").get(text)
    assert ru, f"standards/award_formula.yml: {term}.explain has no Russian translation in coach.po"
    assert placeholders(ru) == placeholders(text), (text, ru)


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
    assert re.sub(r"\s", " ", i18n.tn("{n} session", "{n} sessions", 1021)) == "1 021 сессия"  # the locale's digits
    monkeypatch.setattr(i18n, "language", lambda: "en")
    assert i18n.day(date(2026, 12, 6)) == "Dec 6, 2026" and i18n.t("Start practice") == "Start practice"


def test_a_language_is_named_in_itself_and_in_the_persons_language(monkeypatch):
    """The language pickers: a Russian-speaking person reads no English word in them."""
    from coach.i18n import language_name
    from trainer_ui import i18n

    assert [language_name(c) for c in ("en", "ru")] == ["English", "Русский (Russian)"]
    assert [language_name(c, "ru") for c in ("en", "ru")] == ["English (английский)", "Русский"]
    assert language_name("ru", "xx") == "Русский (Russian)", "a viewer's language CLDR does not know: English"
    monkeypatch.setattr(i18n, "language", lambda: "ru")
    names = i18n.language_names()
    monkeypatch.setattr(i18n, "language", lambda: "en")  # fixed when made, as a format_func needs
    assert names("en") == "English (английский)" and i18n.language_names()("ru") == "Русский (Russian)"
