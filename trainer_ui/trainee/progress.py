"""My progress: scores over time, per category, streaks, badges, and the standards broken most, with the
better phrasing. Each session opens with its scorecard and Retry from turn N."""

import altair as alt
import pandas as pd
import streamlit as st

from coach import analytics
from trainer_ui import errors, records, signin, widgets
from trainer_ui.i18n import day, t, term

user = signin.page("progress", "My progress")

with errors.shown(t("your progress could not be loaded")):
    with records.reader() as r:
        summary = analytics.progress_summary(r, user["id"])
        earned = analytics.badges(r, user["id"])
    sessions = summary["sessions"]
    if not sessions:
        widgets.empty(t("No scored sessions yet. Open **Practise**, pick a scenario and talk to your first customer: "
                        "your scores, streaks and badges will appear here."))
        st.page_link("trainee/practise.py", label=t("Practise now"), icon=":material/headset_mic:")
        st.stop()

    m = st.columns(4)
    m[0].metric(t("Sessions"), len(sessions))
    last5 = [s["score"] for s in sessions[-5:]]
    first5 = [s["score"] for s in sessions[:5]]
    m[1].metric(t("Mean of the last 5"), f"{sum(last5) / len(last5):.0f}",
                delta=t("{change} since your first 5",
                        change=f"{sum(last5) / len(last5) - sum(first5) / len(first5):+.0f}")
                if len(sessions) >= 10 else None)
    m[2].metric(t("Practice streak"), t("{n} days", n=summary["streak"]["current"]),
                help=t("Longest: {n} days in a row", n=summary["streak"]["longest"]))
    m[3].metric(t("Badges"), t("{n} of {all}", n=sum(b["earned"] for b in earned), all=len(earned)))

    df = pd.DataFrame(sessions)
    st.subheader(t("Score over time"))
    points = alt.Chart(df).mark_circle(size=60).encode(
        x=alt.X("started_at:T", title=None), y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("track:N"), tooltip=["started_at:T", "scenario_id", "score", "outcome", "session_id"])
    trend = alt.Chart(df).transform_window(mean="mean(score)", frame=[-4, 0]).mark_line(color="gray").encode(
        x="started_at:T", y="mean:Q")
    st.altair_chart(points + trend, width="stretch")

    if summary["categories_by_week"]:
        st.subheader(t("By category, week by week"))
        cat = pd.DataFrame(summary["categories_by_week"])
        st.altair_chart(alt.Chart(cat).mark_line(point=True).encode(
            x=alt.X("week_start:T", title=t("week")),
            y=alt.Y("mean:Q", scale=alt.Scale(domain=[0, 100]), title=t("score")),
            color="category:N", tooltip=["week", "category", "mean", "sessions"]), width="stretch")

    st.subheader(t("Badges"))
    cols = st.columns(3)
    for i, b in enumerate(earned):
        with cols[i % 3], st.container(border=True):
            badge = ":material/military_tech:" if b["earned"] else ":material/radio_button_unchecked:"
            st.markdown(f"{badge} **{b['title']}**")
            st.caption(b["description"])
            st.progress(b["fraction"], text=t("earned {date}", date=day(b["earned_at"])) if b["earned"]
                        and b.get("earned_at") else b["label"])

    st.subheader(t("What to work on"))
    if not summary["most_broken"]:
        st.success(t("No standard broken in your sessions. Try a harder scenario."))
    for mb in summary["most_broken"]:
        ex = mb.get("last_example") or {}
        with st.container(border=True):
            widgets.show(f"<b>{widgets.typed(mb['title'] or mb['rule_id'])}</b> " +
                         t("broken {count} times in {sessions} sessions", count=mb["count"], sessions=mb["sessions"]))
            if ex.get("span_text"):
                widgets.show(t("Last time you said:") + f" “{widgets.typed(ex['span_text'])}”")
            if ex.get("suggestion"):
                widgets.show(t("Better:") + f" <i>{widgets.typed(ex['suggestion'])}</i>")

    st.subheader(t("Your sessions"))
    for s in reversed(sessions[-30:]):
        st.page_link("common/session.py", query_params={"id": s["session_id"]},
                     label=f"{day(s['started_at'])} · {s['scenario_id']} · {t('score {n}', n=s['score'])} · "
                           f"{term(s['outcome'] or '')}")
