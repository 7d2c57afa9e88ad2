"""The database as the pages use it: a reader, a unit of work, and downloads written to the audit log."""

from __future__ import annotations

import logging

import streamlit as st

from coach import resources
from trainer_ui.signin import USER

log = logging.getLogger("trainer_ui")


def reader():
    return resources.database().reader()


def uow():
    return resources.database().uow()


def audited(action: str, entity: str, entity_id=None, *, subject_id=None, after=None):
    """A download button's on_click that writes the export to the audit log (who took which personal data)."""
    def record():
        from coach.storage import services as sv

        who = st.session_state.get(USER) or {}
        try:
            with uow() as u:
                sv.audit(u, action, entity, entity_id, actor_id=who.get("id"), subject_id=subject_id, after=after)
                u.commit()
        except Exception:  # the download itself must not fail; the log says the audit entry is missing
            log.exception("could not audit %s", action)
    return record
