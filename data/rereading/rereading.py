"""The second reading of seven tags over the training replies: compare it with the training labels, and apply
the adjudicated result.

    python data/rereading/rereading.py compare   # agreement per tag; writes the disputes nobody has settled
                                                 # yet to in_rest.jsonl (for an adjudicator, ADJUDICATION_BRIEF.md)
    python data/rereading/rereading.py apply     # writes the settled tags into data/behaviors/*.jsonl in place,
                                                 # keeping each reader's tags as `labels_reread`

Files here: chunk_N.jsonl (what the readers saw, opaque keys), labels_N.jsonl (their tags), keys.json (key ->
"<file stem>#<row index over data/behaviors/*.jsonl in sorted order>"), in_X.jsonl / out_X.jsonl (disputes and
the adjudicator's decisions). Then `make detector-model` retrains.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from coach.behaviors import TAGS  # noqa: E402
from coach.detect.build import training_files  # noqa: E402
from coach.detect.evaluate import agreement  # noqa: E402

SEVEN = ("offer_help", "check_resolution", "closing", "hold_or_transfer", "dismissive", "blame", "rude")
# Where the project has a written ruling that behaviors.md leaves open, the ruling stands: a bare "Kind regards" is
# not `closing` (data/behaviors/README.md), and the readers and one adjudicator counted it. `apply` leaves these
# tags as they were.
KEEP_RULING = frozenset({"closing"})


def _jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def training_rows(stems=None):
    """Every training reply as (file, its rows, row index), in the order keys.json counts them: over the files
    that existed when the replies were keyed (`stems`; a file added later is left out, or the indices would move)."""
    out, files = [], {}
    for path in training_files():
        if stems is not None and path.stem not in stems:
            continue
        files[path] = _jsonl(path)
        out.extend((path, k) for k in range(len(files[path])))
    return files, out


def rereading():
    """key -> the reader's tags, for every chunk whose reading is complete."""
    got = {}
    for chunk_path in sorted(HERE.glob("chunk_*.jsonl")):
        labels_path = HERE / chunk_path.name.replace("chunk_", "labels_")
        chunk, labels = _jsonl(chunk_path), _jsonl(labels_path) if labels_path.exists() else []
        if len(labels) != len(chunk):
            print(f"{chunk_path.name}: {len(labels)} of {len(chunk)} read; left out", file=sys.stderr)
            continue
        for c, lab in zip(chunk, labels, strict=True):
            assert c["key"] == lab["key"], (c["key"], lab["key"])
            got[c["key"]] = (c, set(lab["tags"]))
    return got


def settled():
    """key -> (disputed tags, the adjudicator's yes), from every complete out_X.jsonl."""
    got = {}
    for out in sorted(HERE.glob("out_*.jsonl")):
        ins, outs = _jsonl(HERE / out.name.replace("out_", "in_")), _jsonl(out)
        if len(ins) != len(outs):
            print(f"{out.name}: {len(outs)} of {len(ins)} decided; left out", file=sys.stderr)
            continue
        for a, b in zip(ins, outs, strict=True):
            assert a["key"] == b["key"] and set(b["yes"]) <= set(a["disputed"])
            got[a["key"]] = (set(a["disputed"]), set(b["yes"]))
    return got


def _pairs():
    """The training files' rows, and per reread reply (key, what the reader saw, its training row, their tags)."""
    keys = json.loads((HERE / "keys.json").read_text())
    files, flat = training_rows({where.rsplit("#", 1)[0] for where in keys.values()})
    pairs = []
    for key, (c, new) in rereading().items():
        path, k = flat[int(keys[key].rsplit("#", 1)[1])]
        row = files[path][k]
        assert row["text"] == c["text"], key
        pairs.append((key, c, row, new))
    return files, pairs


def compare():
    rows, disputes, done = [], [], settled()
    for key, c, row, new in _pairs()[1]:
        old = set(row["tags"]) & set(SEVEN)
        rows.append({"labels_a": sorted(old), "labels_b": sorted(new)})
        if old != new and key not in done:
            disputes.append({"key": key, "customer": c["customer"], "text": c["text"], "disputed": sorted(old ^ new)})
    table = agreement(rows)
    print(f"{len(rows)} replies reread; training labels vs the rereading, per tag:")
    for t in SEVEN:
        s = table.get(t)
        print(f"  {t:18} F1 {s.f1 if s else 0:.3f}")
    with open(HERE / "in_rest.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in disputes)
    print(f"{len(disputes)} disputed replies not settled yet -> {HERE / 'in_rest.jsonl'}")


def apply():
    done, kept, changed = settled(), 0, 0
    files, pairs = _pairs()
    for key, _, row, new in pairs:
        old = set(row["tags"])
        if (old & set(SEVEN)) != new:
            if key not in done:
                kept += 1  # disputed and not settled: the training label stays
            else:
                disputed, yes = done[key]
                assert disputed == (old & set(SEVEN)) ^ new
                final = (old - (disputed - KEEP_RULING)) | (yes - KEEP_RULING)
                changed += final != old
                row["tags"] = [t for t in TAGS if t in final]
        row["labels_reread"] = [t for t in SEVEN if t in new]
    for path, rows in files.items():
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    print(f"{changed} replies' tags changed; {kept} disputed replies kept their training tags (not settled yet)")


if __name__ == "__main__":
    {"compare": compare, "apply": apply}[sys.argv[1] if len(sys.argv) > 1 else "compare"]()
