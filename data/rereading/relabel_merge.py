"""Compare the behaviours.md-only relabels of seven tags with the training files' labels
write disagreements."""
import collections
import glob
import json
import sys

SEVEN = ["offer_help", "check_resolution", "closing", "hold_or_transfer", "dismissive", "blame", "rude"]
m = json.load(open('/work/relabel_map.json'))
rows = []
for f in sorted(glob.glob('/work/main/data/behaviors/*.jsonl')):
    for ln in open(f):
        if ln.strip():
            rows.append((f.split('/')[-1], json.loads(ln)))
items = {}
for j in range(1, 7):
    try:
        chunk = [json.loads(ln) for ln in open(f'/work/relabel/chunk_{j}.jsonl')]
        labs = [json.loads(ln) for ln in open(f'/work/relabel/labels_{j}.jsonl')]
    except FileNotFoundError:
        continue
    if len(labs) != len(chunk):
        print(f"chunk {j}: {len(labs)} of {len(chunk)} labelled", file=sys.stderr)
    for c, lab in zip(chunk, labs, strict=False):
        assert c['key'] == lab['key'], (c['key'], lab['key'])
        items[c['key']] = (c, set(lab['tags']))
tp = collections.Counter()
a_only = collections.Counter()
b_only = collections.Counter()
dis = []
for key, (c, new) in items.items():
    idx = int(m[key].rsplit('#', 1)[1])
    f, r = rows[idx]
    assert r['text'] == c['text']
    old = set(r['tags']) & set(SEVEN)
    for t in SEVEN:
        if t in old and t in new:
            tp[t] += 1
        elif t in old:
            a_only[t] += 1
        elif t in new:
            b_only[t] += 1
    if old != (new & set(SEVEN)):
        dis.append({"key": key, "customer": c['customer'], "text": c['text'],
                    "disputed": sorted(old ^ new), "file": f})
print(f"{len(items)} relabelled; per tag: agree-yes, old-only, new-only, F1(old vs new)")
for t in SEVEN:
    f1 = 2 * tp[t] / (2 * tp[t] + a_only[t] + b_only[t]) if tp[t] else 0
    print(f"{t:18} {tp[t]:5} {a_only[t]:5} {b_only[t]:5}  {f1:.3f}")
byfile = collections.Counter(d['file'] for d in dis)
print(len(dis), "replies disputed;", byfile.most_common(8))
json.dump(dis, open('/work/relabel_disputes.json', 'w'))
