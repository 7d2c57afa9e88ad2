"""Evaluate the behaviour detector: per-tag precision, recall, F1 and the macro average.

Usage: python bench/eval_behaviors.py [FILE.jsonl ...]
Default sets: the shared real staff replies (measurement only, never used for training),
the project's development set and the held-out set of tricky replies.
Macro-F1 is over the tags that occur in the gold labels or the predictions of a set; tags with
5 or more gold examples are also reported separately (the issue's floor of 0.70 applies to them).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.behaviors import TAGS  # noqa: E402
from coach.detect import Detector  # noqa: E402

DEFAULT_SETS = [
    ROOT.parent / "shared" / "data" / "agent_replies_dev.jsonl",
    ROOT / "data" / "behaviors" / "dev.jsonl",
    ROOT / "data" / "behaviors" / "holdout.jsonl",
]


def load(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return rows


def evaluate(detector, rows):
    tp, fp, fn, support = Counter(), Counter(), Counter(), Counter()
    errors = []
    preds = detector.detect_many((r["text"], r.get("customer")) for r in rows)
    for row, det in zip(rows, preds):
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
        table[t] = (p, r, f, support[t])
    return table, errors


def report(name, table, n):
    print(f"\n== {name} ({n} replies)")
    print(f"{'tag':22} {'prec':>6} {'rec':>6} {'F1':>6} {'gold':>5}")
    for t, (p, r, f, s) in table.items():
        flag = "  <0.70" if s >= 5 and f < 0.70 else ""
        print(f"{t:22} {p:6.2f} {r:6.2f} {f:6.2f} {s:5d}{flag}")
    macro = sum(v[2] for v in table.values()) / len(table) if table else 0.0
    big = [v[2] for v in table.values() if v[3] >= 5]
    print(f"macro-F1 (all {len(table)} tags seen): {macro:.3f}")
    if big:
        print(f"macro-F1 (tags with >=5 gold): {sum(big) / len(big):.3f}; lowest {min(big):.2f}")
    return macro


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--errors", type=int, default=0, help="print up to N misclassified replies per set")
    args = ap.parse_args(argv)
    files = args.files or [p for p in DEFAULT_SETS if p.exists()]
    detector = Detector()
    for path in files:
        rows = load(path)
        table, errors = evaluate(detector, rows)
        report(path.name, table, len(rows))
        for row, extra, missing, det in errors[: args.errors]:
            print(f"  {row['id']}: +{extra} -{missing} | {row['text'][:160]!r}")
            for e in det.spans:
                if e.behavior in extra:
                    print(f"      {e.behavior}: {e.text!r}")


if __name__ == "__main__":
    main()
