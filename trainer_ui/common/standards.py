"""Standards: the company's written service standards by category, with passing and failing examples,
and a phrase checker that tags and scores any sentence. Admins can edit a rule; the edit is checked
by the same loader the scorer uses before it is saved."""

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from coach import resources
from coach.transcript import Transcript, Turn
from trainer_ui import errors, signin, widgets

user = signin.page("standards", "Standards")
scorer = resources.scorer()
pack = scorer.pack

st.subheader("Phrase checker")
st.caption("Type what you would say; press Enter to see what the coach hears in it and how it scores.")
c1, c2 = st.columns([2, 1])
sentence = c1.text_input("Your sentence", key="check_text", max_chars=2000,
                         placeholder="I can't do that until Monday, it's not my department.")
customer = c2.text_input("The customer said (optional)", key="check_customer", max_chars=2000,
                         placeholder="My order is late again!")
if sentence.strip():
    with errors.shown("the sentence could not be checked"):
        det = scorer.detector.detect(sentence, customer or None)
        turns = ([Turn("customer", customer)] if customer.strip() else []) + [Turn("staff", sentence)]
        card = scorer.score(Transcript(turns=turns))
        for w in det.warnings:
            st.warning(w)
        st.markdown("**What the coach hears:** " + (", ".join(f"`{b}`" for b in det.behaviors) or "nothing it knows"))
        findings = [{"rule": f.rule, "message": f.message, "span": f.span} for f in card.findings
                    if f.turn == len(turns) - 1 and f.span]
        widgets.show(widgets.highlighted(sentence, findings))
        turn_findings = [f for f in card.findings if f.turn == len(turns) - 1]
        if not turn_findings:
            st.success("No standard broken in this sentence.")
        else:
            st.error(f"{len(turn_findings)} standard(s) broken in this sentence:")
        for f in turn_findings:
            widgets.show(widgets.finding_line({"rule": f.rule, "message": f.message, "fix": f.fix,
                                               "suggestion": f.suggestion}))

st.subheader(f"{pack.name} (version {pack.version})")
for cat, title in pack.categories.items():
    rules = [r for r in pack.rules if r.category == cat]
    st.markdown(f"### {title} ({len(rules)})")
    for r in rules:
        with st.expander(f"{r.id} · {r.title} · {r.severity}"):
            st.markdown(r.message)
            if r.suggestions:
                widgets.show("<b>Say instead:</b> "
                             + " / ".join(f"<i>{widgets.typed(s)}</i>" for s in r.suggestions[:3]))
            for kind, icon in (("pass", widgets.MET), ("fail", widgets.MISSED)):
                for ex in (r.examples or {}).get(kind, [])[:3]:
                    text = ex if isinstance(ex, str) else " → ".join(
                        f"{t['speaker']}: {t.get('text', t.get('event', ''))}" for t in ex.get("turns", []))
                    widgets.show(f"{icon} {widgets.typed(text)}")
            st.caption(f"Source: {r.source} · {Path(r.path).name}")
            if user["role"] == "admin":
                key = f"edit_{r.id}"
                new = st.text_area("Rule file (YAML)", Path(r.path).read_text(encoding="utf-8"), key=key, height=300,
                                   max_chars=100_000)
                if st.button("Check and save", key=f"save_{r.id}"):
                    with errors.shown(f"{Path(r.path).name} was not saved"):
                        from coach.standards import Scorer, load_pack

                        root = Path(pack.path)
                        with tempfile.TemporaryDirectory() as tmp:  # check the whole pack with the edit in it
                            copy = Path(tmp) / root.name
                            shutil.copytree(root, copy)
                            (copy / Path(r.path).relative_to(root)).write_text(new, encoding="utf-8")
                            Scorer(load_pack(copy), detector=scorer.detector)
                        Path(r.path).write_text(new, encoding="utf-8")
                        resources.reload_standards()
                        st.success("Saved. New sessions are scored with it; run `coach rescore --since <date>` "
                                   "to score earlier sessions again.")

if user["role"] == "admin":
    st.subheader("Score earlier sessions again")
    st.caption("After a change to the standards, score the sessions since a date with the current pack. The old "
               "scorecards stay in each session's history; trainers' reviews stay with the scorecard they reviewed.")
    from datetime import date, timedelta

    since = st.date_input("Sessions started since", date.today() - timedelta(days=30), key="rescore_since")
    if st.button("Score again", key="rescore"):
        with errors.shown("rescoring stopped"):
            from coach.storage.rescoring import rescore

            bar = st.progress(0.0, text="Scoring...")
            done = [0]

            def step(n, total):
                done[0] += n
                bar.progress(done[0] / total, text=f"{done[0]:,} of {total:,} sessions scored")

            summary = rescore(resources.database(), resources.scorer(), since=since, on_progress=step)
            bar.progress(1.0, text="Done")
            st.success(f"{summary['rescored']:,} sessions scored again ({summary['skipped']:,} already had this "
                       f"version); {summary['changed']:,} scores changed, by {summary['mean_change']:+} on average.")
