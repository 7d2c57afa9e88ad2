"""Writes data/eval/dev/<name>.jsonl from a writer's file, the second labeller's tags and the adjudicator's
decisions on the disputed tags: tags = what both gave + the disputed tags the adjudicator said yes to.

Usage: python data/eval/dev/replies5_pending/assemble.py tw31 replies_trainee_slips
       python data/eval/dev/replies5_pending/assemble.py tw32 replies_routine_moves
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
prefix, name = sys.argv[1], sys.argv[2]
keys = json.loads((HERE / f"keys_{prefix}.json").read_text())
second = {keys[r["key"]]: set(r["tags"]) for r in map(json.loads, (HERE / f"labels_second_{prefix}.jsonl").open())}
yes = {keys[r["key"]]: set(r["yes"]) for r in map(json.loads, (HERE / f"adjudicated_{prefix}.jsonl").open())}
order = ("greeting", "self_identification", "offer_help", "empathy", "apology", "thanks", "information_request",
         "solution", "next_steps", "check_resolution", "closing", "hold_or_transfer", "negative_phrasing", "blame",
         "dismissive", "risky_promise", "rude", "jargon")
with (HERE.parent / f"{name}.jsonl").open("w", encoding="utf-8") as out:
    for row in map(json.loads, (HERE / f"{prefix}.jsonl").open(encoding="utf-8")):
        w, s = set(row["tags"]), second[row["id"]]
        tags = (w & s) | (yes.get(row["id"], set()) & (w ^ s))
        row.update(tags=[t for t in order if t in tags], labels_writer=[t for t in order if t in w],
                   labels_second=[t for t in order if t in s])
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
