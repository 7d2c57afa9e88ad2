"""How well does the Rasa NLU understand the trainee? Intent macro-F1 on the held-out split.

The held-out examples (data/nlu_holdout/) were written apart from the training data and are never
trained on (the model trains on data/nlu and data/rules only). Prints precision, recall and F1 per
intent, the macro-F1 (target: at least 0.90), entity precision/recall (exact entity and value), and how
often the model's intent is one of the rule-based detector's behaviours for the same message.

Usage: python bench/eval_nlu.py [--model models/coach-....tar.gz]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # no error reports to Rasa's servers from here
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET = 0.90


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="default: train (if needed) and use the current model")
    ap.add_argument("--holdout", default=str(ROOT / "data" / "nlu_holdout"))
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    from coach.detect import shared_detector
    from ops.servers import train

    model = args.model or str(train(quiet=True))
    agent = Agent.load(model)
    data = load_data(args.holdout)
    trained = {e.get("text") for e in load_data(str(ROOT / "data" / "nlu")).training_examples}
    examples = data.training_examples
    leaked = [e.get("text") for e in examples if e.get("text") in trained]
    if leaked:
        print(f"warning: {len(leaked)} held-out example(s) also appear in the training data, e.g. {leaked[0]!r}")
    detector = shared_detector()

    async def parse_all():
        return [await agent.parse_message(e.get("text")) for e in examples]

    started = time.perf_counter()
    parsed = asyncio.run(parse_all())
    per_msg_ms = (time.perf_counter() - started) * 1000 / max(1, len(examples))
    tp, fp, fn, entities, agree = score_parses(examples, parsed, detector)
    intents = sorted(set(tp) | set(fn))
    print(f"held-out: {len(examples)} examples, {len(intents)} intents; model {Path(model).name}")
    print(f"{'intent':<22}{'prec':>7}{'rec':>7}{'F1':>7}{'n':>5}")
    f1s = []
    for it in intents:
        p = tp[it] / (tp[it] + fp[it]) if tp[it] + fp[it] else 0.0
        r = tp[it] / (tp[it] + fn[it]) if tp[it] + fn[it] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        print(f"{it:<22}{p:>7.2f}{r:>7.2f}{f:>7.2f}{tp[it] + fn[it]:>5}")
    macro = sum(f1s) / len(f1s)
    ent_tp, ent_fp, ent_fn = entities
    ep = ent_tp / (ent_tp + ent_fp) if ent_tp + ent_fp else 0.0
    er = ent_tp / (ent_tp + ent_fn) if ent_tp + ent_fn else 0.0
    print(f"\nintent macro-F1 {macro:.3f} (target {TARGET:.2f}: {'met' if macro >= TARGET else 'NOT met'}); "
          f"accuracy {sum(tp.values()) / len(examples):.3f}")
    print(f"entities: precision {ep:.2f}, recall {er:.2f} ({ent_tp + ent_fn} in the held-out set)")
    print(f"the model's intent is one of the detector's behaviours for {agree / len(examples):.0%} of messages")
    print(f"parse time {per_msg_ms:.1f} ms per message")
    return 0 if macro >= TARGET else 1


def score_parses(examples, parsed, detector):
    """Per intent true positives, false positives and false negatives; entity (tp, fp, fn); and for how many
    messages the model's intent is one of the detector's behaviours."""
    tp, fp, fn = Counter(), Counter(), Counter()
    ent_tp = ent_fp = ent_fn = agree = 0
    for e, p in zip(examples, parsed, strict=True):
        gold, pred = e.get("intent"), p["intent"]["name"]
        if gold == pred:
            tp[gold] += 1
        else:
            fp[pred] += 1
            fn[gold] += 1
        want = {(x["entity"], x["value"].lower()) for x in e.get("entities") or []}
        got = {(x["entity"], str(x["value"]).lower()) for x in p.get("entities") or []}
        ent_tp += len(want & got)
        ent_fp += len(got - want)
        ent_fn += len(want - got)
        tags = detector.detect(e.get("text")).behaviors
        agree += pred in tags or (pred == "other" and not tags)
    return tp, fp, fn, (ent_tp, ent_fp, ent_fn), agree


if __name__ == "__main__":
    sys.exit(main())
