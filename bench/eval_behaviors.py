"""Evaluate the behaviour detector: per-tag precision, recall, F1 and the macro average.

Usage: python bench/eval_behaviors.py [FILE.jsonl ...] [--errors N] [--lang ru]

Without files it prints two groups, apart:
- development figures: the shared real staff replies (never used to build the detector, but looked at), the
  development replies of data/eval/dev/replies_*.jsonl (independent writers, labelled twice; not trained on), the
  3,000 replies of data/behaviors/not_adopted/ (twelve writers who never saw the definitions, labelled twice, not
  trained on; one set) and the
  project's labelled replies (data/behaviors/, which the detector is built from: for these the figure is the
  out-of-fold one, printed by `coach data train-detector`, and this one shows how well it fits);
- FROZEN figures (data/eval/frozen*/replies.jsonl, each set apart): written and labelled by people who never saw
  the detector, used for measuring only (data/eval/README.md). Printed per writer's brief, beside the agreement of
  the two labellers with each other, which is the ceiling. Never with items: --errors applies to development sets only.

With --lang xx (a language other than English) the sets are data/eval/xx/dev/replies_*.jsonl,
data/behaviors/xx/*.jsonl, data/behaviors/xx/not_adopted/*.jsonl where the language has them (replies tried for
training and left out, one set) and data/eval/xx/frozen*/replies.jsonl, measured with that language's detector.

Macro-F1 is over the tags with 5 or more gold examples in a set (a tag predicted but never labelled counts
where it has support); all tags seen are also reported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.detect import Detector  # noqa: E402
from coach.detect.evaluate import agreement, evaluate, load_labelled, macro_f1  # noqa: E402

DEVELOPMENT = [ROOT.parent / "shared" / "data" / "agent_replies_dev.jsonl",
               *sorted((ROOT / "data" / "eval" / "dev").glob("replies_*.jsonl"))]
TRAINING = sorted((ROOT / "data" / "behaviors").glob("*.jsonl"))


def writers_apart(language="en"):
    """Labelled replies tried for training and not adopted (data/behaviors[/<lang>]/not_adopted/, whose READMEs say
    who wrote them and why they were left out): a development set measured as one. English: 3,000 replies by twelve
    writers who never saw the tag definitions, labelled twice as the frozen sets were (the yardstick); Swedish: 1,000
    by four such writers; Russian: 400 by two writers briefed on what the model got wrong and 1,000 by four who never
    saw the definitions."""
    folder = ROOT / "data" / "behaviors" / ("" if language == "en" else language) / "not_adopted"
    return sorted(folder.glob("*.jsonl"))


WRITERS_APART = writers_apart("en")
FROZEN_DIR = ROOT / "data" / "eval"
# every frozen set of replies: data/eval/frozen/replies.jsonl, data/eval/frozen2/replies.jsonl, ...
FROZEN = sorted(FROZEN_DIR.glob("frozen*/replies.jsonl"))


def sets(language):
    """(development, training, frozen) files of a language."""
    if language == "en":
        return DEVELOPMENT, TRAINING, FROZEN
    here = FROZEN_DIR / language
    return (sorted((here / "dev").glob("replies_*.jsonl")),
            sorted((ROOT / "data" / "behaviors" / language).glob("*.jsonl")),
            sorted(here.glob("frozen*/replies.jsonl")))


def report(name, table, n, per_tag=True):
    print(f"\n== {name} ({n} replies)")
    if per_tag:
        print(f"{'tag':22} {'prec':>6} {'rec':>6} {'F1':>6} {'gold':>5}")
        for t, s in table.items():
            flag = "  <0.70" if s.support >= 5 and s.f1 < 0.70 else ""
            print(f"{t:22} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.support:5d}{flag}")
    big = [s.f1 for s in table.values() if s.support >= 5]
    print(f"macro-F1 (tags with >=5 gold): {macro_f1(table, 5):.3f}; lowest {min(big) if big else 0:.2f}; "
          f"(all {len(table)} tags seen: {macro_f1(table):.3f})")


def frozen_report(detector, path):
    rows = load_labelled(path)
    table, _ = evaluate(detector, rows)
    report(f"FROZEN {path.resolve().relative_to(ROOT)}: measured only", table, len(rows))
    if all("labels_a" in r and "labels_b" in r for r in rows):
        ceiling = agreement(rows)
        print(f"labellers' agreement (A vs B, macro-F1): {macro_f1(ceiling, 5):.3f}; the engine is "
              f"{macro_f1(ceiling, 5) - macro_f1(table, 5):+.3f} below it")
        print(f"{'tag':22} {'engine':>7} {'A vs B':>7}")
        for t, s in table.items():
            if s.support >= 5:
                print(f"{t:22} {s.f1:7.2f} {ceiling[t].f1 if t in ceiling else 0:7.2f}")
    for writer in sorted({r.get("writer", "") for r in rows} - {""}):
        part = [r for r in rows if r.get("writer") == writer]
        wt, _ = evaluate(detector, part)
        line = f"  writer {writer}: {len(part)} replies, engine {macro_f1(wt, 5):.3f}"
        if all("labels_a" in r for r in part):
            line += f", labellers {macro_f1(agreement(part), 5):.3f}"
        print(line)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--errors", type=int, default=0, help="print up to N misclassified replies per development set")
    ap.add_argument("--lang", default="en", help="the language's detector and sets (default: en)")
    args = ap.parse_args(argv)
    detector = Detector(language=args.lang)
    development, training, frozen = sets(args.lang)
    if args.files:
        for path in args.files:
            if path.resolve() in {f.resolve() for f in FROZEN + frozen}:
                frozen_report(detector, path)
                continue
            rows = load_labelled(path)
            table, errors = evaluate(detector, rows)
            report(path.name, table, len(rows))
            show_errors(errors, args.errors)
        return
    print("# development figures (looked at; the detector's own data shows fit, not generalisation)")
    for path in [p for p in development + training if p.exists()]:
        rows = load_labelled(path)
        table, errors = evaluate(detector, rows)
        report(path.name, table, len(rows), per_tag=path in development)
        show_errors(errors, args.errors)
    apart = writers_apart(args.lang)
    if apart:
        rows = [r for path in apart for r in load_labelled(path)]
        table, errors = evaluate(detector, rows)
        where = apart[0].parent.relative_to(ROOT)
        report(f"replies not trained on ({where}/, {len(apart)} files; who wrote them: the README beside them)", table,
               len(rows))
        show_errors(errors, args.errors)
    if frozen:
        print("\n# frozen figures (never tuned on)")
        for path in frozen:
            frozen_report(detector, path)


def show_errors(errors, n):
    for row, extra, missing, det in errors[:n]:
        print(f"  {row['id']}: +{extra} -{missing} | {row['text'][:160]!r}")
        for e in det.spans:
            if e.behavior in extra:
                print(f"      {e.behavior}: {e.text!r}")


if __name__ == "__main__":
    main()
