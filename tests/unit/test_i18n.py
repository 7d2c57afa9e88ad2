"""The product's own words in every language with a catalog (coach/locale/<lang>/LC_MESSAGES/coach.po: Russian,
Ukrainian, Swedish, Latvian and any added later): every message the engine, the drill and every page of the panel
say through the catalogs has a translation with the same placeholders (a message about a count: every plural form
the language has, chosen by the rule Babel knows for it), the award formula's explain texts and the behaviours'
names too, and dates and numbers follow the locale. Russian, Ukrainian, Swedish and Latvian counts are checked by
example."""

import re
from datetime import date
from gettext import c2py
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural

from coach.behaviors import TAGS
from coach.i18n import LOCALE, catalog, gettext, ngettext, plural_rule, plurals, say, say_n

ROOT = Path(__file__).resolve().parents[2]
# as babel.cfg documents: pybabel extract -k _say:2 -k _say_n:2,3 -k t -k tn:1,2 -k tr
KEYWORDS = {"_say": (2,), "_say_n": (2, 3), "t": (1,), "tn": (1, 2), "tr": (1,)}
# every page of the panel, and the engine's and drill's words
SOURCES = ["coach", "trainer_ui"]
# every language with a catalog, found, not listed: a catalog added later is checked like these
LANGUAGES = sorted(path.parents[1].name for path in LOCALE.glob("*/LC_MESSAGES/coach.po"))


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


def po(language):
    return f"coach/locale/{language}/LC_MESSAGES/coach.po"


def each_language(cases):
    """(language, *case) for every catalog language and every case, for pytest's parametrize."""
    return [(language, *case) for language in LANGUAGES for case in cases]


MESSAGES = messages()
PLURALS = messages(plural=True)
FORMULA = yaml.safe_load((ROOT / "standards" / "award_formula.yml").read_text(encoding="utf-8"))
# the formula's explain texts are data: each one on one line is its message id (coach/recognition.py)
EXPLAIN = [(term, " ".join(body["explain"].split())) for term, body in FORMULA.items()
           if isinstance(body, dict) and "explain" in body]


def test_the_messages_and_the_catalogs_are_found():
    assert len(MESSAGES) > 100 and any(m == "Start practice" for _, m in MESSAGES)
    assert ("coach/recognition.py", ("{n} session in {period}; at least {min} needed",
                                     "{n} sessions in {period}; at least {min} needed")) in PLURALS
    assert any(where == "trainer_ui/manager/award.py" for where, _ in PLURALS) and len(EXPLAIN) == 7
    assert {"ru", "uk", "sv", "lv"} <= set(LANGUAGES) and "en" not in LANGUAGES  # English is the msgids themselves


@pytest.mark.parametrize("language, where, message", each_language(MESSAGES),
                         ids=[f"{lang}-{m[:40]}" for lang, _, m in each_language(MESSAGES)])
def test_every_message_has_a_translation_with_the_same_placeholders(language, where, message):
    translated_alike(language, message, f"{where}: no translation of {message!r}")


def translated_alike(language, text, missing):
    """The catalog of `language` translates `text`, with the same placeholders."""
    said = catalog(language).get(text)
    assert said, f"{missing} in {po(language)}"
    assert placeholders(said) == placeholders(text), (language, text, said)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_says_how_many_plural_forms_and_which_a_number_takes_as_babel_knows_them(language):
    with (ROOT / po(language)).open(encoding="utf-8") as fh:
        header = fh.read(2000)
    assert f'"Language: {language}\\n"' in header and '"Plural-Forms: nplurals=' in header, po(language)
    count, rule = plural_rule(language)
    known = get_plural(language)  # Babel's table of the languages' plural rules (from CLDR)
    assert count == known.num_plurals, (language, count, known)
    cldr = c2py(known.plural_expr)
    assert [rule(n) for n in range(1000)] == [cldr(n) for n in range(1000)], (language, known.plural_expr)
    # English: its two forms, without a catalog
    assert plural_rule("en")[0] == 2 and plural_rule("en")[1](1) == 0 and plural_rule("en")[1](0) == 1


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_russian_and_ukrainian_have_three_plural_forms_by_the_same_rule(language):
    with (ROOT / po(language)).open(encoding="utf-8") as fh:
        header = fh.read(2000)
    assert '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && ' in header
    count, rule = plural_rule(language)
    assert count == 3 and [rule(n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)] == \
        [2, 0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2]


@pytest.mark.parametrize("language, where, message", each_language(PLURALS),
                         ids=[f"{lang}-{m[0][:40]}" for lang, _, m in each_language(PLURALS)])
def test_every_message_about_a_count_has_every_plural_form_with_the_same_placeholders(language, where, message):
    singular, plural = message
    forms = plurals(language).get(singular)
    count = plural_rule(language)[0]
    assert forms, f"{where}: no plural forms (msgstr[0..{count - 1}]) of {singular!r} in {po(language)}"
    assert len(forms) == count, (language, singular, forms)
    assert placeholders(singular) == placeholders(plural), message
    for form in forms:
        assert placeholders(form) == placeholders(plural), (language, plural, form)
    assert singular not in catalog(language)  # a message about a count is not a plain message


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


def test_a_count_takes_its_ukrainian_plural_form():
    said = [say_n("uk", "{n} session in {period}; at least {min} needed",
                  "{n} sessions in {period}; at least {min} needed", n, period="2026-10", min=8)
            for n in (1, 2, 5, 11, 21, 22, 111)]
    assert said == ["1 сесія за 2026-10; потрібно щонайменше 8", "2 сесії за 2026-10; потрібно щонайменше 8",
                    "5 сесій за 2026-10; потрібно щонайменше 8", "11 сесій за 2026-10; потрібно щонайменше 8",
                    "21 сесія за 2026-10; потрібно щонайменше 8", "22 сесії за 2026-10; потрібно щонайменше 8",
                    "111 сесій за 2026-10; потрібно щонайменше 8"]
    assert [ngettext("uk", "{n} track", "{n} tracks", n) for n in (1, 3, 11)] == \
        ["{n} напрям", "{n} напрями", "{n} напрямів"]
    assert [say_n("uk", "{n} session", "{n} sessions", n) for n in (0, 1, 4, 5, 101)] == \
        ["0 сесій", "1 сесія", "4 сесії", "5 сесій", "101 сесія"]
    assert say_n("uk", "{n} new thing", "{n} new things", 5) == "5 new things"
    assert say_n("uk", "{n} session", "{n} sessions", 1234, n="1 234") == "1 234 сесії"  # {n} given formatted


def test_swedish_counts_dates_and_numbers_follow_the_swedish_catalog_and_locale(monkeypatch):
    """Swedish has two plural forms, and «samtal» (a session) reads the same in both; its dates and digits are
    CLDR's sv locale (Babel knows it, so coach.i18n.locale does not fall back to English)."""
    from coach.certificate import month_name
    from coach.i18n import locale, number
    from trainer_ui import i18n

    assert locale("sv") == "sv"
    assert [ngettext("sv", "{n} track", "{n} tracks", n) for n in (0, 1, 2, 21)] == \
        ["{n} områden", "{n} område", "{n} områden", "{n} områden"]
    assert [say_n("sv", "{n} session in {period}; at least {min} needed",
                  "{n} sessions in {period}; at least {min} needed", n, period="2026-10", min=8) for n in (1, 5)] == \
        ["1 samtal under 2026-10; minst 8 krävs", "5 samtal under 2026-10; minst 8 krävs"]
    assert say("sv", "{n} of {all}", n=3, all=8) == "3 av 8" and gettext("sv", "Start practice") == "Börja öva"
    monkeypatch.setattr(i18n, "language", lambda: "sv")
    assert i18n.day(date(2026, 12, 6)) == "6 dec. 2026"
    assert re.sub(r"\s", " ", i18n.count(1021)) == "1 021" and re.sub(r"\s", " ", number(1234.5, "sv")) == "1 234,5"
    assert re.sub(r"\s", " ", i18n.tn("{n} track", "{n} tracks", 1021)) == "1 021 områden"
    assert month_name("2026-11", "sv") == "November 2026"


def test_latvian_counts_dates_and_numbers_follow_the_latvian_catalog_and_locale(monkeypatch):
    """Latvian has three plural forms, by the rule of Babel's table for catalogs (babel.messages.plurals):
    «1 sesija» and «21 sesija», «2 sesijas» and «11 sesijas», «0 sesiju». CLDR's own categories for lv
    (Locale.plural_form) agree on 0, 1, 21, 2 and 5; they also count 10-20, 30, ... as "zero", which the
    catalog's rule, and so the panel, says with the plural («10 sesijas»). Dates and digits are CLDR's lv locale."""
    from babel import Locale

    from coach.certificate import month_name
    from coach.i18n import locale, number
    from trainer_ui import i18n

    with (ROOT / po("lv")).open(encoding="utf-8") as fh:
        header = fh.read(2000)
    assert '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);\\n"' in header
    count, rule = plural_rule("lv")
    assert count == 3 and [rule(n) for n in (0, 1, 2, 5, 10, 11, 12, 21, 22, 101, 111)] == \
        [2, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]
    cldr = Locale.parse("lv").plural_form
    assert [cldr(n) for n in (0, 1, 21, 2, 5)] == ["zero", "one", "one", "other", "other"]
    assert locale("lv") == "lv"
    assert [say_n("lv", "{n} session in {period}; at least {min} needed",
                  "{n} sessions in {period}; at least {min} needed", n, period="2026-10", min=8)
            for n in (0, 1, 2, 5, 11, 21, 111)] == \
        ["0 sesiju periodā 2026-10; vajag vismaz 8", "1 sesija periodā 2026-10; vajag vismaz 8",
         "2 sesijas periodā 2026-10; vajag vismaz 8", "5 sesijas periodā 2026-10; vajag vismaz 8",
         "11 sesijas periodā 2026-10; vajag vismaz 8", "21 sesija periodā 2026-10; vajag vismaz 8",
         "111 sesijas periodā 2026-10; vajag vismaz 8"]
    assert [ngettext("lv", "{n} track", "{n} tracks", n) for n in (0, 1, 2, 21)] == \
        ["{n} jomu", "{n} joma", "{n} jomas", "{n} joma"]
    assert say_n("lv", "{n} new thing", "{n} new things", 5) == "5 new things"
    assert say("lv", "{n} of {all}", n=3, all=8) == "3 no 8" and gettext("lv", "Start practice") == "Sākt treniņu"
    monkeypatch.setattr(i18n, "language", lambda: "lv")
    assert re.sub(r"\s", " ", i18n.day(date(2026, 12, 6))) == "2026. gada 6. dec."
    assert re.sub(r"\s", " ", i18n.count(1021)) == "1 021" and re.sub(r"\s", " ", number(1234.5, "lv")) == "1 234,5"
    assert re.sub(r"\s", " ", i18n.tn("{n} session", "{n} sessions", 1021)) == "1 021 sesija"
    assert re.sub(r"\s", " ", i18n.tn("{n} session", "{n} sessions", 1234)) == "1 234 sesijas"
    assert i18n.t("Start practice") == "Sākt treniņu" and i18n.bound()("Practise") == "Treniņš"
    assert month_name("2026-11", "lv") == "Novembris 2026"


@pytest.mark.parametrize("language, term, text", each_language(EXPLAIN),
                         ids=[f"{lang}-{term}" for lang, term, _ in each_language(EXPLAIN)])
def test_every_explain_text_of_the_award_formula_has_a_translation(language, term, text):
    translated_alike(language, text, f"standards/award_formula.yml: {term}.explain has no translation")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_behaviour_has_a_name_and_every_catalog_the_same_messages(language):
    """The behaviours' names are data (not extracted from the code): each catalog names every one; and no catalog
    lacks a message another one translates."""
    assert [tag for tag in TAGS if not catalog(language).get(tag)] == [], po(language)
    ours = set(catalog(language)) | set(plurals(language))
    for other in LANGUAGES:
        theirs = set(catalog(other)) | set(plurals(other))
        assert sorted(theirs - ours) == [], f"{po(language)} lacks messages {po(other)} translates"


def test_english_is_the_message_itself_and_placeholders_are_filled():
    assert gettext("en", "Start practice") == "Start practice"
    assert gettext("ru", "Start practice") == "Начать тренировку"
    assert gettext("uk", "Start practice") == "Почати тренування"
    assert gettext("ru", "a message nobody translated") == "a message nobody translated"
    assert gettext("uk", "a message nobody translated") == "a message nobody translated"
    assert say("ru", "{n} of {all}", n=3, all=8) == "3 из 8"
    assert say("uk", "{n} of {all}", n=3, all=8) == "3 з 8"


def test_the_panel_shows_dates_in_the_persons_locale(monkeypatch):
    from trainer_ui import i18n

    monkeypatch.setattr(i18n, "language", lambda: "ru")
    assert re.sub(r"\s", " ", i18n.day(date(2026, 12, 6))) == "6 дек. 2026 г."  # CLDR puts narrow no-break spaces
    assert i18n.t("{n} of {all}", n=3, all=8) == "3 из 8" and i18n.bound()("Start practice") == "Начать тренировку"
    assert re.sub(r"\s", " ", i18n.tn("{n} session", "{n} sessions", 1021)) == "1 021 сессия"  # the locale's digits
    monkeypatch.setattr(i18n, "language", lambda: "uk")
    assert re.sub(r"\s", " ", i18n.day(date(2026, 12, 6))) == "6 груд. 2026 р."
    assert i18n.t("{n} of {all}", n=3, all=8) == "3 з 8" and i18n.bound()("Start practice") == "Почати тренування"
    assert re.sub(r"\s", " ", i18n.tn("{n} session", "{n} sessions", 1021)) == "1 021 сесія"
    assert re.sub(r"\s", " ", i18n.tn("{n} session", "{n} sessions", 1234)) == "1 234 сесії"
    monkeypatch.setattr(i18n, "language", lambda: "en")
    assert i18n.day(date(2026, 12, 6)) == "Dec 6, 2026" and i18n.t("Start practice") == "Start practice"
    monkeypatch.setattr(i18n, "language", lambda: "xx")  # a language CLDR does not know: English dates and digits
    assert i18n.day(date(2026, 12, 6)) == "Dec 6, 2026" and i18n.count(1021) == "1,021"


def test_the_certificate_names_the_month_in_the_language():
    from coach.certificate import month_name

    assert month_name("2026-11", "ru") == "Ноябрь 2026" and month_name("2026-11", "uk") == "Листопад 2026"


def test_a_language_is_named_in_itself_and_in_the_persons_language(monkeypatch):
    """The language pickers: a Russian-speaking person reads no English word in them."""
    from coach.i18n import language_name
    from trainer_ui import i18n

    assert [language_name(c) for c in ("en", "ru", "uk")] == ["English", "Русский (Russian)", "Українська (Ukrainian)"]
    assert [language_name(c, "ru") for c in ("en", "ru")] == ["English (английский)", "Русский"]
    assert [language_name(c, "uk") for c in ("en", "ru", "uk")] == ["English (англійська)", "Русский (російська)",
                                                                     "Українська"]
    assert [language_name(c, "sv") for c in ("en", "uk", "sv")] == ["English (engelska)", "Українська (ukrainska)",
                                                                     "Svenska"]
    assert language_name("sv") == "Svenska (Swedish)"
    assert language_name("ru", "xx") == "Русский (Russian)", "a viewer's language CLDR does not know: English"
    monkeypatch.setattr(i18n, "language", lambda: "ru")
    names = i18n.language_names()
    monkeypatch.setattr(i18n, "language", lambda: "en")  # fixed when made, as a format_func needs
    assert names("en") == "English (английский)" and i18n.language_names()("ru") == "Русский (Russian)"
