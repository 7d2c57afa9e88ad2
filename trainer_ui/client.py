"""The panel's way to the practice server (Rasa): the client, and whether the server is there."""

from __future__ import annotations

import streamlit as st

from coach import settings


def practice_client():
    from bot.client import PracticeClient

    return PracticeClient(settings.current().rasa_url, token=settings.rasa_token())


@st.cache_data(ttl=10, show_spinner=False)
def practice_server_problem(url: str) -> str | None:
    """None when the practice server at `url` answers with its model loaded, else what is wrong and what to do
    (checked at most every 10 s per panel process)."""
    from bot.client import PracticeError

    try:
        practice_client().health()
    except PracticeError as exc:
        return str(exc)
    return None


def practice_server_banner():
    """A warning at the top of the practice pages when the practice server is not there."""
    problem = practice_server_problem(settings.current().rasa_url)
    if problem:
        st.warning(f"Practice is not available right now: {problem}. You can still choose a scenario, read "
                   f"your progress and the standards.", icon=":material/cloud_off:")
