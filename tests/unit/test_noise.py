"""Noise test (proselint-style): the reply-level standards must stay quiet on model replies."""

import json
from pathlib import Path

from coach.transcript import parse_transcript

CORPUS = Path(__file__).resolve().parents[2] / "data" / "noise" / "model_replies.jsonl"
# rules judged on a single reply; session rules (require, sequence, and conditionals that look at
# the following replies) need a whole conversation
REPLY_LEVEL = ("avoid", "substitution", "limit", "conditional")


def _reply_level(rule):
    return rule.type in REPLY_LEVEL and not (rule.type == "conditional" and rule.spec["within"] > 0)


def test_model_replies_are_rarely_flagged(scorer):
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 200
    reply_rules = {r.id for r in scorer.pack.rules if _reply_level(r)}
    flagged = []
    for row in rows:
        tr = parse_transcript({"channel": row["channel"], "turns": [
            {"speaker": "customer", "text": row["customer"]}, {"speaker": "staff", "text": row["text"]}]})
        hits = [f for f in scorer.score(tr).findings if f.rule in reply_rules]
        if hits:
            flagged.append((row["id"], [(f.rule, f.span and f.span["text"]) for f in hits]))
    rate = len(flagged) / len(rows)
    assert rate <= 1 / 50, f"{len(flagged)} of {len(rows)} model replies flagged: {flagged}"
