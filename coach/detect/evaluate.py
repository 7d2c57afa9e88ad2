"""Measure the detector against labelled replies: per-tag precision, recall, F1 and macro-F1."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import numpy as np

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


def paired_bootstrap(gold, got_a, got_b, rounds=2000, seed=0, min_support=5):
    """How sure is a change of macro-F1 on one set? gold, got_a, got_b: one set of tags per reply (the labels and
    two detectors' findings). Resamples the replies with replacement `rounds` times and returns (a's macro-F1 and b's
    on the set, the 2.5th and 97.5th percentiles of b - a over the resamples). Macro-F1 as macro_f1(table,
    min_support): over the tags with that many gold examples in each resample."""
    n = len(gold)
    if not (n == len(got_a) == len(got_b)) or n == 0:
        raise ValueError("gold and both detectors' findings need one entry per reply, and at least one reply")

    def matrix(sets):
        return np.array([[t in s for t in TAGS] for s in sets], dtype=np.float64)

    g, a, b = matrix(gold), matrix(got_a), matrix(got_b)
    parts = [g, g * a, a, g * b, b]  # gold, true positives and findings of each detector, per reply and tag

    def macro(weights):
        support, tp_a, found_a, tp_b, found_b = (weights @ m for m in parts)
        keep = support >= min_support
        if not keep.any():
            return 0.0, 0.0
        f_a = np.divide(2 * tp_a, support + found_a, out=np.zeros_like(tp_a), where=(support + found_a) > 0)
        f_b = np.divide(2 * tp_b, support + found_b, out=np.zeros_like(tp_b), where=(support + found_b) > 0)
        return float(f_a[keep].mean()), float(f_b[keep].mean())

    first, second = macro(np.ones(n))
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(rounds):
        x, y = macro(np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64))
        diffs.append(y - x)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return first, second, float(lo), float(hi)
