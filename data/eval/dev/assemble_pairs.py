"""Build a development pairs set from its pending folder: a writer's pair is kept when both blind judges (who saw
the pairs shuffled, renamed k01-k60 and some of them swapped, judge_ids.json) chose the session the writer meant
as better. Each folder's assemble.py names its writers' and judges' files and the set it writes."""
import json
from pathlib import Path


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def assemble(here: Path, writers, judges, out: Path):
    ids = json.loads((here / "judge_ids.json").read_text())
    verdicts_by = [{r["pair_id"]: r for r in _lines(here / f)} for f in judges]
    written = {p["pair_id"]: p for f in writers for p in _lines(here / f)}
    kept, dropped = [], []
    for k in sorted(ids):
        pid, swapped = ids[k]["pair_id"], ids[k]["swapped"]
        p = written[pid]
        verdicts = []
        for j in verdicts_by:
            b = j[k]["better"]
            verdicts.append(("b" if b == "a" else "a") if swapped else b)
        if all(v == p["intended_better"] for v in verdicts):
            kept.append({"pair_id": pid, "better": p["intended_better"],
                         "confidence": "clear" if all(j[k]["confidence"] == "clear" for j in verdicts_by) else "slight",
                         "reason": p["difference"], "judge_reasons": [j[k]["reason"] for j in verdicts_by],
                         "judges_saw_swapped": swapped, "kind": p["kind"], "writer": pid.split("-")[0],
                         "a": p["a"], "b": p["b"]})
        else:
            dropped.append((pid, verdicts, p["intended_better"]))
    kept.sort(key=lambda r: (r["writer"], int(r["pair_id"].split("-")[1])))
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    print(f"kept {len(kept)}, dropped {len(dropped)}: {[d[0] for d in dropped]}")
