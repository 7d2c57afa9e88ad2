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


def test_signal_patterns_match_as_spacy_matcher(detector):
    """The signals' patterns (REGEX, IS_SENT_START, LIKE_NUM) are matched by the indexed matcher too."""
    import yaml

    nlp = detector.nlp
    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "coach" / "detect" / "lexicons" / "en"
                           / "signals.yml").read_text(encoding="utf-8"))
    spacy_matcher, ours = Matcher(nlp.vocab), TokenPatterns()
    for side in ("staff", "customer"):
        for name, spec in data[side].items():
            for pattern in spec.get("patterns") or []:
                spacy_matcher.add(f"{side}:{name}", [pattern])
                ours.add(f"{side}:{name}", [pattern])
    texts = ["I'll call you back at 3pm, or 15:30 at the latest.", "It's order AB-12345, ref #883201.",
             "Could you send us a DM?", "See you on the 3rd.", "The engineer comes at 9.30 tomorrow.",
             "May I put you on hold?", "I was cut off twice.", "Order number is 77310."]
    texts += [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()[:300]]
    checked = 0
    for doc in nlp.pipe(texts):
        theirs = _longest((nlp.vocab.strings[m], s, e) for m, s, e in spacy_matcher(doc))
        assert _longest(ours(View(doc))) == theirs, doc.text
        checked += len(theirs)
    assert checked > 20
