"""Writes the Russian training files from the writers' files in pending/, the second labeller's tags and the
adjudicator's decisions on the disputed tags (the second labeller and the adjudicator saw the replies shuffled,
under keys; keys_<writer>.json maps a key back to the reply's id):

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


def main():
    for writer, name in FILES.items():
        keys = json.loads((PENDING / f"keys_{writer}.json").read_text())
        second = _by_id(f"labels_second_{writer}.jsonl", keys, "tags")
        yes = _by_id(f"adjudicated_{writer}.jsonl", keys, "yes")
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for line in (PENDING / f"{writer}.jsonl").open(encoding="utf-8"):
                if not line.strip():
                    continue
                row = json.loads(line)
                w, s = set(row["tags"]), second[row["id"]]
                tags = (w & s) | (yes.get(row["id"], set()) & (w ^ s))
                row.update(tags=_ordered(tags), labels_writer=_ordered(w), labels_second=_ordered(s))
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
