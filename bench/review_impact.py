"""What would trainers' corrections change? Train the detector's model with and without them and compare.

Usage: python bench/review_impact.py CORRECTIONS.jsonl

CORRECTIONS.jsonl is what `coach data export-reviews` writes. The script trains two models in memory (the
committed one is not touched): one on data/behaviors/*.jsonl as it is, one with the corrections added, and
prints macro-F1 and the per-tag changes on the development sets and, apart, on the frozen evaluation set.
Add the file to data/behaviors/ and run `coach data train-detector` to keep the corrections.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.detect import Detector  # noqa: E402
from coach.detect.build import training_files  # noqa: E402
from coach.detect.evaluate import evaluate, load_labelled, macro_f1  # noqa: E402
from coach.detect.training import train  # noqa: E402

SETS = [("development: shared real replies", ROOT.parent / "shared" / "data" / "agent_replies_dev.jsonl")] + [
    (f"FROZEN: {p.relative_to(ROOT)}", p) for p in sorted((ROOT / "data" / "eval").glob("frozen*/replies.jsonl"))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corrections", type=Path)
    args = ap.parse_args(argv)
    if not args.corrections.exists():
        sys.exit(f"review_impact: {args.corrections}: no such file; write one with "
                 f"`coach data export-reviews -o {args.corrections}`")
    rules = Detector(model=False)
    base_files = training_files()
    extra = len(load_labelled(args.corrections))
    print(f"training twice: {len(base_files)} files, then with {extra} corrected replies from {args.corrections}")
    before, _ = train(rules, base_files)
    after, _ = train(rules, base_files + [args.corrections])
    detectors = {"without": Detector(model=before), "with": Detector(model=after)}
    for name, path in SETS:
        if not path.exists():
            continue
        rows = load_labelled(path)
        tables = {k: evaluate(d, rows)[0] for k, d in detectors.items()}
        print(f"\n== {name} ({len(rows)} replies)")
        print(f"macro-F1 without {macro_f1(tables['without'], 5):.3f}, with {macro_f1(tables['with'], 5):.3f}")
        for tag in tables["with"]:
            a = tables["without"].get(tag)
            b = tables["with"][tag]
            if a is not None and b.support >= 5 and abs(b.f1 - a.f1) >= 0.005:
                print(f"  {tag:22} {a.f1:.2f} -> {b.f1:.2f}")


if __name__ == "__main__":
    main()
