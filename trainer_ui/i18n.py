"""The panel's own words in the signed-in person's language: the gettext catalogs of coach/locale (the English
text is the message id, coach/i18n.py reads them). Only the product's words go through `t` (and `tn`, for a count);
what a person typed is shown as typed (widgets.typed), never looked up or formatted here."""

from __future__ import annotations

import functools

import streamlit as st

from coach.i18n import language_name, locale, number, say, say_n


def language() -> str:
    """The signed-in person's language (their profile), English before anyone signs in."""
    user = st.session_state.get("user") or {}
    return user.get("language") or "en"


def t(message: str, **values) -> str:
    """`message` in the person's language, its {placeholders} filled with `values`."""
    return say(language(), message, **values)


def tn(singular: str, plural: str, n, /, **values) -> str:
    """A message about a count of `n` in the person's language, in the form n takes («1 сессия», «2 сессии»,
    «5 сессий»); {n} is n in the person's number format, the other {placeholders} are filled with `values`."""
    return say_n(language(), singular, plural, n, **{"n": count(n), **values})


def term(value: str) -> str:
    """A word of the product's vocabulary that comes from data (a track, a channel, a call event, an outcome, a
    mood band, a page's title) in the person's language; "hung_up" reads "hung up"."""
    return say(language(), value.replace("_", " "))


def day(when) -> str:
    """A date in the person's locale ("6 Dec 2026", «6 дек. 2026 г.», «6 груд. 2026 р.»), by Babel's CLDR data; in
    English's for a language CLDR does not know, as a count is (coach.i18n.locale)."""
    from babel.dates import format_date

    return format_date(when, format="medium", locale=locale(language()))


def count(n) -> str:
    """A count in the person's locale: 1,234 in English, 1 234 in Russian (where 1,234 would read as a fraction)."""
    return number(n, language())


def language_names():
    """A language's name as the person sees it (coach.i18n.language_name: «English (английский)» to a Russian
    speaker), their language fixed now: a widget's format_func, called outside the page's run too."""
    return functools.partial(language_name, viewer=language())


def bound():
    """`t` with the person's language fixed now: for a widget's format_func, which Streamlit may call outside
    the page's run (the tests' AppTest does), where the signed-in person is not known."""
    return functools.partial(say, language())
