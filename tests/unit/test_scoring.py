"""Scorecards order sessions the way a careful trainer would, and show their arithmetic."""

import json
import re
from pathlib import Path

import pytest

from coach.transcript import TranscriptError, parse_transcript

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "transcripts"
COMPLAINT = "My order was due a week ago and it still hasn't arrived. This is ridiculous."


def one_reply(text, channel="chat"):
    return parse_transcript({"channel": channel, "turns": [
        {"speaker": "customer", "text": COMPLAINT}, {"speaker": "staff", "text": text}]})


GOOD = ("I'm so sorry your order is late, I understand how frustrating that is. I'll send a replacement by express "
        "today, and you'll get the tracking e-mail within two hours. Is there anything else I can help with? "
        "Thank you for your patience.")
REFUSES = "We can't do anything about that, it's with the courier."
BLAMES = "You entered the wrong address, so that's on you."
PROMISES = "I promise it will definitely arrive tomorrow, I guarantee it."


@pytest.mark.parametrize("worse", [REFUSES, BLAMES, PROMISES])
def test_good_reply_beats_poor_reply(scorer, worse):
    good, bad = scorer.score(one_reply(GOOD)), scorer.score(one_reply(worse))
    assert good.overall > bad.overall
    assert good.categories["complaint"] > bad.categories["complaint"]


def test_good_demo_transcripts_beat_poor_ones(scorer):
    def score(name):
        return scorer.score(parse_transcript(json.loads((EXAMPLES / name).read_text()))).overall

    assert score("late_delivery_good.json") > score("late_delivery_poor.json")
    assert score("phone_hold_good.json") > score("phone_hold_poor.json")
    assert score("late_delivery_good.json") >= 90
    assert score("threatening_shouter_poor.json") <= 40


def test_a_critical_breach_costs_more_than_a_minor_one(scorer, pack):
    rude = scorer.score(one_reply(GOOD + " Obviously you didn't read the confirmation."))
    assert any(f.severity == "critical" for f in rude.findings)
    good = scorer.score(one_reply(GOOD))
    lost = 100 - rude.overall, 100 - good.overall
    assert lost[0] >= lost[1] + 25, (rude.overall, good.overall)


def test_explanation_arithmetic_adds_up(scorer, pack):
    """Recompute the score from the findings and the pack's weights, independently of the engine."""
    card = scorer.score(one_reply(REFUSES))
    rules = {r.id: r for r in pack.rules}
    counts = {}
    for f in card.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    costs = {}
    for rid in card.missed:
        r = rules[rid]
        n = counts[rid] if r.type in ("avoid", "substitution", "limit", "offers", "timing") else 1
        cost = r.weight * pack.severity_factors[r.severity] * min(pack.repeat_max, 1 + pack.repeat_share * (n - 1))
        costs[rid] = cost * pack.category_weights.get(r.category, 1.0)
    for group in pack.overlaps:  # one omission: the costliest of a group in full, the others at the share
        hit = sorted((rid for rid in group if rid in costs), key=lambda rid: (-costs[rid], rid))
        for rid in hit[1:]:
            costs[rid] *= pack.overlap_share
    total, by_cat = sum(costs.values()), {}
    for rid, cost in costs.items():
        by_cat[rules[rid].category] = by_cat.get(rules[rid].category, 0.0) + cost
    assert card.missed, "the refusal should miss some standards"
    assert any(set(group) & set(card.missed) for group in pack.overlaps), "the refusal should miss an overlap"
    assert card.overall == round(100 * 0.5 ** (total / pack.half_life))
    for cat, value in card.categories.items():
        assert value == round(100 * 0.5 ** (by_cat.get(cat, 0.0) / pack.half_life))
    assert card.explanation[-1].endswith(f"= {card.overall}")
    assert all(rid in " ".join(card.explanation) for rid in card.missed)


def test_more_missed_standards_never_score_higher(scorer):
    """Ties only where sessions are equal: one more finding always lowers the score."""
    base = scorer.score(one_reply(GOOD)).overall
    worse = scorer.score(one_reply(GOOD + " Obviously you didn't read the confirmation.")).overall
    worst = scorer.score(one_reply(GOOD + " Obviously you didn't read the confirmation. Obviously.")).overall
    assert base > worse >= worst


def test_findings_point_at_the_trainees_words(scorer):
    card = scorer.score(one_reply(BLAMES))
    blame = [f for f in card.findings if f.rule == "CO010"]
    assert blame and blame[0].turn == 1
    assert BLAMES[blame[0].span["start"]:blame[0].span["end"]] == blame[0].span["text"]
    assert blame[0].suggestion


def test_substitution_offers_a_machine_applicable_fix(scorer):
    card = scorer.score(one_reply("Sorry, that's not my job."))
    sub = [f for f in card.findings if f.fix]
    assert sub, [f.rule for f in card.findings]
    assert "not my job" not in sub[0].fix.lower()


def test_scorecard_carries_the_standards_version(scorer, pack):
    card = scorer.score(one_reply(GOOD)).as_dict()
    assert card["standards"]["pack"] == pack.id and card["standards"]["version"] == pack.version
    assert len(card["standards"]["detector"]) == 12
    assert set(card) >= {"overall", "categories", "findings", "met", "missed", "explanation"}


def test_phone_rules_apply_only_to_calls(scorer):
    chat = scorer.score(one_reply(GOOD))
    phone = scorer.score(one_reply(GOOD, channel="phone"))
    assert "telephone" not in chat.categories
    assert "telephone" in phone.categories


def test_timing_answer_and_hold(scorer):
    slow = parse_transcript({"channel": "phone", "turns": [
        {"speaker": "system", "event": "ring", "t": 0},
        {"speaker": "staff", "text": "Good morning, Billing, this is Sam. How can I help?", "t": 40},
        {"speaker": "customer", "text": "I need my invoice.", "t": 45},
        {"speaker": "staff", "text": "Sure.", "t": 50},
        {"speaker": "system", "event": "hold", "t": 51},
        {"speaker": "system", "event": "resume", "t": 250},
        {"speaker": "staff", "text": "Here it is.", "t": 251}]})
    card = scorer.score(slow)
    rules = {f.rule for f in card.findings}
    assert "TE001" in rules  # answered after 40 s
    assert "TE007" in rules  # on hold 199 s
    assert "TE005" in rules  # no permission asked before the hold


@pytest.mark.parametrize("obj,msg", [
    ({}, "missing 'turns'"),
    ({"turns": "hello"}, "'turns' must be a list"),
    ({"turns": [{"speaker": "robot", "text": "hi"}]}, "unknown speaker 'robot'"),
    ({"turns": [{"speaker": "staff"}]}, "missing 'text'"),
    ({"turns": [{"speaker": "customer", "text": "hi"}]}, "no staff turn"),
    ({"channel": "fax", "turns": []}, "channel 'fax'"),
    ({"turns": [{"speaker": "staff", "text": "a", "t": 5}, {"speaker": "staff", "text": "b", "t": 2}]}, "back in time"),
    ({"turns": [{"speaker": "system", "event": "explode"}]}, "needs 'event'"),
])
def test_bad_transcripts_are_explained(obj, msg):
    with pytest.raises(TranscriptError, match=re.escape(msg)):
        parse_transcript(obj)


def test_suggestion_is_the_one_closest_to_the_reply(scorer, pack):
    rule = pack.rule("CT012")
    assert len(rule.suggestions) >= 2
    card = scorer.score(one_reply("Hold on."))
    finding = next(f for f in card.findings if f.rule == "CT012")
    assert "hold" in finding.suggestion.lower()
    card = scorer.score(one_reply("Send me your reference number."))
    finding = next(f for f in card.findings if f.rule == "CT012")
    assert "send me your reference number" in finding.suggestion


def test_one_omission_is_charged_in_full_once(scorer, pack):
    """A fix with no sorry misses "acknowledge", "apologise" and "in order" at once: the costliest in full, the
    others at the pack's overlap share; without the overlaps the same reply would lose more."""
    from dataclasses import replace

    from coach.standards import Scorer

    reply = ("I've sent a replacement by express today, and you'll get the tracking e-mail within two hours. Is "
             "there anything else I can help with? Thank you for letting us know.")
    card = scorer.score(one_reply(reply))
    assert {"CO001", "CO002", "CO008"} <= set(card.missed), card.missed
    words = " ".join(card.explanation)
    assert "CO001 -8 (8 x minor 1)" in words
    assert "CO002 -1.5 (6 x minor 1 x 0.25, the same omission as CO001)" in words
    assert "CO008 -1.8 (7 x minor 1 x 0.25, the same omission as CO001)" in words
    charged_each = Scorer(replace(pack, overlaps=[])).score(one_reply(reply))
    assert charged_each.missed == card.missed and charged_each.overall < card.overall
