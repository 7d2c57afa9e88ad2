"""My progress: scores over time, per category, streaks, badges, and the standards broken most, with the
better phrasing. Each session opens with its scorecard and Retry from turn N."""

import altair as alt
import pandas as pd
import streamlit as st

from coach import analytics
from trainer_ui import errors, records, signin, widgets

user = signin.page("progress", "My progress")

with errors.shown("your progress could not be loaded"):
    with records.reader() as r:
        summary = analytics.progress_summary(r, user["id"])
        earned = analytics.badges(r, user["id"])
    sessions = summary["sessions"]
    if not sessions:
        widgets.empty("No scored sessions yet. Open **Practise**, pick a scenario and talk to your first customer: "
                 "your scores, streaks and badges will appear here.")
        st.page_link("trainee/practise.py", label="Practise now", icon=":material/headset_mic:")
        st.stop()

    m = st.columns(4)
    m[0].metric("Sessions", len(sessions))
    last5 = [s["score"] for s in sessions[-5:]]
    first5 = [s["score"] for s in sessions[:5]]
    m[1].metric("Mean of the last 5", f"{sum(last5) / len(last5):.0f}",
                delta=f"{sum(last5) / len(last5) - sum(first5) / len(first5):+.0f} since your first 5"
                if len(sessions) >= 10 else None)
    m[2].metric("Practice streak", f"{summary['streak']['current']} days",
                help=f"Longest: {summary['streak']['longest']} days in a row")
    m[3].metric("Badges", f"{sum(b['earned'] for b in earned)} of {len(earned)}")

    df = pd.DataFrame(sessions)
    st.subheader("Score over time")
    points = alt.Chart(df).mark_circle(size=60).encode(
        x=alt.X("started_at:T", title=None), y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("track:N"), tooltip=["started_at:T", "scenario_id", "score", "outcome", "session_id"])
    trend = alt.Chart(df).transform_window(mean="mean(score)", frame=[-4, 0]).mark_line(color="gray").encode(
        x="started_at:T", y="mean:Q")
    st.altair_chart(points + trend, width="stretch")

    if summary["categories_by_week"]:
        st.subheader("By category, week by week")
        cat = pd.DataFrame(summary["categories_by_week"])
        st.altair_chart(alt.Chart(cat).mark_line(point=True).encode(
            x=alt.X("week_start:T", title="week"), y=alt.Y("mean:Q", scale=alt.Scale(domain=[0, 100]), title="score"),
            color="category:N", tooltip=["week", "category", "mean", "sessions"]), width="stretch")

    st.subheader("Badges")
    cols = st.columns(3)
    for i, b in enumerate(earned):
        with cols[i % 3], st.container(border=True):
            badge = ":material/military_tech:" if b["earned"] else ":material/radio_button_unchecked:"
            st.markdown(f"{badge} **{b['title']}**")
            st.caption(b["description"])
            st.progress(b["fraction"], text=("earned " + b["earned_at"].strftime("%Y-%m-%d")) if b["earned"]
                        and b.get("earned_at") else b["label"])

    st.subheader("What to work on")
    if not summary["most_broken"]:
        st.success("No standard broken in your sessions. Try a harder scenario.")
    for mb in summary["most_broken"]:
        ex = mb.get("last_example") or {}
        with st.container(border=True):
            widgets.show(f"<b>{widgets.typed(mb['title'] or mb['rule_id'])}</b> broken {mb['count']} times in "
                    f"{mb['sessions']} sessions")
            if ex.get("span_text"):
                widgets.show(f"Last time you said: “{widgets.typed(ex['span_text'])}”")
            if ex.get("suggestion"):
                widgets.show(f"Better: <i>{widgets.typed(ex['suggestion'])}</i>")

    st.subheader("Your sessions")
    for s in reversed(sessions[-30:]):
        st.page_link("common/session.py", query_params={"id": s["session_id"]},
                     label=f"{s['started_at']:%Y-%m-%d} · {s['scenario_id']} · score {s['score']} · "
                           f"{(s['outcome'] or '').replace('_', ' ')}")
