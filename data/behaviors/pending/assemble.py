"""Writes the training files of the writers who wrote without labels and without behaviors.md (nw1-nw12) from
their replies in this folder, the two labellings (each labeller saw the replies shuffled, under keys, and
labelled from behaviors.md alone) and the adjudicator's decisions on the tags they disagreed on:

    python data/behaviors/pending/assemble.py

A reply's tags are the ones both labellers gave, plus the disputed ones the adjudicator said yes to; then the
re-check of `hold_or_transfer` (recheck_hold_or_transfer.jsonl: 885 replies that name another team, person,
channel, link or hold, read again against behaviors.md's ruling on hand-overs, BRIEF_RECHECK.md) sets that tag.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))

from coach.behaviors import TAGS  # noqa: E402

FILES = {"nw1": "broadband_chat_week", "nw2": "healthcare_calls", "nw3": "bank_review_sample",
         "nw4": "brand_social_replies", "nw5": "b2b_tickets", "nw6": "shop_floor_overheard",
         "nw7": "travel_second_language", "nw8": "new_hire_drills",
         "nw9": "utility_and_cable_calls", "nw10": "marketplace_sellers", "nw11": "public_counters",
         "nw12": "claims_and_garages"}


def _by_id(path, field):
    return {r["id"]: set(r[field]) for r in map(json.loads, path.open(encoding="utf-8"))}


def _ordered(tags):
    return [t for t in TAGS if t in tags]


def labelled_rows(path, a, b, yes, adjust=lambda row_id, tags: tags):
    """The replies of a writer's file with their tags: those both labellers gave (`a`, `b`: id -> tags), plus the
    disputed ones the adjudicator said yes to (`yes`); `adjust` may change a reply's tags after that."""
    for line in Path(path).open(encoding="utf-8"):
        if not line.strip():
            continue
        row = json.loads(line)
        x, y = a[row["id"]], b[row["id"]]
        tags = adjust(row["id"], (x & y) | (yes.get(row["id"], set()) & (x ^ y)))
        row.update({"tags": _ordered(tags), "labels_a": _ordered(x), "labels_b": _ordered(y)})
        yield row


def _keyed(folder, writer, who):
    """A labelling done under keys (each labeller saw the replies shuffled, under keys_<who>_<writer>.json):
    reply id -> tags; the adjudicator's ("j") decisions are in adjudicated_<writer>.jsonl, the labellers' in
    labels_<who>_<writer>.jsonl."""
    keys = json.loads((folder / f"keys_{who}_{writer}.json").read_text(encoding="utf-8"))
    name, field = ("adjudicated", "yes") if who == "j" else (f"labels_{who}", "tags")
    rows = map(json.loads, (folder / f"{name}_{writer}.jsonl").open(encoding="utf-8"))
    return {keys[r["key"]]: set(r[field]) for r in rows}


def write_keyed(folder: Path, files: dict, out: Path):
    """For each writer -> file name in `files`: the writer's replies (folder/<writer>.jsonl) with the tags of the
    two keyed labellings and the adjudication, written to out/<file name>.jsonl."""
    for writer, name in files.items():
        a, b, yes = (_keyed(folder, writer, who) for who in ("a", "b", "j"))
        lines = [json.dumps(row, ensure_ascii=False) for row in labelled_rows(folder / f"{writer}.jsonl", a, b, yes)]
        (out / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _rechecked(recheck):
    def adjust(row_id, tags):
        if row_id in recheck:
            return tags | {"hold_or_transfer"} if recheck[row_id] else tags - {"hold_or_transfer"}
        return tags
    return adjust


def main():
    rows = map(json.loads, (HERE / "recheck_hold_or_transfer.jsonl").open(encoding="utf-8"))
    recheck = {r["id"]: r["hold_or_transfer"] for r in rows}
    for writer, name in FILES.items():
        if not (HERE / f"adjudicated_{writer}.jsonl").exists():
            continue  # not labelled yet
        a = _by_id(HERE / f"labels_a_{writer}.jsonl", "tags")
        b = _by_id(HERE / f"labels_b_{writer}.jsonl", "tags")
        yes = _by_id(HERE / f"adjudicated_{writer}.jsonl", "yes")
        with (HERE.parent / "not_adopted" / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in labelled_rows(HERE / f"{writer}.jsonl", a, b, yes, _rechecked(recheck)):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
