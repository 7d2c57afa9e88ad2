"""Phrase drill: quick rounds of turning a negative sentence into a positive one, with instant feedback.
The round runs on the practice server like any session, so it is recorded and counts in progress."""

import random

import streamlit as st

from coach import resources
from trainer_ui import errors, signin, widgets
from trainer_ui.client import practice_client, practice_server_banner
from trainer_ui.i18n import language_names, t

user = signin.page("drill", "Phrase drill")
KEY = "drill"
st.caption(t("Each prompt is something a colleague said. Say the same thing positively: keep the facts, "
             "say what you can do, and leave out blame and 'can't'."))

d = st.session_state.get(KEY)
if d is None:
    practice_server_banner()
    with errors.shown(t("the drill prompts could not be loaded"), stop=True):
        spoken = sorted({p.language for p in resources.drill_prompts()}, key=lambda c: c != "en")
    # the prompts, the check of the answer and the feedback are in the language chosen
    mine = user.get("language") or "en"  # the person's own language (their profile) comes first
    language = st.selectbox(t("Language"), spoken, key="drill_language", format_func=language_names(),
                            index=spoken.index(mine) if mine in spoken else 0)
    if st.button(t("Start a round of 8"), type="primary", key="drill_start"):
        with errors.shown(t("the drill could not start")):
            client = practice_client()
            reply = client.start(person_id=user["id"], scenario="phrase_drill", seed=random.randrange(1, 2**31),
                                 language=language)
            st.session_state[KEY] = {"client": client, "prompt": reply["drill"]["prompt"], "k": 0,
                                     "of": reply["drill"]["of"], "results": [], "done": False, "passed": 0}
            st.rerun()
    st.stop()

st.progress(d["k"] / d["of"], text=t("{k} of {n} done · {passed} rephrased well", k=d["k"], n=d["of"],
                                     passed=d["passed"]))
for r in d["results"]:
    res = r["result"]
    icon = widgets.MET if res["passed"] else widgets.MISSED
    with st.container(border=True):
        widgets.show(f"{icon} <s>{widgets.typed(r['prompt'])}</s><br><b>{t('You:')}</b> {widgets.typed(r['answer'])}")
        if res["feedback"]:
            widgets.show("<ul>" + "".join(f"<li>{widgets.typed(line)}</li>" for line in res["feedback"]) + "</ul>")
        st.caption(t("A model answer:") + f" {widgets.typed(res['model'], label=True)}")

if d["done"]:
    ok = d["passed"] >= 0.75 * d["of"]
    (st.success if ok else st.warning)(t("Round over: {passed} of {n} rephrased well.", passed=d["passed"], n=d["of"])
                                       + ("" if ok else " " + t("Six of eight passes the round; try another.")))
    if st.button(t("Another round"), key="drill_again"):
        st.session_state.pop(KEY)
        st.rerun()
    st.stop()

st.markdown("### " + t("Say it positively"))
widgets.show(f"<blockquote>{widgets.typed(d['prompt'])}</blockquote>")
answer = st.chat_input(t("Your positive version"), key="drill_answer", max_chars=2000)
if answer:
    with errors.shown(t("the answer was not checked")):
        reply = d["client"].say(answer)
        info = reply["drill"]
        d["results"].append({"prompt": info["prompt"], "answer": answer, "result": info["result"]})
        d["k"], d["passed"] = info["k"] + 1, info["passed"]
        d["done"] = info.get("next") is None
        d["prompt"] = info.get("next") or d["prompt"]
        st.rerun()
if st.button(t("Stop the round"), key="drill_stop"):
    with errors.shown(t("the round could not be stopped")):
        d["client"].end()
    st.session_state.pop(KEY)
    st.rerun()
