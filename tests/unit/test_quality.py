"""Quality floors for the behaviour detector, so a change that makes it worse fails the build.

The project's development set is always there; the shared set of real staff replies is measured
when the checkout sits beside shared/ (as in CI). The issue's target on the shared set is a
macro-F1 of 0.85 with no tag of 5+ examples under 0.70."""

from pathlib import Path

import pytest

from coach.detect.evaluate import evaluate, load_labelled, macro_f1

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "agent_replies_dev.jsonl"


def test_development_set_floor(detector):
    table, _ = evaluate(detector, load_labelled(ROOT / "data" / "behaviors" / "dev.jsonl"))
    assert len(table) == 18
    assert macro_f1(table) >= 0.85, {t: round(s.f1, 2) for t, s in table.items()}


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ is not beside this checkout")
def test_shared_real_replies_target(detector):
    table, _ = evaluate(detector, load_labelled(SHARED))
    assert macro_f1(table, min_support=5) >= 0.85
    weak = {t: round(s.f1, 2) for t, s in table.items() if s.support >= 5 and s.f1 < 0.70}
    assert not weak, weak


def test_model_replies_show_no_poor_practice(detector):
    """Good replies full of keyword traps ('no problem', 'nothing to worry about', 'unfortunately ...
    but') must not be tagged as poor practice (at most 1 in 50)."""
    import json

    rows = [json.loads(line) for line in (ROOT / "data" / "noise" / "model_replies.jsonl").read_text().splitlines()
            if line.strip()]
    poor = {"negative_phrasing", "blame", "dismissive", "risky_promise", "rude", "jargon"}
    detections = detector.detect_many((r["text"], r["customer"]) for r in rows)
    flagged = [r["id"] for r, d in zip(rows, detections, strict=True) if poor & set(d.behaviors)]
    assert len(flagged) <= len(rows) / 50, flagged
