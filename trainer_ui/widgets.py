"""What the pages show: people's words exactly as typed, the customer's mood, the transcript with the phrases
that broke a standard marked, and the scorecard."""

from __future__ import annotations

import html
import re

import streamlit as st

from coach import resources
from trainer_ui.i18n import t, term

# -- what people typed, shown as typed ----------------------------------------------------------------
#
# Everything a person typed (trainees' replies, trainers' comments and reasons, names, award reasons, and the
# findings that quote a reply) is shown literally: never as Markdown (links, images, coloured text, LaTeX)
# and never as HTML. `typed()` is the one helper; `show()` renders a fragment built with it.

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&\"'=^@%])")


# marks for show(): text symbols the page's own fonts have (emoji need a font many machines lack)
MET = '<span style="color:#2e7d32">✓</span>'
MISSED = '<span style="color:#c62828">✗</span>'
WARN = '<span style="color:#b26a00">⚠</span>'


def typed(text, *, label: bool = False) -> str:
    """`text` made safe to show exactly as typed. By default escaped HTML for show() (line breaks kept); with
    `label=True` escaped Markdown for the places that take Markdown only (expander labels), every ASCII
    punctuation character backslash-escaped and line breaks turned into spaces."""
    text = "" if text is None else str(text)
    if label:
        return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return html.escape(text, quote=True).replace("\n", "<br>")


def show(fragment: str, where=None):
    """Show HTML built with typed(). It goes out as one HTML block (it starts with <div> and has no line
    break), inside which Markdown is not applied: the text of a link, an image, :red[...] or $...$ stays text."""
    fragment = fragment.replace("\r", " ").replace("\n", " ")
    (where or st).markdown(f'<div class="coach-typed">{fragment}</div>', unsafe_allow_html=True)


# -- small formatting helpers -------------------------------------------------------------------------

MOOD_WORDS = {"furious": ":material/sentiment_extremely_dissatisfied:",
              "angry": ":material/sentiment_very_dissatisfied:",
              "annoyed": ":material/sentiment_dissatisfied:", "calm": ":material/sentiment_neutral:",
              "pleased": ":material/sentiment_very_satisfied:"}


def scenario_title(scenario_id: str | None) -> str:
    """A scenario as people know it: its title, in the scenario's own language as its file writes it (the id is
    the data's name, not the reader's); the drill by its page's name; the id of a scenario the files no longer
    have."""
    from coach.practice.drill import DRILL_ID

    if not scenario_id:
        return "—"
    if scenario_id == DRILL_ID:
        return t("Phrase drill")
    scenario = resources.scenarios().get(scenario_id)
    return scenario.title if scenario is not None else scenario_id


def mood_label(band: str | None) -> str:
    return f"{MOOD_WORDS.get(band or '', '')} {term(band or 'unknown')}"


def mood_meter(mood: float | None, band: str | None):
    """-1 .. +1 shown as 0 .. 100 %."""
    if mood is None:
        return
    st.progress(int(round((mood + 1) * 50)),
                text=t("Customer's mood: {mood}", mood=f"{mood_label(band)} ({mood:+.2f})"))


def highlighted(text: str, findings: list[dict]) -> str:
    """The reply as HTML for show(), with the phrases that broke a standard marked (escaped with typed();
    titles give the rule)."""
    spans = sorted((f for f in findings if f.get("span") and f["span"].get("start") is not None),
                   key=lambda f: f["span"]["start"])
    out, pos = [], 0
    for f in spans:
        a, b = f["span"]["start"], f["span"]["end"]
        if a < pos or b > len(text) or a >= b:
            continue  # overlapping or stale span: the finding is still listed below the turn
        out.append(typed(text[pos:a]))
        out.append(f'<mark title="{typed(f["rule"])}: {typed(f["message"])}" '
                   f'style="background:#ffd6d6;border-radius:3px;padding:0 2px">{typed(text[a:b])}</mark>')
        pos = b
    out.append(typed(text[pos:]))
    return "".join(out)


def finding_line(f: dict) -> str:
    """A finding and the better phrasing, for show(): both may quote the trainee's words."""
    better = f.get("fix") or f.get("suggestion")
    return (f"{WARN} <b>{typed(f['rule'])}</b>: {typed(f['message'])}"
            + (f"<br><i>{t('Better:')}</i> {typed(better)}" if better else ""))


def transcript(detail: dict, findings: list[dict] | None = None, *, upto: int | None = None):
    """The conversation in chat bubbles; the trainee's phrases that broke a standard highlighted, with the
    finding and the better phrasing under the turn."""
    findings = detail.get("findings", []) if findings is None else findings
    by_turn: dict = {}
    for f in findings:
        by_turn.setdefault(f.get("turn_seq"), []).append(f)
    for turn in detail["turns"]:
        if upto is not None and turn["seq"] >= upto:
            break
        if turn["speaker"] == "system":
            st.caption(":material/call: " + t("call {event} at {secs} s", event=term(turn["event"]),
                                                secs=f"{turn['t'] or 0:.0f}"))
            continue
        role = "assistant" if turn["speaker"] == "customer" else "user"
        with st.chat_message(role, avatar=":material/support_agent:" if role == "user" else ":material/person:"):
            fs = by_turn.get(turn["seq"], [])
            show(f"<small>{t('turn {n}', n=turn['seq'])}</small> " + highlighted(turn["text"], fs))
            if turn.get("voice"):
                st.caption(":material/mic: " + spoken_summary(turn["voice"]))
            if turn.get("recorded"):  # kept where the company allows it (voice.recordings)
                st.audio(kept_sound(detail["id"], turn["seq"]), format="audio/wav")
            for f in fs:
                show(finding_line(f))


def kept_sound(session_id: int, seq: int) -> bytes | None:
    from coach.storage import services as sv

    with resources.database().reader() as r:
        return sv.recording(r, session_id, seq)


def spoken_summary(v: dict) -> str:
    """A spoken reply's measures in a line: pace, pauses, loudness, talking over the caller."""
    wpm = f"{v['words_per_minute']:.0f}" if v.get("words_per_minute") else "—"
    pauses = v.get("silences") or []
    longest = max((x["end"] - x["start"] for x in pauses), default=0.0)
    parts = [t("spoken, {wpm} words a minute", wpm=wpm),
             t("{n} pause(s) of a second or more, the longest {secs} s", n=len(pauses), secs=f"{longest:.1f}")
             if pauses else t("no long pause"),
             t("too quiet") if v.get("too_quiet") else (t("too loud") if v.get("clipped") else t("clear"))]
    if v.get("talk_over_s"):
        parts.append(t("spoke over the caller for {secs} s", secs=f"{v['talk_over_s']:.1f}"))
    return " · ".join(parts)


def call_timeline(detail: dict):
    """A phone session with spoken replies as a timeline: who spoke when, the trainee's pauses in red, the
    call events as marks; the pace of each reply in its tooltip."""
    import altair as alt
    import pandas as pd

    rows, marks = [], []
    for turn in detail["turns"]:
        at = turn.get("t")
        if at is None:
            continue
        if turn["speaker"] == "system":
            marks.append({"t": at, "event": term(turn["event"])})
            continue
        v = turn.get("voice")
        if turn["speaker"] == "staff" and v and v.get("duration_s"):
            start = max(0.0, at - v["duration_s"])
            rows.append({"who": t("Trainee"), "start": start + (v.get("speech_start") or 0.0),
                         "end": start + (v.get("speech_end") or v["duration_s"]), "what": t("speaking"),
                         "pace": f"{v.get('words_per_minute') or 0:.0f}", "turn": turn["seq"]})
            rows += [{"who": t("Trainee"), "start": start + x["start"], "end": start + x["end"],
                      "what": t("silence"), "pace": "", "turn": turn["seq"]} for x in v.get("silences") or []]
        elif turn["speaker"] == "customer" and turn["text"]:
            rows.append({"who": t("Customer"), "start": at, "end": at + len(turn["text"].split()) / 2.7,
                         "what": t("speaking"), "pace": "", "turn": turn["seq"]})
    if not any(r["who"] == t("Trainee") for r in rows):
        return
    df = pd.DataFrame(rows)
    bars = alt.Chart(df).mark_bar(height=16).encode(
        x=alt.X("start:Q", title=t("seconds into the call")), x2="end:Q",
        y=alt.Y("who:N", title=None, axis=alt.Axis(labelLimit=200, labelPadding=6)),
        color=alt.Color("what:N", scale=alt.Scale(domain=[t("speaking"), t("silence")], range=["#4c78a8", "#e45756"]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("turn:Q", title=t("turn")), alt.Tooltip("who:N", title=t("who")),
                 alt.Tooltip("what:N", title=t("what")), alt.Tooltip("pace", title=t("words a minute"))])
    chart = bars
    if marks:
        chart = bars + alt.Chart(pd.DataFrame(marks)).mark_rule(strokeDash=[4, 3], color="gray").encode(
            x="t:Q", tooltip=[alt.Tooltip("event:N", title=t("call event")),
                              alt.Tooltip("t:Q", title=t("seconds into the call"))])
    st.altair_chart(chart.properties(height=alt.Step(32)), width="stretch")


def scorecard(detail: dict):
    """The overall score (and a trainer's approved score beside it), categories, standards met and missed,
    and session-wide findings."""
    card = detail.get("scorecard")
    if card is None:
        st.info(t("This session has no scorecard yet: it is scored when it ends."))
        return
    approved = [r for r in detail.get("reviews", [])
                if r["status"] == "approved" and r.get("overall_override") is not None
                and r.get("scorecard_id") == card["id"]]
    cols = st.columns(4)
    cols[0].metric(t("Score (machine)"), card["overall"])
    if approved:
        cols[1].metric(t("Trainer-approved"), approved[-1]["overall_override"],
                       delta=approved[-1]["overall_override"] - card["overall"])
    cols[2].metric(t("Outcome"), term(detail.get("outcome") or "—"))
    if detail.get("final_mood") is not None:
        cols[3].metric(t("Final mood"), f"{detail['final_mood']:+.2f}")
    if card["categories"]:
        import altair as alt
        import pandas as pd

        # the categories and the axes in the person's language (the chart's own words are not typed by anyone)
        df = pd.DataFrame({"category": [term(c) for c in card["categories"]],
                           "score": list(card["categories"].values())})
        st.altair_chart(alt.Chart(df).mark_bar().encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("score")),
            y=alt.Y("category:N", sort="-x", title=t("category")),
            color=alt.Color("score:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[40, 100]), legend=None),
            tooltip=[alt.Tooltip("category:N", title=t("category")), alt.Tooltip("score:Q", title=t("score"))])
            .properties(height=30 * len(df) + 20), width="stretch")
    if detail.get("channel") == "phone" and any(x.get("voice") for x in detail["turns"]):
        st.markdown(f"**{t('The call, as it sounded')}**")
        call_timeline(detail)
    met, missed = card.get("met") or [], card.get("missed") or []
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('Standards met')}** ({len(met)})")
        if not met:
            st.markdown(f"_{t('none')}_")
        standards_by_category(met, MET, expanded=False, language=detail.get("language") or "en")
    with c2:
        st.markdown(f"**{t('Standards missed')}** ({len(missed)})")
        if not missed:
            st.markdown(f"_{t('none: well done')}_")
        standards_by_category(missed, MISSED, expanded=True, language=detail.get("language") or "en")
    general = [f for f in detail.get("findings", []) if f.get("turn_seq") is None]
    if general:
        st.warning(t("About the session as a whole:"))
    for f in general:
        show(finding_line(f))
    with st.expander(t("How the score was worked out")):
        st.text("\n".join(card.get("explanation") or []))
        st.caption(t("Standards {pack} {version}, detector {detector}", **card["standards"]))


def standards_by_category(ids: list[str], mark: str, *, expanded: bool, language: str = "en"):
    """Standards by their titles in the pack of the session's language, grouped by category (one expander each,
    in the pack's order); the id is only a detail beside each title. Ids the pack no longer has are listed
    under "other"."""
    pack = resources.scorer(language).pack
    rules = {r.id: r for r in pack.rules}
    groups: dict[str, list] = {}
    for rid in ids:
        r = rules.get(rid)
        groups.setdefault(r.category if r else "other", []).append((r.title if r else rid, rid))
    titles = {**pack.categories, "other": "Other"}
    for cat in [*pack.categories, "other"]:
        items = groups.get(cat)
        if not items:
            continue
        with st.expander(f"{typed(titles.get(cat, cat), label=True)} ({len(items)})", expanded=expanded):
            show("<br>".join(f'{mark} {typed(title)} <small style="color:#888">{typed(rid)}</small>'
                             for title, rid in sorted(items)))


def empty(message: str):
    st.info(message)
