"""Tagging and scoring speed on one core, and the memory a language takes.

Prints the resident memory and the time building a language's detector and scorer takes (what a server adds for
the language: RSS after building minus RSS before, in this fresh process), replies/s for tagging (batch), the
latency of tagging one reply at a time (p50/p95/p99), and sessions/s for scoring whole transcripts. The replies are
realistic: the project's labelled replies, model replies and demo transcripts, recombined into N different replies.

Usage: python bench/bench_scorer.py [--replies 20000] [--sessions 500] [--lang ru] [--build-only]

With --lang, the language's labelled replies (data/behaviors/<lang>/), its detector and its pack
(standards/<lang>/) are measured instead of English. --build-only stops after the memory and the build time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.detect import shared_detector  # noqa: E402
from coach.detect.languages import languages  # noqa: E402
from coach.standards import Scorer, load_pack  # noqa: E402
from coach.transcript import parse_transcript  # noqa: E402

LANGUAGES = languages()  # every language the detector has a folder for


def customer_lines(language="en"):
    """The customers' messages of the labelled replies: sessions in the benchmark differ on both sides, so nothing
    the scorer keeps per customer message makes the figure look better than a real mix of sessions."""
    folder = ROOT / "data" / "behaviors" / ("" if language == "en" else language)
    names = ("dev.jsonl", "holdout.jsonl") if language == "en" else [p.name for p in sorted(folder.glob("*.jsonl"))]
    lines = []
    for name in names:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("customer") if line.strip() else None
            if text:
                lines.append(text)
    return list(dict.fromkeys(lines))


def corpus(language="en"):
    if language != "en":
        return [json.loads(line)["text"] for path in sorted((ROOT / "data" / "behaviors" / language).glob("*.jsonl"))
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = []
    for path in [ROOT / "data" / "behaviors" / "dev.jsonl", ROOT / "data" / "behaviors" / "holdout.jsonl",
                 ROOT / "data" / "noise" / "model_replies.jsonl"]:
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()
                      if line.strip()]
    for path in sorted((ROOT / "examples" / "transcripts").glob("*.json")):
        texts += [t["text"] for t in json.loads(path.read_text())["turns"] if t.get("speaker") == "staff"]
    return texts


def make_replies(n, seed=7, language="en"):
    """n distinct replies: real sentences recombined, so caches cannot make the figure look better."""
    rng = random.Random(seed)
    base = corpus(language)
    sentences = [s.strip() + "." for t in base for s in t.split(".") if len(s.split()) >= 3]
    out = []
    for i in range(n):
        k = rng.choice((1, 1, 2, 2, 3))
        out.append(" ".join(rng.sample(sentences, k)) + f" (ref {i})")
    return out


def resident_mb():
    """This process's resident memory in MB (Linux: /proc/self/status), or None where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return None


def build(language):
    """The language's pack, detector and scorer, as a server builds them (coach/resources.py), with the resident
    memory they add and the time they take."""
    gc.collect()
    before, t0 = resident_mb(), time.perf_counter()
    pack = load_pack(ROOT / "standards" / language)
    scorer = Scorer(pack, shared_detector(tuple(pack.jargon), language))
    seconds = time.perf_counter() - t0
    gc.collect()
    after = resident_mb()
    if before is None or after is None:
        print(f"building ({language}): {seconds:.1f} s; resident memory not measured on this platform")
    else:
        print(f"building ({language}): {after - before:,.0f} MB resident memory added (detector and scorer), "
              f"{seconds:.1f} s")
    return pack, scorer


def machine_reference(steps=5_000_000):
    """Seconds a fixed pure-Python loop takes here (best of three): the figures below scale with it, so figures from
    two machines, or one virtual machine on two days, are compared through it (the same code measured 3,056 replies/s
    batched on one day and 1,144 on the next, on a virtual machine of the same name)."""
    best = float("inf")
    for _ in range(3):
        t0, total = time.perf_counter(), 0
        for i in range(steps):
            total += i
        best = min(best, time.perf_counter() - t0)
    return best


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replies", type=int, default=20_000)
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--lang", default="en", choices=LANGUAGES)
    ap.add_argument("--build-only", action="store_true", help="only the memory and the time building takes")
    args = ap.parse_args(argv)

    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):  # no CPU affinity on this platform: measure on whatever core runs it
        print("note: could not pin to one core; figures may include a second core", file=sys.stderr)
    print(f"this machine: a fixed pure-Python loop of 5 million steps in {machine_reference():.2f} s, best of three "
          "(the figures scale with it)")
    pack, scorer = build(args.lang)
    if args.build_only:
        return
    detector = scorer.detector
    replies = make_replies(args.replies, language=args.lang)
    words = sum(len(r.split()) for r in replies) / len(replies)
    print(f"replies ({args.lang}): {len(replies):,} (mean {words:.1f} words), one core")

    list(detector.detect_many((r, None) for r in replies[:500]))  # warm-up
    t0 = time.perf_counter()
    n_tags = sum(len(d.behaviors) for d in detector.detect_many((r, None) for r in replies))
    dt = time.perf_counter() - t0
    print(f"tagging, batched: {len(replies) / dt:,.0f} replies/s ({dt:.2f} s, {n_tags:,} tags)")

    short = [r for r in replies if len(r.split()) <= 12]
    if short:
        t0 = time.perf_counter()
        list(detector.detect_many((r, None) for r in short))
        dt = time.perf_counter() - t0
        print(f"tagging, batched, short replies only (<= 12 words, {len(short):,}): {len(short) / dt:,.0f} replies/s")

    lat = []
    for r in replies[:5000]:
        t = time.perf_counter()
        detector.detect(r)
        lat.append((time.perf_counter() - t) * 1000)
    print(f"tagging, one reply at a time: p50 {pct(lat, 50):.2f} ms, p95 {pct(lat, 95):.2f} ms, "
          f"p99 {pct(lat, 99):.2f} ms, max {max(lat):.2f} ms")

    rng = random.Random(3)
    customers = customer_lines(args.lang)
    sessions = []
    for _ in range(args.sessions):
        turns = []
        for k in range(rng.randint(3, 8)):
            turns.append({"speaker": "customer", "text": rng.choice(customers), "t": k * 100})
            turns.append({"speaker": "staff", "text": rng.choice(replies), "t": k * 100 + rng.randint(5, 70)})
        sessions.append(parse_transcript({"channel": rng.choice(("chat", "phone")), "turns": turns}))
    staff_turns = sum(len(s.staff_turns) for s in sessions)
    t0 = time.perf_counter()
    for s in sessions:
        scorer.score(s)
    dt = time.perf_counter() - t0
    print(f"scoring: {len(sessions) / dt:,.0f} sessions/s ({staff_turns / dt:,.0f} staff turns/s, "
          f"{len(pack.rules)} rules, mean {staff_turns / len(sessions):.1f} staff turns per session, "
          f"customer messages from {len(customers):,} different ones)")


if __name__ == "__main__":
    main()
