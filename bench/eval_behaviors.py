"""Evaluate the behaviour detector: per-tag precision, recall, F1 and the macro average.

Usage: python bench/eval_behaviors.py [FILE.jsonl ...] [--errors N]
Default sets: the shared real staff replies (measurement only, never used to build the detector),
the project's development set and the held-out sets of tricky replies. Macro-F1 is over the tags
that occur in a set's gold labels or predictions (a tag predicted but never labelled counts as 0);
tags with 5 or more gold examples are also reported apart (the floor of 0.70 applies to them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.detect import Detector  # noqa: E402
from coach.detect.evaluate import evaluate, load_labelled, macro_f1  # noqa: E402

DEFAULT_SETS = [
    ROOT.parent / "shared" / "data" / "agent_replies_dev.jsonl",
    ROOT / "data" / "behaviors" / "dev.jsonl",
    ROOT / "data" / "behaviors" / "dev_poor.jsonl",
    ROOT / "data" / "behaviors" / "dev_good.jsonl",
    ROOT / "data" / "behaviors" / "holdout.jsonl",
    ROOT / "data" / "behaviors" / "holdout2.jsonl",
]


def report(name, table, n):
    print(f"\n== {name} ({n} replies)")
    print(f"{'tag':22} {'prec':>6} {'rec':>6} {'F1':>6} {'gold':>5}")
    for t, s in table.items():
        flag = "  <0.70" if s.support >= 5 and s.f1 < 0.70 else ""
        print(f"{t:22} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.support:5d}{flag}")
    print(f"macro-F1 (all {len(table)} tags seen): {macro_f1(table):.3f}")
    big = [s.f1 for s in table.values() if s.support >= 5]
    if big:
        print(f"macro-F1 (tags with >=5 gold): {macro_f1(table, 5):.3f}; lowest {min(big):.2f}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--errors", type=int, default=0, help="print up to N misclassified replies per set")
    args = ap.parse_args(argv)
    files = args.files or [p for p in DEFAULT_SETS if p.exists()]
    detector = Detector()
    for path in files:
        rows = load_labelled(path)
        table, errors = evaluate(detector, rows)
        report(path.name, table, len(rows))
        for row, extra, missing, det in errors[: args.errors]:
            print(f"  {row['id']}: +{extra} -{missing} | {row['text'][:160]!r}")
            for e in det.spans:
                if e.behavior in extra:
                    print(f"      {e.behavior}: {e.text!r}")


if __name__ == "__main__":
    main()
