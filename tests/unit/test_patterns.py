"""The indexed token-pattern matcher finds what spaCy's Matcher finds for the same patterns."""

import json
from pathlib import Path

from spacy.matcher import Matcher

from coach.detect.lexicon import load_lexicon
from coach.detect.patterns import TokenPatterns, View

DEV = Path(__file__).resolve().parents[2] / "data" / "behaviors" / "dev.jsonl"


def _longest(matches):
    out = {}
    for label, start, end in matches:
        out[(label, start)] = max(out.get((label, start), 0), end)
    return out


def test_same_matches_as_spacy_matcher(detector):
    nlp = detector.nlp
    patterns = load_lexicon("en").token_patterns()
    spacy_matcher, ours = Matcher(nlp.vocab), TokenPatterns()
    for label, pats in patterns.items():
        spacy_matcher.add(label, pats)
        ours.add(label, pats)
    texts = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()[:300]]
    texts += ["Shall I send it today?", "You can also try restarting it.", "Call us on 0800 123 456.",
              "This is Anna from Billing.", "", "!!!"]
    checked = 0
    for doc in nlp.pipe(texts):
        theirs = _longest((nlp.vocab.strings[m], s, e) for m, s, e in spacy_matcher(doc))
        mine = _longest(ours(View(doc)))
        assert mine == theirs, doc.text
        checked += len(theirs)
    assert checked > 200  # the comparison saw real matches, not just empty sets
