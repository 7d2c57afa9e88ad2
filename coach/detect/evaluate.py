"""Measure the detector against labelled replies: per-tag precision, recall, F1 and macro-F1."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from coach.behaviors import TAGS


@dataclass
class TagScore:
    precision: float
    recall: float
    f1: float
    support: int


def load_labelled(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return rows


def evaluate(detector, rows):
    """Per-tag scores over the tags that occur in the gold labels or the predictions, and the errors."""
    tp, fp, fn, support = Counter(), Counter(), Counter(), Counter()
    errors = []
    preds = detector.detect_many((r["text"], r.get("customer")) for r in rows)
    for row, det in zip(rows, preds, strict=True):
        gold, got = set(row["tags"]), set(det.behaviors)
        support.update(gold)
        for t in TAGS:
            if t in got and t in gold:
                tp[t] += 1
            elif t in got:
                fp[t] += 1
            elif t in gold:
                fn[t] += 1
        if gold != got:
            errors.append((row, sorted(got - gold), sorted(gold - got), det))
    table = {}
    for t in TAGS:
        if not (tp[t] or fp[t] or fn[t]):
            continue
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        table[t] = TagScore(p, r, f, support[t])
    return table, errors


def macro_f1(table, min_support=0):
    scores = [s.f1 for s in table.values() if s.support >= min_support]
    return sum(scores) / len(scores) if scores else 0.0


def agreement(rows, a="labels_a", b="labels_b"):
    """Per-tag scores of one labeller against the other (the ceiling a detector is compared with)."""

    class _Fixed:
        def detect_many(self, items):
            for row in rows:
                yield _Labels(row[b])

    return evaluate(_Fixed(), [{**r, "tags": r[a]} for r in rows])[0]


class _Labels:
    def __init__(self, tags):
        self.behaviors = list(tags)
        self.spans = []
