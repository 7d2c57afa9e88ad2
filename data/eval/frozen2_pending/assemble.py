"""Finish the second frozen set from the files in this folder. Prints counts and agreement, never an item.

    python data/eval/frozen2_pending/assemble.py disputes   # in_b.jsonl / in_c.jsonl: the replies the two labellers
                                                            # disagree on, for an adjudicator (data/rereading's brief)
    python data/eval/frozen2_pending/assemble.py build      # ../frozen2/replies.jsonl with tags, labels_a, labels_b

Needs, per writer part X (b, c): writer_X.jsonl, labels_A_X.jsonl, labels_B_X.jsonl and, for `build`, out_X.jsonl
(the adjudicator's {"key", "yes"} per disputed reply).
"""

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from coach.behaviors import TAGS  # noqa: E402
from coach.detect.evaluate import agreement, macro_f1  # noqa: E402

PARTS = ("b", "c")


def _jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def _part(x):
    rows = _jsonl(HERE / f"writer_{x}.jsonl")
    a = {r["id"]: set(r["tags"]) for r in _jsonl(HERE / f"labels_A_{x}.jsonl")}
    b = {r["id"]: set(r["tags"]) for r in _jsonl(HERE / f"labels_B_{x}.jsonl")}
    assert set(a) == set(b) == {r["id"] for r in rows}, f"part {x}: the labels do not cover the writer's ids"
    return rows, a, b


def disputes():
    for x in PARTS:
        if not (HERE / f"labels_B_{x}.jsonl").exists() or not (HERE / f"labels_A_{x}.jsonl").exists():
            print(f"part {x}: not labelled by both labellers yet")
            continue
        rows, a, b = _part(x)
        table = agreement([{"labels_a": sorted(a[r["id"]]), "labels_b": sorted(b[r["id"]])} for r in rows])
        out = [{"key": r["id"], "customer": r["customer"], "text": r["text"],
                "disputed": sorted(a[r["id"]] ^ b[r["id"]])} for r in rows if a[r["id"]] != b[r["id"]]]
        with open(HERE / f"in_{x}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in out)
        print(f"part {x}: {len(rows)} replies, A vs B macro-F1 {macro_f1(table, 5):.3f}; "
              f"{len(out)} disputed -> in_{x}.jsonl")


def build():
    out = []
    for x in PARTS:
        rows, a, b = _part(x)
        settled = {r["key"]: set(r["yes"]) for r in _jsonl(HERE / f"out_{x}.jsonl")}
        for r in rows:
            sa, sb = a[r["id"]], b[r["id"]]
            if sa != sb:
                assert r["id"] in settled and settled[r["id"]] <= sa ^ sb, f"{r['id']}: disputed, not adjudicated"
            tags = (sa & sb) | settled.get(r["id"], set())
            out.append({**{k: r[k] for k in ("id", "writer", "channel", "industry", "customer", "text")},
                        "tags": [t for t in TAGS if t in tags], "labels_a": [t for t in TAGS if t in sa],
                        "labels_b": [t for t in TAGS if t in sb]})
    dst = HERE.parent / "frozen2" / "replies.jsonl"
    dst.parent.mkdir(exist_ok=True)
    with open(dst, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in out)
    print(f"{len(out)} replies -> {dst}; tags: {dict(Counter(t for r in out for t in r['tags']).most_common())}")


if __name__ == "__main__":
    {"disputes": disputes, "build": build}[sys.argv[1]]()
