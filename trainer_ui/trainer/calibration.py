"""Calibration: how often trainers agree with the automatic score, per standard (Cohen's kappa and percent
agreement over reviewed sessions), and where they disagree most, so the standards pack can be fixed."""

from datetime import date, datetime, time, timedelta, timezone

import altair as alt
import pandas as pd
import streamlit as st

from coach import analytics
from trainer_ui import errors, records, signin, widgets
from trainer_ui.i18n import bound, t

user = signin.page("calibration", "Calibration")
tr = bound()  # the person's language, for the format functions
st.caption(t("Over reviewed sessions (approved or disputed): per standard, did the trainer and the machine agree "
             "that it was broken? Kappa 1 is perfect agreement, 0 is no better than chance; below 0.4 the "
             "standard or the detector needs work."))
days = st.select_slider(t("Period"), [30, 90, 180, 365], value=90, key="cal_days",
                        format_func=lambda d: tr("last {n} days", n=d))
since = datetime.combine(date.today() - timedelta(days=days), time(), tzinfo=timezone.utc)
team = user["team_id"] if user["role"] == "trainer" else None
if user["role"] == "trainer" and team is None:
    st.warning(t("You are not in a team yet, so there are no reviews to compare. Ask an admin to put you in one."))
    st.stop()

with errors.shown(t("the calibration could not be computed")):
    with records.reader() as r:
        cal = analytics.calibration(r, since=since, team_id=team)
    if not cal["reviews"]:
        widgets.empty(t("No reviewed sessions in this period yet. Approve or dispute sessions in the **Review "
                        "queue** and the agreement appears here."))
        st.stop()
    o = cal["overall"]
    m = st.columns(4)
    m[0].metric(t("Reviews"), cal["reviews"])
    m[1].metric(t("Agreement"), "—" if o["agreement"] is None else f"{o['agreement']:.0f} %")
    m[2].metric(t("Cohen's kappa"), "—" if o["kappa"] is None else f"{o['kappa']:.2f}")
    sc = cal["score"]
    m[3].metric(t("Score changed by"), "—" if sc["mean_abs_diff"] is None else f"±{sc['mean_abs_diff']}",
                help=t("mean size of trainers' score overrides over {n} overrides", n=sc["reviews"]))
    df = pd.DataFrame(cal["per_rule"])
    df["label"] = df["rule_id"] + " " + df["title"].fillna("")
    st.subheader(t("Where trainers and the machine disagree most"))
    worst = df[df["disagreements"] > 0].head(15)
    if worst.empty:
        st.success(t("Trainers agreed with every finding in this period."))
    else:
        long = worst.melt(id_vars=["label"], value_vars=["machine_only", "trainer_only"], var_name="who",
                          value_name="times")
        long["who"] = long["who"].map({"machine_only": t("machine found, trainer rejected"),
                                       "trainer_only": t("trainer added, machine missed")})
        # the fields keep their names; the axis, the legend and the tooltip say them in the person's language
        st.altair_chart(alt.Chart(long).mark_bar().encode(
            x=alt.X("times:Q", title=t("times")), y=alt.Y("label:N", sort="-x", title=None),
            color=alt.Color("who:N", title=t("who")),
            tooltip=[alt.Tooltip("label:N", title=t("label")), alt.Tooltip("who:N", title=t("who")),
                     alt.Tooltip("times:Q", title=t("times"))]).properties(height=25 * len(worst) + 40),
            width="stretch")
    st.subheader(t("Per standard"))
    st.dataframe(df[["rule_id", "title", "category", "n", "agreement", "kappa", "both", "machine_only",
                     "trainer_only", "neither"]], hide_index=True, width="stretch",
                 column_config={"rule_id": st.column_config.Column(t("rule_id")),
                                "title": st.column_config.Column(t("title")),
                                "category": st.column_config.Column(t("category")),
                                "agreement": st.column_config.NumberColumn(t("agreement %"), format="%.0f"),
                                "kappa": st.column_config.NumberColumn(t("kappa"), format="%.2f",
                                                                       help=t("empty: undefined (both always "
                                                                              "agreed on one answer)")),
                                "both": st.column_config.Column(t("both")),
                                "machine_only": st.column_config.Column(t("machine_only")),
                                "trainer_only": st.column_config.Column(t("trainer_only")),
                                "neither": st.column_config.Column(t("neither"))})
