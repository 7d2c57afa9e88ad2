"""How believable the simulated customer is (issue: a customer who listens).

Usage: python bench/bench_realism.py [--seeds N] [--variety N] [--lang xx]

Plays every scenario with every kind of staff side (coach/sim/realism.py: well served, badly served, polite but off
the problem = every other scenario's good side of the same language, vague, over-promising) for N seeds each, with
the real detector and simulator, and prints:
- the share of sessions whose outcome is what a trainer would expect, per kind and in all;
- customer sentences repeated within a session, and offers of details after the customer gave one or was helped
  (per session; the targets are zero);
- how many different sentences the customer says over --variety well-served sessions of each scenario (seeds
  0..N-1), the mean and the scenario with the fewest.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.detect import shared_detector  # noqa: E402
from coach.sim import load_scenarios  # noqa: E402
from coach.sim.realism import play_all, variety  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="seeds per staff side (default 3)")
    ap.add_argument("--variety", type=int, default=100, help="well-served sessions per scenario for variety")
    ap.add_argument("--lang", default=None, help="only the scenarios whose customer speaks this language (en, ru, uk, "
                                                 "...); the off-the-problem sides are of the same language anyway")
    args = ap.parse_args(argv)
    scenarios = load_scenarios()
    if args.lang:
        scenarios = {sid: sc for sid, sc in scenarios.items() if sc.language == args.lang}
        if not scenarios:
            ap.error(f"no scenarios in {args.lang!r}")
    started = time.perf_counter()
    done = []

    def progress(sid):
        done.append(sid)
        print(f"  played {len(done)}/{len(scenarios)}: {sid}", file=sys.stderr, flush=True)

    sessions = play_all(scenarios, seeds=range(1, args.seeds + 1),
                        detector_for=lambda lang: shared_detector(language=lang), progress=progress)
    by_kind = defaultdict(list)
    for s in sessions:
        by_kind[s.kind].append(s)
    which = f" ({args.lang})" if args.lang else ""
    print(f"Realism{which}: {len(scenarios)} scenarios, {len(sessions)} sessions ({args.seeds} seeds per staff side), "
          f"{time.perf_counter() - started:.0f} s")
    print(f"{'staff side':<14} {'sessions':>8} {'expected':>9}   outcomes")
    for kind in ("well", "badly", "off_problem", "vague", "over_promise"):
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        outcomes = defaultdict(int)
        for s in rows:
            outcomes[s.outcome] += 1
        share = sum(s.expected for s in rows) / len(rows)
        seen = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        print(f"{kind:<14} {len(rows):>8} {share:>8.1%}   {seen}")
    total = sum(s.expected for s in sessions) / len(sessions)
    print(f"{'all':<14} {len(sessions):>8} {total:>8.1%}   (target >= 95%)")
    unexpected = [s for s in sessions if not s.expected]
    for s in unexpected[:15]:
        print(f"  not as a trainer would expect: {s.scenario} / {s.kind} -> {s.outcome}")
    repeats = sum(len(s.repeats) for s in sessions)
    reasked = sum(len(s.reasked) for s in sessions)
    print(f"repeated customer sentences per session: {repeats / len(sessions):.3f} ({repeats} in all; target 0)")
    print(f"offers of details already given (or moot), per session: {reasked / len(sessions):.3f} "
          f"({reasked} in all; target 0)")
    well = by_kind.get("well", [])
    print(f"changed lengths of time the customer noticed in well-served sessions (false alarms): "
          f"{sum(s.contradictions for s in well)} in {len(well)}")
    counts = {sid: variety(sc, args.variety, shared_detector(language=sc.language)) for sid, sc in scenarios.items()}
    low = min(counts, key=counts.get)
    print(f"different customer sentences per {args.variety} well-served sessions: mean "
          f"{sum(counts.values()) / len(counts):.1f}, fewest {counts[low]} ({low})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
