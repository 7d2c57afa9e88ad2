"""Two trained English models side by side on the development sets, with how sure each difference is.

Usage: python bench/compare_detectors.py B.npz [--a A.npz] [--rounds 2000] [--tags TAG ...]
       python bench/compare_detectors.py --save-a FINDINGS.json [--a A.npz]      (in the tree of the code before)
       python bench/compare_detectors.py B.npz --a-findings FINDINGS.json       (in the tree of the code after)

A is the committed model (coach/detect/models/en.npz) unless given; B is a model trained elsewhere, for example in a
worktree with more labelled replies (`coach data train-detector` writes coach/detect/models/en.npz there). For each
development set (the shared real replies, data/eval/dev/replies_*.jsonl, and the replies of writers who never saw
the definitions, data/behaviors/not_adopted/) it prints both macro-F1s, B - A, and the
95% interval of B - A from a paired bootstrap over the set's replies (coach.detect.evaluate.paired_bootstrap): a
difference whose interval holds 0 is not told apart from resampling. Never the frozen sets: they are measured after a
decision, with bench/eval_behaviors.py, not used to make it. A set a model was trained on measures nothing; say so
when reading the figures.

`--tags` also prints, for each set, both models' F1 on the tags named and their sum (the adoption rules in
data/behaviors/README.md name the tags a new file is meant to teach).

When the rules changed too, A's findings come from the code before: `--save-a` writes them (per set, per reply) from
the tree it runs in, and `--a-findings` reads them in the tree of the change, which runs B with its own rules.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval_behaviors import DEVELOPMENT, WRITERS_APART  # noqa: E402  (bench/, beside this script)

from coach.behaviors import TAGS  # noqa: E402
from coach.detect import Detector  # noqa: E402
from coach.detect.evaluate import load_labelled, paired_bootstrap  # noqa: E402
from coach.detect.learned import MODEL_DIR, LinearTagger  # noqa: E402


def development_sets():
    """(name, rows) of every English development set: bench/eval_behaviors.py's, the not_adopted files as one set."""
    out = [(p.stem if p.parent.name == "dev" else "shared real replies", load_labelled(p))
           for p in DEVELOPMENT if p.exists()]
    if WRITERS_APART:
        out.append(("behaviors/not_adopted", [r for p in WRITERS_APART for r in load_labelled(p)]))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("b", type=Path, nargs="?", help="the model compared (an en.npz from coach data train-detector)")
    ap.add_argument("--a", type=Path, default=MODEL_DIR / "en.npz", help="the model compared with (the committed one)")
    ap.add_argument("--rounds", type=int, default=2000, help="bootstrap resamples (default 2000)")
    ap.add_argument("--tags", nargs="+", choices=TAGS, default=(), help="also print both models' F1 on these tags")
    ap.add_argument("--save-a", type=Path, help="write A's findings on every set to this file and stop")
    ap.add_argument("--a-findings", type=Path, help="A's findings as --save-a wrote them (in the tree before a change)")
    args = ap.parse_args(argv)
    if args.b is None and args.save_a is None:
        ap.error("give the model compared (B.npz), or --save-a FILE")
    for path in (args.a, args.b):
        if path is not None and not path.is_file():
            ap.error(f"{path}: no such model file; give an en.npz written by `coach data train-detector`")
    sets = development_sets()
    if args.save_a:
        a = Detector(model=LinearTagger.load(args.a))
        saved = {name: [sorted(d.behaviors) for d in a.detect_many((r["text"], r.get("customer")) for r in rows)]
                 for name, rows in sets}
        args.save_a.write_text(json.dumps({"model": str(args.a), "findings": saved}), encoding="utf-8")
        print(f"A's findings on {len(saved)} sets written to {args.save_a}")
        return 0
    saved = json.loads(args.a_findings.read_text(encoding="utf-8")) if args.a_findings else None
    a = None if saved else Detector(model=LinearTagger.load(args.a))
    b = Detector(model=LinearTagger.load(args.b))
    print(f"A = {saved['model'] + ' (findings of ' + str(args.a_findings) + ')' if saved else args.a}\nB = {args.b}\n")
    print(f"{'development set':28} {'replies':>7} {'A':>6} {'B':>6} {'B - A':>7}  95% interval of B - A")
    for name, rows in sets:
        items = [(r["text"], r.get("customer")) for r in rows]
        got_a = [set(x) for x in saved["findings"][name]] if saved else [set(d.behaviors) for d in a.detect_many(items)]
        if len(got_a) != len(rows):
            raise SystemExit(f"{name}: the saved findings are of {len(got_a)} replies, the set has {len(rows)}")
        got_b = [set(d.behaviors) for d in b.detect_many(items)]
        gold = [set(r["tags"]) for r in rows]
        fa, fb, lo, hi = paired_bootstrap(gold, got_a, got_b, rounds=args.rounds)
        print(f"{name:28} {len(rows):7d} {fa:6.3f} {fb:6.3f} {fb - fa:+7.3f}  [{lo:+.3f}, {hi:+.3f}]"
              f"{'' if lo <= 0 <= hi else '  (told apart)'}")
        if args.tags:
            print(_tag_line(args.tags, gold, got_a, got_b))
    return 0


def _f1(tag, gold, got):
    tp = sum(1 for g, x in zip(gold, got, strict=True) if tag in g and tag in x)
    n = sum(tag in g for g in gold) + sum(tag in x for x in got)
    return 2 * tp / n if n else 0.0


def _tag_line(tags, gold, got_a, got_b):
    """  rude 0.31 -> 0.40, blame ...; sum A -> B"""
    pairs = [(_f1(t, gold, got_a), _f1(t, gold, got_b)) for t in tags]
    each = ", ".join(f"{t} {a:.2f} -> {b:.2f}" for t, (a, b) in zip(tags, pairs, strict=True))
    return f"{'':28} {each}; sum {sum(a for a, _ in pairs):.3f} -> {sum(b for _, b in pairs):.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
