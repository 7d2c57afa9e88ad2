"""Team dashboard: each person's progress, the standards broken by team and week (a heatmap), and the
leaderboard for a period (trainer-approved scores where they exist)."""

from datetime import date, datetime, time, timedelta, timezone

import altair as alt
import pandas as pd
import streamlit as st

from coach import analytics
from coach.storage import services as sv
from trainer_ui import errors, records, signin, widgets

user = signin.page("team", "Team dashboard")
with records.reader() as r:
    teams = {t["id"]: t["name"] for t in sv.list_teams(r)}
c = st.columns(2)
team = c[0].selectbox("Team", [None, *teams], format_func=lambda t: "all teams" if t is None else teams[t],
                      key="team_pick")
weeks = c[1].select_slider("Period", [4, 8, 13, 26, 52], value=13, key="team_weeks",
                           format_func=lambda w: f"last {w} weeks")
until = datetime.combine(date.today() + timedelta(days=1), time(), tzinfo=timezone.utc)
since = until - timedelta(weeks=weeks)


@st.cache_data(ttl=120, show_spinner="Adding up the weeks...")
def figures(since, until, team):
    """Query results for two minutes: managers flip between periods and teams; the data moves slowly."""
    with records.reader() as r:
        return (analytics.team_progress(r, since, until, team_id=team, per="person" if team else "team"),
                analytics.team_heatmap(r, since, until, team_id=team),
                sv.leaderboard(r, since=since, until=until, team_id=team, min_sessions=3, limit=20))


with errors.shown("the dashboard could not be loaded"):
    prog, heat, board = figures(since, until, team)
    if not prog:
        widgets.empty("No scored sessions in this period. Trainees' practice appears here as soon as they finish "
                 "a session.")
        st.stop()
    pdf = pd.DataFrame(prog)
    if team is None:
        # a line per team: a line per person of the whole company would be unreadable
        st.subheader("Progress of each team")
        series, series_title = "team", "team"
        st.caption("Choose a team above to see each person.")
    else:
        st.subheader("Progress of each person")
        series, series_title = "name", "person"
    chosen = alt.selection_point(fields=[series], bind="legend")
    st.altair_chart(alt.Chart(pdf).mark_line(point=True).encode(
        x=alt.X("week_start:T", title="week"), y=alt.Y("mean:Q", scale=alt.Scale(domain=[0, 100]), title="mean score"),
        color=alt.Color(f"{series}:N", title=series_title),
        opacity=alt.condition(chosen, alt.value(1), alt.value(0.15)),
        tooltip=[series, "week", "mean", "sessions"]).add_params(chosen), width="stretch")

    st.subheader("Standards broken, by team and week")
    if heat:
        hdf = pd.DataFrame(heat)
        top = hdf.groupby("rule_id")["findings"].sum().nlargest(12).index
        hdf = hdf[hdf["rule_id"].isin(top)]
        hdf["standard"] = hdf["rule_id"] + " " + hdf["title"].fillna("")
        st.altair_chart(alt.Chart(hdf).mark_rect().encode(
            x=alt.X("week:O", title="week"), y=alt.Y("standard:N", title=None),
            color=alt.Color("share:Q", title="share of sessions", scale=alt.Scale(scheme="orangered")),
            tooltip=["team", "week", "standard", "findings", "sessions_breaking", "sessions", "share"]).facet(
            row=alt.Row("team:N", title=None)), width="stretch")
    else:
        st.success("No standard broken in this period.")

    st.subheader("Leaderboard")
    st.caption("Mean score over completed sessions in the period (at least 3); trainer-approved scores count "
               "where they exist. The employee of the month uses a fairer formula: see that page.")
    if board:
        st.dataframe(pd.DataFrame([{"person": b["name"], "team": teams.get(b["team_id"], ""), "sessions": b["sessions"],
                                    "mean": b["mean"], "best": b["best"], "tracks": b["tracks"]} for b in board]),
                     hide_index=True, width="stretch")
