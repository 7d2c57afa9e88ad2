"""Review queue: scored transcripts to check. Agree with or reject each finding, add what the machine
missed, set the overall score with a reason, comment, approve. The machine's score stays visible; every
change is audited."""

from datetime import date, datetime, time, timedelta, timezone

import pandas as pd
import streamlit as st

from coach import auth, resources
from coach.storage import services as sv
from trainer_ui import errors, records, signin, widgets
from trainer_ui.i18n import bound, t, term

user = signin.page("review", "Review queue")
scope = auth.session_scope(user)
tr = bound()  # the person's language, for the format functions

with records.reader() as r:
    teams = {tm["id"]: tm["name"] for tm in sv.list_teams(r)}
    people = [p for p in sv.list_people(r, role="trainee")
              if "team_id" not in scope or p["team_id"] == scope["team_id"]]
if user["role"] == "trainer" and user.get("team_id") is None:
    st.warning(t("You are not in a team yet, so there is nothing to review. Ask an admin to put you in one."))
    st.stop()

with st.expander(t("Filters"), expanded=True):
    c = st.columns(3)
    if "team_id" in scope:
        team_id = scope["team_id"]
        c[0].text_input(t("Team"), teams.get(team_id, "—"), disabled=True, key="f_team_fixed")
    else:
        team_id = c[0].selectbox(t("Team"), [None, *teams], key="f_team",
                                 format_func=lambda i: tr("all teams") if i is None else teams[i])
    shown_people = [p for p in people if team_id is None or p["team_id"] == team_id]
    names = {p["id"]: p["name"] for p in shown_people}
    person_id = c[1].selectbox(t("Person"), [None, *names], key="f_person",
                               format_func=lambda i: tr("everyone") if i is None else names[i])
    scenario = c[2].selectbox(t("Scenario"), [None, *sorted(resources.scenarios())], key="f_scenario",
                              format_func=lambda s: widgets.scenario_title(s) if s else tr("all scenarios"))
    c = st.columns(3)
    status = c[0].selectbox(t("Review status"), ["unreviewed", "pending", "awaiting", "disputed", "approved", None],
                            key="f_status",
                            format_func=lambda s: tr("any") if s is None else tr("awaiting a second approver")
                            if s == "awaiting" else tr(s))
    lo, hi = c[1].slider(t("Score"), 0, 100, (0, 100), key="f_score")
    today = date.today()
    period = c[2].date_input(t("Practised between"), (today - timedelta(days=90), today), key="f_dates")

since = until = None
if isinstance(period, (tuple, list)) and len(period) == 2:
    since = datetime.combine(period[0], time(), tzinfo=timezone.utc)
    until = datetime.combine(period[1] + timedelta(days=1), time(), tzinfo=timezone.utc)

with errors.shown(t("the queue could not be loaded"), stop=True):
    with records.reader() as r:
        rows = sv.list_sessions(r, team_id=team_id, person_id=person_id, scenario_id=scenario,
                                status="completed", review_status=status, min_score=lo if lo > 0 else None,
                                max_score=hi if hi < 100 else None, since=since, until=until, limit=200)
    rows = [x for x in rows if x["person_id"] != user["id"]]  # nobody reviews their own sessions
    if not rows:
        widgets.empty(t("Nothing matches these filters. Widen the dates or the score range, or choose another "
                        "status."))
        st.stop()
    df = pd.DataFrame([{"session": x["id"], "person": x["name"], "team": teams.get(x["team_id"], ""),
                        "scenario": widgets.scenario_title(x["scenario_id"]),
                        "track": term(x["track"]) if x["track"] else x["track"],
                        "score": x["overall"], "outcome": term(x["outcome"]) if x["outcome"] else x["outcome"],
                        "practised": x["started_at"].strftime("%Y-%m-%d %H:%M")}
                       for x in rows])
    st.caption(t("{n} sessions (newest first). Select one to review it.", n=len(rows)))
    # the columns keep their keys (the tests read them); the reader sees their headers in their language
    headers = {"session": t("session"), "person": t("person"), "team": t("team"), "scenario": t("scenario"),
               "track": t("track"), "score": t("score"), "outcome": t("outcome"), "practised": t("practised")}
    event = st.dataframe(df, hide_index=True, on_select="rerun", selection_mode="single-row", key="queue",
                         width="stretch", height=min(400, 38 + 35 * len(df)),
                         column_config={k: st.column_config.Column(v) for k, v in headers.items()})
    # the selection comes from the browser: a row that is not in the list is ignored, never looked up
    picked = [i for i in (event.selection.rows if event is not None else [])
              if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(rows)]
    # the same choice without the grid, for the keyboard (and screen readers)
    labels = {x["id"]: f"#{x['id']} {x['name']}, {widgets.scenario_title(x['scenario_id'])}, "
              + t("score {n}", n=x["overall"])
              for x in rows}
    typed = st.selectbox(t("Or choose the session to review"), [None, *labels], key="review_pick",
                         format_func=lambda i: "—" if i is None else labels[i])
    chosen = rows[picked[0]]["id"] if picked else typed or st.session_state.get("review_session")
    if chosen is None:
        st.stop()
    st.session_state["review_session"] = chosen

detail = None
with errors.shown(t("session {id} could not be opened", id=chosen), stop=True):
    with records.reader() as r:
        detail = sv.session_detail(r, chosen)
if detail is None or not auth.can_see_session(user, detail) or detail["person_id"] == user["id"]:
    st.error(t("Session {id} is not one you can review.", id=chosen))
    st.stop()
card = detail["scorecard"]
mine = next((rv for rv in detail["reviews"] if rv["reviewer_id"] == user["id"] and rv["scorecard_id"] == card["id"]),
            None)
earlier = {v["finding_id"]: v for v in (mine or {}).get("verdicts", []) if v.get("finding_id")}

st.divider()
st.subheader(t("Session {id}", id=chosen))
titled = widgets.scenario_title(detail["scenario_id"])
widgets.show(f"<b>{widgets.typed(detail['person'])}</b>, {widgets.typed(titled)}")
widgets.scorecard(detail)
widgets.transcript(detail)

# four eyes: another reviewer's changed score waits for a second person (company setting review.four_eyes)
waiting = [rv for rv in detail["reviews"] if rv["status"] == "awaiting" and rv["reviewer_id"] != user["id"]
           and rv["scorecard_id"] == card["id"]]
if waiting:
    with records.reader() as r:
        names = {p["id"]: p["name"] for p in sv.list_people(r)}
for rv in waiting:
    with st.container(border=True):
        reviewer = names.get(rv["reviewer_id"], t("A trainer"))
        widgets.show(t("<b>{name}</b> changed the score from {before} to <b>{after}</b> because {reason}. "
                       "A change this large counts once a second trainer or a manager approves it.",
                       name=widgets.typed(reviewer), before=card["overall"], after=rv["overall_override"],
                       reason=widgets.typed(rv["overall_reason"])))
        if st.button(t("Approve this change"), key=f"approve_second_{rv['id']}", type="primary"):
            with errors.shown(t("the change was not approved")):
                with records.uow() as w:
                    sv.approve_review(w, rv["id"], approver_id=user["id"])
                    w.commit()
                st.success(t("Approved: the changed score now counts."))

st.subheader(t("Your review"))
verdicts = []
for f in detail["findings"]:
    prev = earlier.get(f["id"], {})
    where = t("turn {n}", n=f["turn_seq"]) if f["turn_seq"] is not None else t("whole session")
    quote = f" “{widgets.typed(f['span']['text'])}”" if f.get("span") else ""
    cols = st.columns([3, 1, 3])
    widgets.show(f"<b>{widgets.typed(f['rule'])}</b> ({where}){quote}<br>{widgets.typed(f['message'])}", where=cols[0])
    choice = cols[1].radio(t("Verdict"), ["agree", "reject"], key=f"v_{f['id']}", horizontal=True, format_func=tr,
                           index=1 if prev.get("verdict") == "reject" else 0, label_visibility="collapsed")
    reason = cols[2].text_input(t("Reason"), value=prev.get("reason") or "", key=f"r_{f['id']}",
                                placeholder=t("why the machine is wrong (needed to reject)"), max_chars=1000,
                                label_visibility="collapsed")
    verdicts.append({"finding_id": f["id"], "verdict": choice, "reason": reason or None})
if not detail["findings"]:
    st.caption(t("The machine found nothing wrong in this session."))

rules = sorted(r.id for r in resources.scorer(detail.get("language") or "en").pack.rules)
with st.expander(t("Add a finding the machine missed")):
    staff = [turn["seq"] for turn in detail["turns"] if turn["speaker"] == "staff"]
    added = st.multiselect(t("Standards missed"), rules, key="add_rules")
    add_turn = st.selectbox(t("At turn"), [None, *staff], key="add_turn",
                            format_func=lambda s: tr("the whole session") if s is None else tr("turn {n}", n=s))
    add_reason = st.text_input(t("Why"), key="add_reason", max_chars=1000)
    verdicts += [{"verdict": "add", "rule": rule, "turn_seq": add_turn, "reason": add_reason or None} for rule in added]

c = st.columns([1, 3])
earlier_score = (mine or {}).get("overall_override")
override = c[0].number_input(t("Overall score"), 0, 100,
                             value=card["overall"] if earlier_score is None else earlier_score, key="override")
override_reason = c[1].text_input(t("Reason for a changed score"), value=(mine or {}).get("overall_reason") or "",
                                  key="override_reason", max_chars=2000)
comment = st.text_area(t("Comment for the trainee"), value=(mine or {}).get("comment") or "", key="comment",
                       max_chars=4000)
st.caption(t("The machine's score was {score}; it stays on record beside yours.", score=card["overall"]))

buttons = st.columns(3)
for col, status_, label in ((buttons[0], "approved", ":material/check_circle: " + t("Approve")),
                            (buttons[1], "pending", ":material/save: " + t("Save as draft")),
                            (buttons[2], "disputed", ":material/warning: " + t("Dispute"))):
    if col.button(label, key=f"save_{status_}", type="primary" if status_ == "approved" else "secondary"):
        with errors.shown(t("the review was not saved")):
            with records.uow() as w:
                review_id = sv.record_review(w, session_id=chosen, reviewer_id=user["id"], verdicts=verdicts,
                                             overall_override=(int(override) if int(override) != card["overall"]
                                                               else None),
                                             overall_reason=override_reason or None, comment=comment or None,
                                             status=status_)
                w.commit()
            with records.reader() as r:
                saved = next(rv["status"] for rv in sv.session_detail(r, chosen)["reviews"] if rv["id"] == review_id)
            if saved == "awaiting":
                st.success(t("Review saved. The score changed by more than the company allows one person to "
                             "approve: it counts once another trainer or a manager approves it (four eyes)."))
            else:
                st.success(t("Review saved ({status}).", status=term(saved)))
            st.session_state.pop("review_session", None)
