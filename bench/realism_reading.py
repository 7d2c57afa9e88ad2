"""Transcripts for a believability reading (issue: a customer who listens), and the readers' figures.

Usage:
  python bench/realism_reading.py sample OUT_DIR [--per-scenario 10] [--seed 20261207] [--lang en ru]
  python bench/realism_reading.py score OUT_DIR

`sample` plays every scenario of the languages (coach/sim/realism.py's staff sides, in the plan below per scenario,
each with a random script of its kind and a random seed), shuffles them, and writes:
- OUT_DIR/set_A.md and set_B.md: half the transcripts each, as a reader sees them (the situation and the lines;
  nothing about the staff side's kind or the outcome). Two readers read each set, apart, from BRIEF.md;
- OUT_DIR/key.json: each transcript's scenario, language, channel, kind and outcome (not for readers).
`score` reads the readers' OUT_DIR/ratings_*.jsonl ({"id", "score", "worst_line", "why"}) and prints each reader's
mean, the mean over transcripts, by kind, language and channel, and how often two readers agree.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.detect import shared_detector  # noqa: E402
from coach.sim import load_scenarios  # noqa: E402
from coach.sim.play import play  # noqa: E402
from coach.sim.realism import staff_sides  # noqa: E402

# per scenario: three well served, two badly, two vague, two another scenario's good side, one over-promising
PLAN = ["well"] * 3 + ["badly"] * 2 + ["vague"] * 2 + ["off_problem"] * 2 + ["over_promise"]
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "sv": "Swedish", "lv": "Latvian"}


def sample(out: Path, per_scenario: int, seed: int, languages) -> list[dict]:
    rng = random.Random(seed)
    scenarios = {k: v for k, v in load_scenarios().items() if v.language in languages}
    items = []
    for sc in scenarios.values():
        detector = shared_detector(language=sc.language)
        sides = staff_sides(sc, scenarios, detector)
        for kind in (PLAN * (per_scenario // len(PLAN) + 1))[:per_scenario]:
            kind = kind if kind in sides else "well"  # a scenario without policy limits has no over-promising side
            result = play(sc, rng.choice(sides[kind]), seed=rng.randint(1, 10**6), detector=detector)
            lines = [f"{'CUSTOMER' if t['speaker'] == 'customer' else 'STAFF'}: {t['text']}" if t.get("text")
                     else f"[{t['event']}]" for t in result["turns"]
                     if t.get("text") and t.get("speaker") in ("customer", "staff") or t.get("event")]
            items.append({"scenario": sc.id, "language": sc.language, "channel": sc.channel, "kind": kind,
                          "brief": sc.brief.strip(), "outcome": result["outcome"] or "open", "lines": lines})
    rng.shuffle(items)
    for k, item in enumerate(items, 1):
        item["id"] = f"T{k:03d}"
    out.mkdir(parents=True, exist_ok=True)
    half = len(items) // 2
    for name, part in (("A", items[:half]), ("B", items[half:])):
        with open(out / f"set_{name}.md", "w", encoding="utf-8") as fh:
            for item in part:
                how = "phone call" if item["channel"] == "phone" else "chat"
                fh.write(f"## {item['id']} ({how}, {LANGUAGE_NAMES.get(item['language'], item['language'])})\n")
                fh.write(f"Situation: {item['brief']}\n\n")
                fh.writelines(line.replace("\n", " ") + "\n" for line in item["lines"])
                fh.write("\n")
    key = {item["id"]: {k: item[k] for k in ("scenario", "language", "channel", "kind", "outcome")} for item in items}
    (out / "key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    return items


def score(out: Path) -> None:
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    scores: dict[str, list[int]] = {}
    for path in sorted(out.glob("ratings_*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"{path.stem[8:]}: {len(rows)} transcripts, mean {statistics.mean(r['score'] for r in rows):.2f}")
        for r in rows:
            scores.setdefault(r["id"], []).append(r["score"])
    means = {i: statistics.mean(v) for i, v in scores.items()}
    print(f"mean over {len(means)} transcripts: {statistics.mean(means.values()):.2f} (target 4)")
    for field in ("kind", "language", "channel"):
        groups: dict[str, list[float]] = {}
        for i, m in means.items():
            groups.setdefault(key[i][field], []).append(m)
        shown = (f"{k} {statistics.mean(v):.2f} ({len(v)})" for k, v in sorted(groups.items()))
        print(f"by {field}: " + ", ".join(shown))
    both = [v for v in scores.values() if len(v) == 2]
    if both:
        print(f"two readers: the same score {sum(a == b for a, b in both) / len(both):.0%}, "
              f"within one point {sum(abs(a - b) <= 1 for a, b in both) / len(both):.0%}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("sample", "score"))
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-scenario", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--lang", nargs="+", default=["en", "ru"])
    args = ap.parse_args(argv)
    if args.command == "sample":
        items = sample(args.out, args.per_scenario, args.seed, set(args.lang))
        print(f"{len(items)} transcripts -> {args.out}/set_A.md, set_B.md (key.json is not for readers)")
    else:
        score(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
