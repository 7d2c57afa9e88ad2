"""Errors in plain words: a failure is shown on the page as what went wrong, never as a traceback (which goes
to the panel's log)."""

from __future__ import annotations

import contextlib
import logging

import streamlit as st

from coach import auth

log = logging.getLogger("trainer_ui")


def explain(exc: BaseException) -> str:
    from bot.client import PracticeError
    from coach.storage import StorageError

    if isinstance(exc, (PracticeError, StorageError, auth.AccessDenied)):
        return str(exc)
    from coach.sim import SimulationError
    from coach.standards import PackError

    if isinstance(exc, (SimulationError, PackError, ValueError)):
        return str(exc)
    return f"something went wrong ({exc.__class__.__name__}); the details are in the panel's log"


@contextlib.contextmanager
def shown(what: str = "", *, stop: bool = False):
    """Show a failure in plain words instead of a traceback; the traceback goes to the log. `stop`: the rest
    of the page needs what the block makes, so the page stops after the message."""
    try:
        yield
    except Exception as exc:  # st.stop / st.rerun are BaseExceptions and pass through
        log.exception("panel error %s", what)
        st.error((what + ": " if what else "") + explain(exc))
        if stop:
            st.stop()
