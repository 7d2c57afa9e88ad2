"""Builds a language's evaluation sets of labelled replies from the writers' files, the labellers' tags and the
adjudicators' decisions in data/eval/<lang>/pending/ (the labellers saw the replies shuffled, under keys; the
keys file maps a key back to the reply's id). What each set is made of is in the language's sets.json.

    python data/eval/assemble_replies.py ru frozen   # frozen/replies.jsonl: labels_a, labels_b, tags, writer
    python data/eval/assemble_replies.py ru dev      # dev/replies_<name>.jsonl: labels_writer, labels_second, tags

A frozen reply's tags are the ones both labellers gave, plus the disputed ones the adjudicator said yes to; a
development reply's, the same with the writer as the first labeller.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))

from coach.behaviors import TAGS  # noqa: E402


def _by_id(path, keys, field):
    return {keys[r["key"]]: set(r[field]) for r in map(json.loads, path.open(encoding="utf-8"))}


def _ordered(tags):
    return [t for t in TAGS if t in tags]


def _rows(pending, writer):
    return [json.loads(line) for line in (pending / f"{writer}.jsonl").open(encoding="utf-8") if line.strip()]


def _write(path, rows):
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def frozen(folder: Path, spec: dict):
    pending = folder / "pending"
    keys = json.loads((pending / spec["keys"]).read_text())
    a, b = (_by_id(pending / name, keys, "tags") for name in spec["labels"])
    yes = _by_id(pending / spec["adjudicated"], keys, "yes")
    rows = []
    for writer in spec["writers"]:
        for row in _rows(pending, writer):
            ra, rb = a[row["id"]], b[row["id"]]
            tags = (ra & rb) | (yes.get(row["id"], set()) & (ra ^ rb))
            row.update(writer=writer, labels_a=_ordered(ra), labels_b=_ordered(rb), tags=_ordered(tags))
            rows.append(row)
    _write(folder / "frozen" / "replies.jsonl", rows)


def dev(folder: Path, spec: dict):
    pending = folder / "pending"
    keys = json.loads((pending / spec["keys"]).read_text())
    second = _by_id(pending / spec["second"], keys, "tags")
    yes = _by_id(pending / spec["adjudicated"], keys, "yes")
    for writer, name in spec["writers"].items():
        rows = []
        for row in _rows(pending, writer):
            w, s = set(row["tags"]), second[row["id"]]
            tags = (w & s) | (yes.get(row["id"], set()) & (w ^ s))
            row.update(writer=writer, labels_writer=_ordered(w), labels_second=_ordered(s), tags=_ordered(tags))
            rows.append(row)
        _write(folder / "dev" / f"{name}.jsonl", rows)


if __name__ == "__main__":
    lang, which = sys.argv[1:3]
    folder = HERE / lang
    specs = json.loads((folder / "sets.json").read_text())
    (folder / which).mkdir(exist_ok=True)
    {"frozen": frozen, "dev": dev}[which](folder, specs[which])
