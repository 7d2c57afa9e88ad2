"""One practice session: the transcript with its findings, the scorecard, trainers' reviews beside the
machine's score, and, for the trainee who practised it, Retry from turn N. Open it as /session?id=N."""

import streamlit as st

from coach import auth
from coach.storage import NotFound
from coach.storage import services as sv
from trainer_ui import errors, records, signin, widgets
from trainer_ui.i18n import bound, t, term

user = signin.page("session", "Session")

raw = st.query_params.get("id")
if raw is None:
    with errors.shown(t("the sessions could not be listed")):
        with records.reader() as r:
            rows = sv.list_sessions(r, limit=20, **auth.session_scope(user))
        if not rows:
            widgets.empty(t("No sessions to show yet. Trainees' sessions appear here once they practise."))
        for row in rows:
            titled = widgets.scenario_title(row["scenario_id"])
            st.page_link("common/session.py", label=f"#{row['id']} · {row['name']} · {titled} · "
                         f"{row['started_at']:%Y-%m-%d %H:%M} · "
                         f"{t('score {n}', n=row['overall'] if row['overall'] is not None else '—')}",
                         query_params={"id": row["id"]})
    st.stop()

# a number that fits a database id, whatever the address says (40 digits overflowed the driver)
if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= sv.MAX_ID):
    st.error(t("That is not a session number; open a session from a list, or use ?id= and a number."))
    st.stop()
session_id = int(raw)

with records.reader() as r:
    try:
        detail = sv.session_detail(r, session_id)
    except NotFound:
        detail = None
# the same answer for "does not exist" and "not yours": nothing is learnt about other people's sessions
if detail is None or not auth.can_see_session(user, detail):
    st.error(t("Session {n} is not among the sessions you can see.", n=session_id))
    st.stop()

titled = widgets.scenario_title(detail["scenario_id"])
widgets.show(f"<b>{widgets.typed(detail['person'])}</b> · {widgets.typed(titled)} "
             f"({widgets.typed(term(detail['track'] or ''))}, {'★' * (detail['difficulty'] or 1)}) · "
             f"{term(detail['channel'])} · {detail['started_at']:%Y-%m-%d %H:%M} · {term(detail['status'])}")
if detail.get("retry_of_id"):
    st.page_link("common/session.py", label=t("Retry of session {session} from turn {turn}",
                                              session=detail["retry_of_id"], turn=detail["retry_from_seq"]),
                 query_params={"id": detail["retry_of_id"]})
widgets.scorecard(detail)
for rv in detail["reviews"]:
    with st.container(border=True):
        status = t("waits for a second approver") if rv["status"] == "awaiting" else term(rv["status"])
        widgets.show(f"<b>{t('Trainer review')}</b> ({status})"
                     + (": " + t("score set to <b>{score}</b> because", score=rv["overall_override"])
                        + f" {widgets.typed(rv['overall_reason'])}" if rv.get("overall_override") is not None else ""))
        if rv.get("comment"):
            widgets.show(f'<blockquote>{widgets.typed(rv["comment"])}</blockquote>')
        for v in rv["verdicts"]:
            if v["verdict"] != "agree":
                widgets.show(f"<small>{term(v['verdict'])} {widgets.typed(v['rule'])} "
                             f"({t('turn {n}', n=v['turn_seq'])}): {widgets.typed(v.get('reason') or '')}</small>")
st.subheader(t("Transcript"))
widgets.transcript(detail)

staff = [turn for turn in detail["turns"] if turn["speaker"] == "staff"]
if user["id"] == detail["person_id"] and staff and detail["channel"] != "drill" and detail["status"] != "active":
    st.subheader(t("Retry from a turn"))
    said, tr = {turn["seq"]: turn["text"] for turn in staff}, bound()
    pick = st.selectbox(t("Your reply"), list(said), key="session_retry_turn",
                        format_func=lambda s: tr("turn {n}", n=s) + f": {said[s][:80]}")
    if st.button(t("Retry from turn {n}", n=pick), key="session_retry", type="primary"):
        st.session_state.pop("practice", None)
        st.session_state["retry_request"] = {"session_id": detail["id"], "from_turn": pick}
        st.switch_page("trainee/practise.py")
