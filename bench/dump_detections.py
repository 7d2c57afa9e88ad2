"""Dump what the behaviour detector says about a fixed set of replies, to prove a refactoring changed nothing.

Writes into OUT (default /tmp/detect_baseline): for every reply, its tags and span offsets, once with the
standards pack's jargon (as the scorer runs it) and once without; the scorecards of
`coach score examples/transcripts/*.json`; and the detector version on its own line, so that two dumps can be
compared with `diff -r` and differ, when nothing else changed, only in version.txt and the scorecards' hash.

Usage: python bench/dump_detections.py [--out DIR] [EXTRA.jsonl ...]
EXTRA files are read for their `text` and `customer` fields only.

With --lang (one or more languages), the replies of those languages are dumped instead: every reply of
data/eval/<lang>/dev/*.jsonl and data/behaviors/<lang>/*.jsonl (English: data/eval/dev/ and data/behaviors/), with
its tags and spans as the scorer's detector finds them, the signals of the reply and of its customer message, whether
that message reads as a complaint, and the findings of the reply scored as a one-turn session against the language's
pack, its situation forbidding every promise the language's scenarios forbid (so the pack's phrases, swaps and
not-allowed promises are matched too); one file per language, <lang>.jsonl.
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
from coach.standards import Scorer, load_pack, pack_folder  # noqa: E402
from coach.transcript import parse_transcript  # noqa: E402


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


def language_replies(lang):
    """(source, text, customer) for every reply of a language's development and labelled sets (rows with a text:
    not the English judged pairs)."""
    folder = "" if lang == "en" else lang
    files = sorted((ROOT / "data" / "eval" / folder / "dev").glob("*.jsonl"))
    files += sorted((ROOT / "data" / "behaviors" / folder).glob("*.jsonl"))
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line) if line.strip() else {}
            if "text" in row:
                yield f"{path.relative_to(ROOT)}:{n}", row["text"], row.get("customer")


def dump_language(lang, out_path):
    """One language's replies: tags and spans, signals, the customer message's complaint flag, one-turn findings."""
    from coach.sim import load_scenarios

    scorer = Scorer(load_pack(pack_folder(lang)))
    not_allowed = sorted({p for s in load_scenarios().values() if s.language == lang
                          for p in s.situation.not_allowed})
    items = list(language_replies(lang))
    dets = scorer.detector.detect_many((text, customer) for _, text, customer in items)
    with out_path.open("w", encoding="utf-8") as fh:
        for (source, text, customer), det in zip(items, dets, strict=True):
            turns = ([{"speaker": "customer", "text": customer}] if customer else []) + \
                    [{"speaker": "staff", "text": text}]
            card = scorer.score(parse_transcript({"turns": turns, "situation": {"not_allowed": not_allowed}}))
            findings = [f.as_dict() for f in card.findings]
            signals = {name: [[h.start, h.end] for h in hits]
                       for name, hits in scorer.signals.match("staff", det.doc, det.view).items()}
            signals.update({f"customer:{name}": [[h.start, h.end] for h in hits]
                            for name, hits in scorer.signals.customer(customer or "").items()})
            fh.write(json.dumps({"source": source, "behaviors": det.behaviors,
                                 "spans": [[e.behavior, e.start, e.end] for e in det.spans],
                                 "signals": signals,
                                 "complaint": bool(customer) and scorer.complaints.is_complaint(customer),
                                 "findings": findings, "overall": card.overall}, ensure_ascii=False) + "\n")
    return len(items)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/detect_baseline"))
    ap.add_argument("--lang", nargs="+", default=[], help="dump these languages' replies instead (en ru uk sv lv)")
    ap.add_argument("extra", nargs="*", help="more JSON-lines files of replies (text, customer)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.lang:
        for lang in args.lang:
            print(f"{lang}: {dump_language(lang, args.out / f'{lang}.jsonl')} replies -> {args.out / lang}.jsonl")
        return
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
