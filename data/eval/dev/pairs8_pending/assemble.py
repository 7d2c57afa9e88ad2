"""Build data/eval/dev/pairs8.jsonl: a writer's pair is kept when both blind judges (who saw the pairs shuffled,
renamed k01-k60 and half of them swapped, judge_ids.json) chose the session the writer meant as better."""
import json
from pathlib import Path

HERE = Path(__file__).parent
ids = json.loads((HERE / "judge_ids.json").read_text())
judges = [{r["pair_id"]: r for r in map(json.loads, (HERE / f).read_text().splitlines()) if r}
          for f in ("judge_K.jsonl", "judge_L.jsonl")]
written = {}
for f in ("p11.jsonl", "p12.jsonl"):
    for line in (HERE / f).read_text(encoding="utf-8").splitlines():
        if line.strip():
            p = json.loads(line)
            written[p["pair_id"]] = p
kept, dropped = [], []
for k in sorted(ids):
    pid, swapped = ids[k]["pair_id"], ids[k]["swapped"]
    p = written[pid]
    verdicts = []
    for j in judges:
        b = j[k]["better"]
        verdicts.append(("b" if b == "a" else "a") if swapped else b)
    if all(v == p["intended_better"] for v in verdicts):
        kept.append({"pair_id": pid, "better": p["intended_better"],
                     "confidence": "clear" if all(j[k]["confidence"] == "clear" for j in judges) else "slight",
                     "reason": p["difference"], "judge_reasons": [j[k]["reason"] for j in judges],
                     "judges_saw_swapped": swapped, "kind": p["kind"], "writer": pid.split("-")[0],
                     "a": p["a"], "b": p["b"]})
    else:
        dropped.append((pid, verdicts, p["intended_better"]))
kept.sort(key=lambda r: (r["writer"], int(r["pair_id"].split("-")[1])))
out = HERE.parent / "pairs8.jsonl"
out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
print(f"kept {len(kept)}, dropped {len(dropped)}: {[d[0] for d in dropped]}")
