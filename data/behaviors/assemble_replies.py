"""Writes a language's training files (data/behaviors/<lang>/) from the writers' files in its pending/, the
labellers' tags and the adjudicator's decisions on the disputed tags (the labellers and the adjudicator saw the
replies shuffled, under keys; keys_<writer>.json maps a key back to the reply's id). pending/files.json names the
writers and their files: "labelled", writers who labelled their own replies, which a second labeller labelled apart;
"unlabelled", writers who wrote without labels (and without behaviors.md), whose replies two labellers labelled apart.
pending/recheck_<writer>.jsonl, where present, applies a ruling after adjudication ({"key", "add"/"remove", "why"}):

    python data/behaviors/assemble_replies.py ru

A reply's tags are the ones both gave, plus the disputed ones the adjudicator said yes to.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from coach.behaviors import TAGS  # noqa: E402


def _by_id(pending, name, keys, field):
    return {keys[r["key"]]: set(r[field]) for r in map(json.loads, (pending / name).open(encoding="utf-8"))}


def _ordered(tags):
    return [t for t in TAGS if t in tags]


def _write(folder, writer, name, first, second, fields):
    """One training file: a reply's tags are what both labellings gave plus the disputed ones the adjudicator
    accepted; `first(row)` and `second` (by id) are the two labellings, kept under `fields`."""
    pending = folder / "pending"
    keys = json.loads((pending / f"keys_{writer}.json").read_text())
    second = _by_id(pending, second, keys, "tags")
    yes = _by_id(pending, f"adjudicated_{writer}.jsonl", keys, "yes")
    recheck = {}  # a ruling applied after adjudication, where labellers and adjudicators read one case differently
    path = pending / f"recheck_{writer}.jsonl"
    if path.exists():
        recheck = {keys[r["key"]]: r for r in map(json.loads, path.open(encoding="utf-8"))}
    with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for line in (pending / f"{writer}.jsonl").open(encoding="utf-8"):
            if not line.strip():
                continue
            row = json.loads(line)
            a, b = first(row, keys), second[row["id"]]
            tags = (a & b) | (yes.get(row["id"], set()) & (a ^ b))
            ruling = recheck.get(row["id"], {})
            tags = (tags | set(ruling.get("add", ()))) - set(ruling.get("remove", ()))
            row.update({"tags": _ordered(tags), fields[0]: _ordered(a), fields[1]: _ordered(b)})
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(lang):
    folder = Path(__file__).resolve().parent / lang
    pending = folder / "pending"
    files = json.loads((pending / "files.json").read_text())
    for writer, name in files.get("labelled", {}).items():
        if not (pending / f"adjudicated_{writer}.jsonl").exists():
            continue  # not labelled yet
        _write(folder, writer, name, lambda row, keys: set(row["tags"]), f"labels_second_{writer}.jsonl",
               ("labels_writer", "labels_second"))
    for writer, name in files.get("unlabelled", {}).items():
        if not (pending / f"adjudicated_{writer}.jsonl").exists():
            continue  # not labelled yet
        keys = json.loads((pending / f"keys_{writer}.json").read_text())
        first = _by_id(pending, f"labels_a_{writer}.jsonl", keys, "tags")
        _write(folder, writer, name, lambda row, keys, first=first: first[row["id"]], f"labels_b_{writer}.jsonl",
               ("labels_a", "labels_b"))


if __name__ == "__main__":
    main(sys.argv[1])
