"""Who is signed in to the panel: signing in and out, the idle time-out, and the role check every page
starts with (coach.auth decides; this keeps the person in Streamlit's session state)."""

from __future__ import annotations

import time

import streamlit as st

from coach import auth, settings
from trainer_ui.i18n import t, term

USER = "user"
SEEN = "seen_at"


def current_user() -> dict | None:
    user = st.session_state.get(USER)
    if user is None:
        return None
    seen = st.session_state.get(SEEN, 0.0)
    idle_minutes = settings.current().session_minutes  # signed out after this long unused
    if time.time() - seen > idle_minutes * 60:
        # said in the person's language, known only until sign_out() clears the session state
        reason = t("You were signed out after {n} minutes without use.", n=f"{idle_minutes:.0f}")
        sign_out()
        st.session_state["signed_out_reason"] = reason
        return None
    st.session_state[SEEN] = time.time()
    return user


def sign_in(user: dict):
    st.session_state[USER] = {k: user.get(k) for k in ("id", "name", "login", "role", "team_id", "language")}
    st.session_state[SEEN] = time.time()


def sign_out():
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def page(key: str, title: str) -> dict:
    """Every page starts here: the role check on the server side, whatever the navigation showed."""
    user = current_user()
    try:
        auth.require(user, key)
    except auth.AccessDenied as exc:
        st.error(f"{str(exc)[0].upper()}{str(exc)[1:]}.")
        st.stop()
    st.title(term(title))
    return user
