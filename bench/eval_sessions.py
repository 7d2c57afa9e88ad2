"""Does the session score order practice sessions as a trainer would? And does it use its range?

Usage: python bench/eval_sessions.py [PAIRS.jsonl ...] [--errors N]

Each line of a pairs file holds two transcripts of the same scenario ("a", "b") and the trainer's judgement
("better": "a" or "b"). A pair counts as ordered when the better session scores strictly higher: a tie is a
miss, because a score that cannot tell two sessions apart cannot rank staff. The development pairs
(data/eval/dev/) may be used to shape the scoring; the frozen pairs (data/eval/frozen/) are for measuring only
and are printed apart (see data/eval/README.md).

It also prints how the scores of the demo company's sessions spread over 0-100, as a histogram.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.standards import Scorer, load_pack  # noqa: E402
from coach.transcript import parse_transcript  # noqa: E402

DEV = [ROOT / "data" / "eval" / "dev" / f"pairs{n}.jsonl" for n in ("", "2", "3", "4", "5", "6", "7", "8")]
FROZEN = [ROOT / "data" / "eval" / "frozen" / "pairs.jsonl"]


def load_pairs(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(scorer, pairs):
    """(ordered, ties, misses, rows): rows are (pair, score_a, score_b) for the report."""
    ordered = ties = 0
    rows = []
    for pair in pairs:
        if pair.get("better") not in ("a", "b"):
            continue
        a = scorer.score(parse_transcript(pair["a"], f"{pair['pair_id']}.a")).overall
        b = scorer.score(parse_transcript(pair["b"], f"{pair['pair_id']}.b")).overall
        good, bad = (a, b) if pair["better"] == "a" else (b, a)
        if good > bad:
            ordered += 1
        elif good == bad:
            ties += 1
        rows.append((pair, a, b))
    return ordered, ties, rows


def report(name, scorer, pairs, show_errors):
    ordered, ties, rows = evaluate(scorer, pairs)
    n = len(rows)
    print(f"\n== {name}: {n} pairs judged by a trainer")
    if not n:
        return
    print(f"ordered as the trainer did: {ordered}/{n} = {100 * ordered / n:.1f}%   ties: {ties}   "
          f"reversed: {n - ordered - ties}")
    by_kind = Counter()
    ok_kind = Counter()
    for pair, a, b in rows:
        kind = pair.get("kind", "-")
        by_kind[kind] += 1
        good, bad = (a, b) if pair["better"] == "a" else (b, a)
        ok_kind[kind] += good > bad
    if len(by_kind) > 1:
        for kind, k in sorted(by_kind.items()):
            print(f"  {kind:22} {ok_kind[kind]:3d}/{k:<3d} = {100 * ok_kind[kind] / k:.0f}%")
    gaps = sorted(abs(a - b) for _, a, b in rows)
    print(f"score gap within a pair: median {gaps[len(gaps) // 2]}, mean {sum(gaps) / n:.1f}")
    shown = 0
    for pair, a, b in rows:
        good, bad = (a, b) if pair["better"] == "a" else (b, a)
        if good <= bad and shown < show_errors:
            shown += 1
            print(f"  {pair['pair_id']}: better={pair['better']} a={a} b={b} | {pair.get('reason', '')[:150]}")


def demo_distribution(scorer, n=400, seed=7):
    """Scores of demo-company sessions (the reply bank, trainees of every skill), as a text histogram."""
    from coach.demo.company import build_transcript, load_bank

    rng = random.Random(seed)
    bank = list(load_bank().values())
    scores = []
    for _ in range(n):
        scenario = rng.choice(bank)
        transcript, _ = build_transcript(rng, scenario, skill=rng.uniform(0.2, 0.95))
        scores.append(scorer.score(parse_transcript(transcript)).overall)
    print(f"\n== demo company: {n} sessions, trainees of every skill")
    bins = Counter(min(s // 10, 9) for s in scores)
    for b in range(10):
        k = bins.get(b, 0)
        print(f"  {b * 10:3d}-{b * 10 + 9 if b < 9 else 100:<3d} {'#' * round(60 * k / n):60} {k}")
    s = sorted(scores)
    print(f"  min {s[0]}, p10 {s[n // 10]}, median {s[n // 2]}, p90 {s[9 * n // 10]}, max {s[-1]}; "
          f"distinct scores {len(set(s))}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--errors", type=int, default=0, help="print up to N misordered development pairs")
    ap.add_argument("--no-demo", action="store_true", help="skip the demo-company distribution")
    args = ap.parse_args(argv)
    scorer = Scorer(load_pack())
    if args.files:
        for path in args.files:
            report(path.name, scorer, load_pairs(path), args.errors)
    else:
        for path in DEV:
            if path.exists():
                report(f"development pairs ({path.relative_to(ROOT)})", scorer, load_pairs(path), args.errors)
        for path in FROZEN:
            if path.exists():
                # frozen: figures only, never the items (looking at them invites tuning on them)
                report(f"FROZEN pairs, measured only ({path.relative_to(ROOT)})", scorer, load_pairs(path), 0)
    if not args.no_demo:
        demo_distribution(scorer)


if __name__ == "__main__":
    main()
