"""Team dashboard: each person's progress, the standards broken by team and week (a heatmap), and the
leaderboard for a period (trainer-approved scores where they exist)."""

from datetime import date, datetime, time, timedelta, timezone

import altair as alt
import pandas as pd
import streamlit as st

from coach import analytics
from coach.storage import services as sv
from trainer_ui import errors, records, signin, widgets
from trainer_ui.i18n import bound, t

user = signin.page("team", "Team dashboard")
tr = bound()  # the person's language, for the format functions
with records.reader() as r:
    teams = {x["id"]: x["name"] for x in sv.list_teams(r)}
c = st.columns(2)
team = c[0].selectbox(t("Team"), [None, *teams], format_func=lambda i: tr("all teams") if i is None else teams[i],
                      key="team_pick")
weeks = c[1].select_slider(t("Period"), [4, 8, 13, 26, 52], value=13, key="team_weeks",
                           format_func=lambda w: tr("last {n} weeks", n=w))
until = datetime.combine(date.today() + timedelta(days=1), time(), tzinfo=timezone.utc)
since = until - timedelta(weeks=weeks)


@st.cache_data(ttl=120, show_spinner=t("Adding up the weeks..."))
def figures(since, until, team):
    """Query results for two minutes: managers flip between periods and teams; the data moves slowly."""
    with records.reader() as r:
        return (analytics.team_progress(r, since, until, team_id=team, per="person" if team else "team"),
                analytics.team_heatmap(r, since, until, team_id=team),
                sv.leaderboard(r, since=since, until=until, team_id=team, min_sessions=3, limit=20))


with errors.shown(t("the dashboard could not be loaded")):
    prog, heat, board = figures(since, until, team)
    if not prog:
        widgets.empty(t("No scored sessions in this period. Trainees' practice appears here as soon as they finish "
                        "a session."))
        st.stop()
    pdf = pd.DataFrame(prog)
    pdf["team"] = pdf["team"].replace(analytics.NO_TEAM, t("(no team)"))  # the product's word, not a team's name
    if team is None:
        # a line per team: a line per person of the whole company would be unreadable
        st.subheader(t("Progress of each team"))
        series, series_title, series_tip = "team", t("team"), t("team")
        st.caption(t("Choose a team above to see each person."))
    else:
        st.subheader(t("Progress of each person"))
        series, series_title, series_tip = "name", t("person"), t("name")
    chosen = alt.selection_point(fields=[series], bind="legend")
    st.altair_chart(alt.Chart(pdf).mark_line(point=True).encode(
        x=alt.X("week_start:T", title=t("week")),
        y=alt.Y("mean:Q", scale=alt.Scale(domain=[0, 100]), title=t("mean score")),
        color=alt.Color(f"{series}:N", title=series_title),
        opacity=alt.condition(chosen, alt.value(1), alt.value(0.15)),
        tooltip=[alt.Tooltip(f"{series}:N", title=series_tip), alt.Tooltip("week:N", title=t("week")),
                 alt.Tooltip("mean:Q", title=t("mean")), alt.Tooltip("sessions:Q", title=t("sessions"))]
    ).add_params(chosen), width="stretch")

    st.subheader(t("Standards broken, by team and week"))
    if heat:
        hdf = pd.DataFrame(heat)
        top = hdf.groupby("rule_id")["findings"].sum().nlargest(12).index
        hdf = hdf[hdf["rule_id"].isin(top)]
        hdf["standard"] = hdf["rule_id"] + " " + hdf["title"].fillna("")
        hdf["team"] = hdf["team"].replace(analytics.NO_TEAM, t("(no team)"))
        st.altair_chart(alt.Chart(hdf).mark_rect().encode(
            x=alt.X("week:O", title=t("week")), y=alt.Y("standard:N", title=None),
            color=alt.Color("share:Q", title=t("share of sessions"), scale=alt.Scale(scheme="orangered")),
            tooltip=[alt.Tooltip("team:N", title=t("team")), alt.Tooltip("week:O", title=t("week")),
                     alt.Tooltip("standard:N", title=t("standard")), alt.Tooltip("findings:Q", title=t("findings")),
                     alt.Tooltip("sessions_breaking:Q", title=t("sessions breaking")),
                     alt.Tooltip("sessions:Q", title=t("sessions")), alt.Tooltip("share:Q", title=t("share"))]).facet(
            row=alt.Row("team:N", title=None)), width="stretch")
    else:
        st.success(t("No standard broken in this period."))

    st.subheader(t("Leaderboard"))
    st.caption(t("Mean score over completed sessions in the period (at least 3); trainer-approved scores count "
                 "where they exist. The employee of the month uses a fairer formula: see that page."))
    if board:
        st.dataframe(pd.DataFrame([{t("person"): b["name"], t("team"): teams.get(b["team_id"], ""),
                                    t("sessions"): b["sessions"], t("mean"): b["mean"], t("best"): b["best"],
                                    t("tracks"): b["tracks"]} for b in board]),
                     hide_index=True, width="stretch")
