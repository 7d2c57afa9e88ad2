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
from trainer_ui.i18n import bound, language, t, term, tn

user = signin.page("award", "Employee of the month")
tr = bound()  # the person's language, for the format functions


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


with errors.shown(t("the formula could not be loaded"), stop=True):
    f = formula()
period = st.selectbox(t("Month"), months(), index=1, key="award_period",
                      format_func=lambda p: tr("{month} (so far)", month=p) if p == f"{date.today():%Y-%m}" else p)
with st.expander(t("How the ranking works ({version})", version=f.version), expanded=False):
    for line in recognition.explain(f, language()):  # the formula file's texts, in the person's language
        st.markdown(f"- {line}")
    st.caption(t("The ranking only proposes: the manager decides, with a reason, and the decision is audited."))

with errors.shown(t("the ranking could not be computed"), stop=True):
    with records.reader() as r:
        candidates = recognition.rank(r, period, f, language=language())
        history = recognition.winners(r)
    decided = next((w for w in history if w["period"] == period), None)
    eligible = [c for c in candidates if c.eligible]
    if not candidates:
        widgets.empty(t("Nobody practised in {period}. Pick another month.", period=period))
        st.stop()

    st.subheader(t("Ranking for {period}", period=period))
    # the reason a person is not eligible comes from the ranking (coach.recognition), in the person's language
    df = pd.DataFrame([{t("rank"): c.rank, t("name"): c.name, t("team"): c.team, t("sessions"): c.sessions,
                        t("tracks"): ", ".join(term(x) for x in c.tracks), t("mean"): c.mean_raw,
                        t("difficulty-adjusted"): c.mean_adjusted, t("after variety guard"): c.weighted_mean,
                        t("after small-sample correction"): c.shrunk, t("improvement"): c.improvement,
                        t("final"): c.final,
                        t("eligible"): t("yes") if c.eligible else t("no: {reason}", reason=c.reason)}
                       for c in candidates])
    st.dataframe(df, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(df)))
    if eligible:
        top = pd.DataFrame([{"name": c.name, "part": part, "points": v} for c in eligible[:10] for part, v in
                            ((t("small-sample corrected mean"), c.shrunk), (t("improvement"), c.improvement))])
        st.altair_chart(alt.Chart(top).mark_bar().encode(
            x=alt.X("sum(points):Q", title=t("final score")), y=alt.Y("name:N", sort="-x", title=None),
            color=alt.Color("part:N", title=None),
            tooltip=[alt.Tooltip("name:N", title=t("name")), alt.Tooltip("part:N", title=t("part")),
                     alt.Tooltip("points:Q", title=t("points"))]).properties(
            height=28 * min(10, len(eligible)) + 40), width="stretch")
    st.download_button(t("Nomination pack for everyone (CSV)"), recognition.nomination_csv(candidates),
                       file_name=f"nominations-{period}.csv", mime="text/csv", key="csv_all",
                       on_click=records.audited("nomination.export", "award_period", after={
                           "period": period, "people": [c.person_id for c in candidates]}))

    st.subheader(t("Candidates"))
    for c in eligible[:10]:
        with st.expander(f"#{c.rank} {widgets.typed(c.name, label=True)} "
                         f"({widgets.typed(c.team, label=True) if c.team else t('no team')}): {c.final}"):
            fig = c.figures()
            # the note on the improvement comes from the ranking (coach.recognition), in the person's language
            st.markdown(tn("{n} session in {tracks}; mean {mean}, adjusted {adjusted}, corrected {corrected} "
                           "(company mean {prior}); improvement {improvement}",
                           "{n} sessions in {tracks}; mean {mean}, adjusted {adjusted}, corrected {corrected} "
                           "(company mean {prior}); improvement {improvement}", c.sessions,
                           tracks=", ".join(term(x) for x in c.tracks), mean=c.mean_raw, adjusted=c.mean_adjusted,
                           corrected=c.shrunk, prior=c.prior, improvement=f"{c.improvement:+}")
                        + (f" ({c.improvement_note})" if c.improvement_note else ""))
            if c.farming:
                widgets.show("<small>" + t("Most practised:") + f" {widgets.typed(c.farming.get('scenario'))} "
                             + t("({share} of sessions)", share=f"{c.farming.get('share', 0):.0%}") + "</small>")
            links = st.columns(6)
            for i, sid in enumerate(c.session_ids[:18]):
                links[i % 6].page_link("common/session.py", label=f"#{sid}", query_params={"id": sid})
            if len(c.session_ids) > 18:
                st.caption(t("... and {n} more in the CSV", n=len(c.session_ids) - 18))
            cc = st.columns(2)
            cc[0].download_button(t("Nomination pack (CSV)"), recognition.nomination_csv([c]),
                                  file_name=f"nomination-{period}-{c.person_id}.csv", mime="text/csv",
                                  key=f"csv_{c.person_id}", on_click=records.audited(
                                      "nomination.export", "person", c.person_id, subject_id=c.person_id,
                                      after={"period": period}))
            if cc[1].button(t("Prepare a certificate (PDF)"), key=f"pdf_{c.person_id}"):
                from coach.certificate import certificate_pdf

                # the certificate's words in the person's language; the names print as written
                st.session_state["certificate"] = (c.person_id, certificate_pdf(
                    c.name, period, c.team, fig, t("Nominated for employee of the month"), user["name"],
                    language=language()))
            pdf = st.session_state.get("certificate")
            if pdf and pdf[0] == c.person_id:
                cc[1].download_button(t("Download the certificate"), pdf[1],
                                      file_name=f"certificate-{period}-{c.person_id}.pdf",
                                      mime="application/pdf", key=f"pdf_dl_{c.person_id}")

    st.subheader(t("Decision"))
    if decided:
        st.success(t("Decided: the person below is the employee of the month for {period}.", period=period))
        # one sentence, so that it reads in the person's word order; the typed names and reason go in escaped
        widgets.show(t("{name} is the employee of the month for {period}, chosen by {manager}: {reason}",
                       name=f"<b>{widgets.typed(decided['name'])}</b>", period=period,
                       manager=widgets.typed(decided['decided_by']), reason=widgets.typed(decided['reason'])))
        if st.button(t("Winner's certificate (PDF)"), key="winner_pdf"):
            from coach.certificate import certificate_pdf

            st.session_state["winner_pdf"] = certificate_pdf(decided["name"], period, decided["team"],
                                                             decided["figures"], decided["reason"],
                                                             decided["decided_by"], language=language())
        if st.session_state.get("winner_pdf"):
            st.download_button(t("Download the winner's certificate"), st.session_state["winner_pdf"],
                               file_name=f"employee-of-the-month-{period}.pdf", mime="application/pdf", key="winner_dl")
    elif not eligible:
        widgets.empty(t("Nobody is eligible for {period} yet: see the reasons in the ranking.", period=period))
    elif period == f"{date.today():%Y-%m}":
        st.info(t("This month is not over yet; decide once it is."))
    else:
        by_id = {c.person_id: c for c in eligible}
        choice = by_id[st.selectbox(t("Winner"), list(by_id), key="award_pick",
                                    format_func=lambda i: f"#{by_id[i].rank} {by_id[i].name} ({by_id[i].final})")]
        reason = st.text_area(t("Reason (shown to the team and kept with the figures)"), key="award_reason",
                              max_chars=4000)
        if choice.rank != 1:
            st.warning(t("You are choosing #{rank} over #{top} {name}; say why in the reason.", rank=choice.rank,
                         top=eligible[0].rank, name=widgets.typed(eligible[0].name, label=True)))
        if st.button(t("Record the decision"), key="award_decide", type="primary"):
            with errors.shown(t("the decision was not recorded")):
                if not reason.strip():
                    raise ValueError(t("write the reason for the choice; it is shown with the award"))
                with records.uow() as w:
                    sv.record_award(w, period=period, person_id=choice.person_id, decided_by=user["id"],
                                    reason=reason, formula_version=f.version, figures=choice.figures())
                    w.commit()
                st.success(t("Recorded: the employee of the month for {period}.", period=period))
                st.rerun()

st.subheader(t("Winners so far"))
if history:
    st.dataframe(pd.DataFrame([{t("month"): w["period"], t("winner"): w["name"], t("team"): w["team"],
                                t("reason"): w["reason"], t("decided by"): w["decided_by"],
                                t("formula"): w["formula_version"]} for w in history]),
                 hide_index=True, width="stretch")
else:
    widgets.empty(t("No employee of the month chosen yet."))
