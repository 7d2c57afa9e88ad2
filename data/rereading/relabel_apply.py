"""Apply the adjudicated rereading of seven tags to data/behaviors/*.jsonl (in place, line order kept)."""
import collections
import glob
import json
import sys

sys.path.insert(0, '/work/main')

from coach.behaviors import TAGS

SEVEN = ["offer_help", "check_resolution", "closing", "hold_or_transfer", "dismissive", "blame", "rude"]
m = json.load(open('/work/relabel_map.json'))
files = sorted(glob.glob('/work/main/data/behaviors/*.jsonl'))
lines = {}
flat = []
for f in files:
    rows = [json.loads(ln) for ln in open(f) if ln.strip()]
    lines[f] = rows
    flat.extend((f, k) for k in range(len(rows)))
reread, decided = {}, {}
for j in range(1, 7):
    try:
        chunk = [json.loads(ln) for ln in open(f'/work/relabel/chunk_{j}.jsonl')]
        labs = [json.loads(ln) for ln in open(f'/work/relabel/labels_{j}.jsonl')]
    except FileNotFoundError:
        continue
    if len(labs) != len(chunk):
        continue
    for c, lab in zip(chunk, labs, strict=False):
        reread[c['key']] = set(lab['tags'])
for out in glob.glob('/work/adjud/out_*.jsonl'):
    inp = out.replace('out_', 'in_')
    ins = [json.loads(ln) for ln in open(inp)]
    outs = [json.loads(ln) for ln in open(out)]
    if len(ins) != len(outs):
        print("incomplete", out)
        continue
    for a, b in zip(ins, outs, strict=False):
        assert a['key'] == b['key'] and set(b['yes']) <= set(a['disputed'])
        decided[a['key']] = (set(a['disputed']), set(b['yes']))
changed = collections.Counter()
kept = 0
for key, new in reread.items():
    f, k = flat[int(m[key].rsplit('#', 1)[1])]
    row = lines[f][k]
    old = set(row['tags'])
    if (old & set(SEVEN)) != (new & set(SEVEN)):
        if key not in decided:
            kept += 1
            continue  # disputed, not adjudicated yet: keep the old labels
        disputed, yes = decided[key]
        assert disputed == (old ^ new) & set(SEVEN)
        final = (old - disputed) | yes
        for t in disputed:
            if (t in old) != (t in final):
                changed[(t, '+' if t in final else '-')] += 1
        row['tags'] = [t for t in TAGS if t in final] + sorted(final - set(TAGS))
    row['labels_reread'] = [t for t in SEVEN if t in new]
print(f"reread {len(reread)}, adjudicated {len(decided)}, disputed but not adjudicated (kept) {kept}")
print(sorted(changed.items()))
for f, rows in lines.items():
    with open(f, 'w', encoding='utf-8') as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
