"""Builds the Russian evaluation sets from the writers' files, the labellers' tags and the adjudicators' decisions
in pending/ (the labellers saw the replies shuffled, under keys; keys_*.json maps a key back to the reply's id).

    python data/eval/ru/assemble.py frozen   # frozen/replies.jsonl: labels_a, labels_b, tags, writer
    python data/eval/ru/assemble.py dev      # dev/replies_<name>.jsonl: labels_writer, labels_second, tags

A reply's tags are the ones both labellers gave, plus the disputed ones the adjudicator said yes to.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
PENDING = HERE / "pending"
sys.path.insert(0, str(HERE.parents[2]))

from coach.behaviors import TAGS  # noqa: E402

DEV_SETS = {"rd1": "replies_new_hires", "rd2": "replies_routine_moves"}


def _by_id(name, keys, field):
    return {keys[r["key"]]: set(r[field]) for r in map(json.loads, (PENDING / name).open(encoding="utf-8"))}


def _ordered(tags):
    return [t for t in TAGS if t in tags]


def _rows(writer):
    return [json.loads(line) for line in (PENDING / f"{writer}.jsonl").open(encoding="utf-8") if line.strip()]


def frozen():
    keys = json.loads((PENDING / "keys_frozen.json").read_text())
    a = _by_id("labels_a_frozen.jsonl", keys, "tags")
    b = _by_id("labels_b_frozen.jsonl", keys, "tags")
    yes = _by_id("adjudicated_frozen.jsonl", keys, "yes")
    with (HERE / "frozen" / "replies.jsonl").open("w", encoding="utf-8") as out:
        for writer in ("rf1", "rf2"):
            for row in _rows(writer):
                ra, rb = a[row["id"]], b[row["id"]]
                tags = (ra & rb) | (yes.get(row["id"], set()) & (ra ^ rb))
                row.update(writer=writer, labels_a=_ordered(ra), labels_b=_ordered(rb), tags=_ordered(tags))
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


def dev():
    keys = json.loads((PENDING / "keys_dev.json").read_text())
    second = _by_id("labels_second_dev.jsonl", keys, "tags")
    yes = _by_id("adjudicated_dev.jsonl", keys, "yes")
    for writer, name in DEV_SETS.items():
        with (HERE / "dev" / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in _rows(writer):
                w, s = set(row["tags"]), second[row["id"]]
                tags = (w & s) | (yes.get(row["id"], set()) & (w ^ s))
                row.update(writer=writer, labels_writer=_ordered(w), labels_second=_ordered(s), tags=_ordered(tags))
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    {"frozen": frozen, "dev": dev}[sys.argv[1]]()
