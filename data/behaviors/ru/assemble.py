"""Writes the Russian training files from the writers' files in pending/, the labellers' tags and the adjudicator's
decisions on the disputed tags (the labellers and the adjudicator saw the replies shuffled, under keys;
keys_<writer>.json maps a key back to the reply's id). The first six writers labelled their own replies and a
second labeller labelled them apart; the last four wrote without labels (and without behaviors.md), and two
labellers labelled them apart:

    python data/behaviors/ru/assemble.py

A reply's tags are the ones both gave, plus the disputed ones the adjudicator said yes to.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
PENDING = HERE / "pending"
sys.path.insert(0, str(HERE.parents[2]))

from coach.behaviors import TAGS  # noqa: E402

FILES = {"rt1": "chat_and_social", "rt2": "phone_and_email", "rt3": "counter_and_shop_chat",
         "rt4": "hurried_messenger_chat", "rt5": "institutions", "rt6": "openings_holds_and_endings"}


def _by_id(name, keys, field):
    return {keys[r["key"]]: set(r[field]) for r in map(json.loads, (PENDING / name).open(encoding="utf-8"))}


def _ordered(tags):
    return [t for t in TAGS if t in tags]


# writers who wrote replies without labels (they never saw behaviors.md); two labellers labelled them apart
UNLABELLED = {"rt7": "shop_chat_logs", "rt8": "utility_and_internet_calls", "rt9": "front_desks",
              "rt10": "bank_and_airline_review_sample", "rt11": "pharmacies", "rt12": "real_estate",
              "rt13": "online_school", "rt14": "car_service_and_rental"}


def _write(writer, name, first, second, fields):
    """One training file: a reply's tags are what both labellings gave plus the disputed ones the adjudicator
    accepted; `first(row)` and `second` (by id) are the two labellings, kept under `fields`."""
    keys = json.loads((PENDING / f"keys_{writer}.json").read_text())
    second = _by_id(second, keys, "tags")
    yes = _by_id(f"adjudicated_{writer}.jsonl", keys, "yes")
    with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for line in (PENDING / f"{writer}.jsonl").open(encoding="utf-8"):
            if not line.strip():
                continue
            row = json.loads(line)
            a, b = first(row, keys), second[row["id"]]
            tags = (a & b) | (yes.get(row["id"], set()) & (a ^ b))
            row.update({"tags": _ordered(tags), fields[0]: _ordered(a), fields[1]: _ordered(b)})
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    for writer, name in FILES.items():
        _write(writer, name, lambda row, keys: set(row["tags"]), f"labels_second_{writer}.jsonl",
               ("labels_writer", "labels_second"))
    for writer, name in UNLABELLED.items():
        if not (PENDING / f"adjudicated_{writer}.jsonl").exists():
            continue  # not labelled yet
        first = _by_id(f"labels_a_{writer}.jsonl", json.loads((PENDING / f"keys_{writer}.json").read_text()), "tags")
        _write(writer, name, lambda row, keys, first=first: first[row["id"]], f"labels_b_{writer}.jsonl",
               ("labels_a", "labels_b"))


if __name__ == "__main__":
    main()
