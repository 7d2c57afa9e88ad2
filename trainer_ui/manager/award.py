"""Employee of the month: a ranking with the formula shown (it is data: standards/award_formula.yml), the
figures and transcripts behind each candidate, the manager's decision with a reason, winners' history,
and nomination packs (CSV) and certificates (PDF)."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from coach import recognition
from coach.storage import services as sv
from trainer_ui import errors, records, signin, widgets

user = signin.page("award", "Employee of the month")


@st.cache_resource(show_spinner=False)
def formula():
    return recognition.load_formula()


def months(n=6):
    y, m = date.today().year, date.today().month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(f"{y}-{m:02d}")
    return [f"{date.today():%Y-%m}"] + out  # this month so far, then the finished months, newest first


with errors.shown("the formula could not be loaded", stop=True):
    f = formula()
period = st.selectbox("Month", months(), index=1, key="award_period",
                      format_func=lambda p: p + (" (so far)" if p == f"{date.today():%Y-%m}" else ""))
with st.expander(f"How the ranking works ({f.version})", expanded=False):
    for line in recognition.explain(f):
        st.markdown(f"- {line}")
    st.caption("The ranking only proposes: the manager decides, with a reason, and the decision is audited.")

with errors.shown("the ranking could not be computed", stop=True):
    with records.reader() as r:
        candidates = recognition.rank(r, period, f)
        history = recognition.winners(r)
    decided = next((w for w in history if w["period"] == period), None)
    eligible = [c for c in candidates if c.eligible]
    if not candidates:
        widgets.empty(f"Nobody practised in {period}. Pick another month.")
        st.stop()

    st.subheader(f"Ranking for {period}")
    df = pd.DataFrame([{"rank": c.rank, "name": c.name, "team": c.team, "sessions": c.sessions,
                        "tracks": ", ".join(c.tracks), "mean": c.mean_raw, "difficulty-adjusted": c.mean_adjusted,
                        "after variety guard": c.weighted_mean, "after small-sample correction": c.shrunk,
                        "improvement": c.improvement, "final": c.final,
                        "eligible": "yes" if c.eligible else f"no: {c.reason}"} for c in candidates])
    st.dataframe(df, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(df)))
    if eligible:
        top = pd.DataFrame([{"name": c.name, "part": part, "points": v} for c in eligible[:10] for part, v in
                            (("small-sample corrected mean", c.shrunk), ("improvement", c.improvement))])
        st.altair_chart(alt.Chart(top).mark_bar().encode(
            x=alt.X("sum(points):Q", title="final score"), y=alt.Y("name:N", sort="-x", title=None),
            color=alt.Color("part:N", title=None), tooltip=["name", "part", "points"]).properties(
            height=28 * min(10, len(eligible)) + 40), width="stretch")
    st.download_button("Nomination pack for everyone (CSV)", recognition.nomination_csv(candidates),
                       file_name=f"nominations-{period}.csv", mime="text/csv", key="csv_all",
                       on_click=records.audited("nomination.export", "award_period", after={
                           "period": period, "people": [c.person_id for c in candidates]}))

    st.subheader("Candidates")
    for c in eligible[:10]:
        with st.expander(f"#{c.rank} {widgets.typed(c.name, label=True)} "
                         f"({widgets.typed(c.team or 'no team', label=True)}): {c.final}"):
            fig = c.figures()
            st.markdown(f"{c.sessions} sessions in {', '.join(c.tracks)}; mean {c.mean_raw}, adjusted "
                        f"{c.mean_adjusted}, corrected {c.shrunk} (company mean {c.prior}); improvement "
                        f"{c.improvement:+}" + (f" ({c.improvement_note})" if c.improvement_note else ""))
            if c.farming:
                widgets.show(f"<small>Most practised: {widgets.typed(c.farming.get('scenario'))} "
                        f"({c.farming.get('share', 0):.0%} of sessions)</small>")
            links = st.columns(6)
            for i, sid in enumerate(c.session_ids[:18]):
                links[i % 6].page_link("common/session.py", label=f"#{sid}", query_params={"id": sid})
            if len(c.session_ids) > 18:
                st.caption(f"... and {len(c.session_ids) - 18} more in the CSV")
            cc = st.columns(2)
            cc[0].download_button("Nomination pack (CSV)", recognition.nomination_csv([c]),
                                  file_name=f"nomination-{period}-{c.person_id}.csv", mime="text/csv",
                                  key=f"csv_{c.person_id}", on_click=records.audited(
                                      "nomination.export", "person", c.person_id, subject_id=c.person_id,
                                      after={"period": period}))
            if cc[1].button("Prepare a certificate (PDF)", key=f"pdf_{c.person_id}"):
                from coach.certificate import certificate_pdf

                st.session_state["certificate"] = (c.person_id, certificate_pdf(
                    c.name, period, c.team, fig, "Nominated for employee of the month", user["name"]))
            pdf = st.session_state.get("certificate")
            if pdf and pdf[0] == c.person_id:
                cc[1].download_button("Download the certificate", pdf[1],
                                      file_name=f"certificate-{period}-{c.person_id}.pdf",
                                      mime="application/pdf", key=f"pdf_dl_{c.person_id}")

    st.subheader("Decision")
    if decided:
        st.success(f"Decided: the person below is the employee of the month for {period}.")
        widgets.show(f"<b>{widgets.typed(decided['name'])}</b> is the employee of the month for {period}, chosen by "
                f"{widgets.typed(decided['decided_by'])}: {widgets.typed(decided['reason'])}")
        if st.button("Winner's certificate (PDF)", key="winner_pdf"):
            from coach.certificate import certificate_pdf

            st.session_state["winner_pdf"] = certificate_pdf(decided["name"], period, decided["team"],
                                                             decided["figures"], decided["reason"],
                                                             decided["decided_by"])
        if st.session_state.get("winner_pdf"):
            st.download_button("Download the winner's certificate", st.session_state["winner_pdf"],
                               file_name=f"employee-of-the-month-{period}.pdf", mime="application/pdf", key="winner_dl")
    elif not eligible:
        widgets.empty(f"Nobody is eligible for {period} yet: see the reasons in the ranking.")
    elif period == f"{date.today():%Y-%m}":
        st.info("This month is not over yet; decide once it is.")
    else:
        by_id = {c.person_id: c for c in eligible}
        choice = by_id[st.selectbox("Winner", list(by_id), key="award_pick",
                                    format_func=lambda i: f"#{by_id[i].rank} {by_id[i].name} ({by_id[i].final})")]
        reason = st.text_area("Reason (shown to the team and kept with the figures)", key="award_reason",
                              max_chars=4000)
        if choice.rank != 1:
            st.warning(f"You are choosing #{choice.rank} over #{eligible[0].rank} "
                       f"{widgets.typed(eligible[0].name, label=True)}; say why in the reason.")
        if st.button("Record the decision", key="award_decide", type="primary"):
            with errors.shown("the decision was not recorded"):
                if not reason.strip():
                    raise ValueError("write the reason for the choice; it is shown with the award")
                with records.uow() as w:
                    sv.record_award(w, period=period, person_id=choice.person_id, decided_by=user["id"],
                                    reason=reason, formula_version=f.version, figures=choice.figures())
                    w.commit()
                st.success(f"Recorded: the employee of the month for {period}.")
                st.rerun()

st.subheader("Winners so far")
if history:
    st.dataframe(pd.DataFrame([{"month": w["period"], "winner": w["name"], "team": w["team"], "reason": w["reason"],
                                "decided by": w["decided_by"], "formula": w["formula_version"]} for w in history]),
                 hide_index=True, width="stretch")
else:
    widgets.empty("No employee of the month chosen yet.")
