"""Dump what the behaviour detector says about a fixed set of replies, to prove a refactoring changed nothing.

Writes into OUT (default /tmp/detect_baseline): for every reply, its tags and span offsets, once with the
standards pack's jargon (as the scorer runs it) and once without; the scorecards of
`coach score examples/transcripts/*.json`; and the detector version on its own line, so that two dumps can be
compared with `diff -r` and differ, when nothing else changed, only in version.txt and the scorecards' hash.

Usage: python bench/dump_detections.py [--out DIR] [EXTRA.jsonl ...]
EXTRA files are read for their `text` and `customer` fields only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.detect import Detector, detector_version, shared_detector  # noqa: E402
from coach.standards import load_pack  # noqa: E402


def replies(extra):
    """(source, text, customer) for every reply: labelled data, model replies, extra files, transcript staff turns."""
    files = sorted((ROOT / "data" / "behaviors").glob("*.jsonl")) + [ROOT / "data" / "noise" / "model_replies.jsonl"]
    files += [Path(p) for p in extra]
    for path in files:
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
                yield f"{name}:{n}", row["text"], row.get("customer")
    for path in sorted((ROOT / "examples" / "transcripts").glob("*.json")):
        customer = None
        for k, turn in enumerate(json.loads(path.read_text(encoding="utf-8"))["turns"]):
            if turn.get("speaker") == "customer":
                customer = turn["text"]
            elif turn.get("speaker") == "staff":
                yield f"{path.relative_to(ROOT)}#{k}", turn["text"], customer


def dump(detector, items, out_path):
    with out_path.open("w", encoding="utf-8") as fh:
        dets = detector.detect_many((text, customer) for _, text, customer in items)
        for (source, _, _), det in zip(items, dets, strict=True):
            spans = [[e.behavior, e.start, e.end] for e in det.spans]
            fh.write(json.dumps({"source": source, "behaviors": det.behaviors, "spans": spans}) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/detect_baseline"))
    ap.add_argument("extra", nargs="*", help="more JSON-lines files of replies (text, customer)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    items = list(replies(args.extra))
    dump(shared_detector(tuple(load_pack().jargon)), items, args.out / "detections_pack_jargon.jsonl")
    dump(Detector(), items, args.out / "detections_no_jargon.jsonl")
    (args.out / "version.txt").write_text(detector_version() + "\n")
    transcripts = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples" / "transcripts").glob("*.json"))
    cards = subprocess.run([str(ROOT / ".venv" / "bin" / "coach"), "score", *transcripts], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout
    (args.out / "scorecards.jsonl").write_text(cards)
    print(f"{len(items)} replies, detector {detector_version()} -> {args.out}")


if __name__ == "__main__":
    main()
