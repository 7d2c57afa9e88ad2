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
from trainer_ui.i18n import count, language, t, term

user = signin.page("standards", "Standards")
# the standards of the language the person works in (a Russian-speaking trainee checks Russian phrases against the
# Russian pack); rescoring below is for the English sessions
scorer = resources.scorer(language())
pack = scorer.pack

st.subheader(t("Phrase checker"))
st.caption(t("Type what you would say; press Enter to see what the coach hears in it and how it scores."))
c1, c2 = st.columns([2, 1])
sentence = c1.text_input(t("Your sentence"), key="check_text", max_chars=2000,
                         placeholder=t("I can't do that until Monday, it's not my department."))
customer = c2.text_input(t("The customer said (optional)"), key="check_customer", max_chars=2000,
                         placeholder=t("My order is late again!"))
if sentence.strip():
    with errors.shown(t("the sentence could not be checked")):
        det = scorer.detector.detect(sentence, customer or None)
        turns = ([Turn("customer", customer)] if customer.strip() else []) + [Turn("staff", sentence)]
        card = scorer.score(Transcript(turns=turns))
        for w in det.warnings:
            st.warning(w)
        # the behaviour tags by their names in the catalog (coach/locale: "negative_phrasing" and the like)
        st.markdown(t("**What the coach hears:**") + " "
                    + (", ".join(f"`{t(b)}`" for b in det.behaviors) or t("nothing it knows")))
        findings = [{"rule": f.rule, "message": f.message, "span": f.span} for f in card.findings
                    if f.turn == len(turns) - 1 and f.span]
        widgets.show(widgets.highlighted(sentence, findings))
        turn_findings = [f for f in card.findings if f.turn == len(turns) - 1]
        if not turn_findings:
            st.success(t("No standard broken in this sentence."))
        else:
            st.error(t("{n} standard(s) broken in this sentence:", n=len(turn_findings)))
        for f in turn_findings:
            widgets.show(widgets.finding_line({"rule": f.rule, "message": f.message, "fix": f.fix,
                                               "suggestion": f.suggestion}))

st.subheader(t("{name} (version {version})", name=pack.name, version=pack.version))
for cat, title in pack.categories.items():
    rules = [r for r in pack.rules if r.category == cat]
    st.markdown(f"### {title} ({len(rules)})")
    for r in rules:
        with st.expander(f"{r.id} · {r.title} · {term(r.severity)}"):
            st.markdown(r.message)
            if r.suggestions:
                widgets.show(f"<b>{t('Say instead:')}</b> "
                             + " / ".join(f"<i>{widgets.typed(s)}</i>" for s in r.suggestions[:3]))
            for kind, icon in (("pass", widgets.MET), ("fail", widgets.MISSED)):
                for ex in (r.examples or {}).get(kind, [])[:3]:
                    text = ex if isinstance(ex, str) else " → ".join(
                        f"{term(turn['speaker'])}: {turn['text'] if 'text' in turn else term(turn.get('event', ''))}"
                        for turn in ex.get("turns", []))
                    widgets.show(f"{icon} {widgets.typed(text)}")
            st.caption(t("Source: {source} · {file}", source=r.source, file=Path(r.path).name))
            if user["role"] == "admin":
                key = f"edit_{r.id}"
                new = st.text_area(t("Rule file (YAML)"), Path(r.path).read_text(encoding="utf-8"), key=key, height=300,
                                   max_chars=100_000)
                if st.button(t("Check and save"), key=f"save_{r.id}"):
                    with errors.shown(t("{file} was not saved", file=Path(r.path).name)):
                        from coach.standards import Scorer, load_pack

                        root = Path(pack.path)
                        with tempfile.TemporaryDirectory() as tmp:  # check the whole pack with the edit in it
                            copy = Path(tmp) / root.name
                            shutil.copytree(root, copy)
                            (copy / Path(r.path).relative_to(root)).write_text(new, encoding="utf-8")
                            Scorer(load_pack(copy), detector=scorer.detector)
                        Path(r.path).write_text(new, encoding="utf-8")
                        resources.reload_standards()
                        st.success(t("Saved. New sessions are scored with it; run `coach rescore --since <date>` "
                                     "to score earlier sessions again."))

if user["role"] == "admin":
    st.subheader(t("Score earlier sessions again"))
    st.caption(t("After a change to the standards, score the sessions since a date with the current pack. The old "
                 "scorecards stay in each session's history; trainers' reviews stay with the scorecard they reviewed."))
    from datetime import date, timedelta

    since = st.date_input(t("Sessions started since"), date.today() - timedelta(days=30), key="rescore_since")
    if st.button(t("Score again"), key="rescore"):
        with errors.shown(t("rescoring stopped")):
            from coach.storage.rescoring import rescore

            bar = st.progress(0.0, text=t("Scoring..."))
            done = [0]

            def step(n, total):
                done[0] += n
                bar.progress(done[0] / total,
                             text=t("{done} of {total} sessions scored", done=count(done[0]), total=count(total)))

            summary = rescore(resources.database(), resources.scorer(), since=since, on_progress=step)
            bar.progress(1.0, text=t("Done"))
            st.success(t("{rescored} sessions scored again ({skipped} already had this version); {changed} scores "
                         "changed, by {mean} on average.", rescored=count(summary["rescored"]),
                         skipped=count(summary["skipped"]), changed=count(summary["changed"]),
                         mean=f"{summary['mean_change']:+}"))
