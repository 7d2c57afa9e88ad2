"""Voice on the telephone track: how well the offline recogniser hears spoken replies, how fast, and how long the
trainee waits from the end of their speech to the customer's voice (issue: voice on the telephone track).

Usage: python bench/bench_voice.py [--per-scenario N] [--independent N] [--decoders]

The spoken set is synthesised here, never recorded: the replies are read by Flite's four voices and espeak-ng at
several rates (130-200 words a minute), and every third one again with white noise at 20 dB SNR. Two sets of
replies, neither of which the language model was built from (coach/voice/corpus.yml):
- scenario replies: the good and poor staff sides of each English scenario (coach/sim/scripts/), recognised with
  the domain model and with the domain model adapted to the scenario;
- independent replies: the frozen evaluation set's staff replies (data/eval/frozen/, written by people who never
  saw the product's phrases), recognised with the domain model.
Every reply is also recognised with pocketsphinx's general English model, which is what the domain model gains on.

Prints, per model: word error rate (all, clean, noisy, per voice); transcription seconds per second of audio;
the speaking-rate error against the known rate (the reference's words over the time spoken); and, for the
scenario replies, the end of speech to the customer's voice starting: recognition + the detector + the customer
simulator's turn + synthesising the customer's answer, p50 and p95 (the practice server's own overhead is
bench/bench_turns.py's figure). Targets: < 0.5 s per second of audio, WER < 25%, p95 < 1.5 s, rate error < 10%.

--decoders compares the recogniser's settings instead (DECODERS: pocketsphinx's defaults on the whole recording, as
the product first did, against decoding only the speech and lighter searches): per setting, the WER on the scenario
replies with the scenario and the domain model, on the independent replies with the domain model, and the end of
speech to the customer's voice. coach/voice/listen.py's DECODER_OPTIONS and trimming are what it chose.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.voice import lm  # noqa: E402
from coach.voice.audio import join, silence, with_noise  # noqa: E402
from coach.voice.listen import DECODER_OPTIONS, PAUSE_KEPT_S, Recogniser, recogniser  # noqa: E402
from coach.voice.speak import VoiceSettings, say_audio  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VOICES = [("flite slt 165", VoiceSettings(engine="flite", voice="slt", rate=165)),
          ("flite rms 140", VoiceSettings(engine="flite", voice="rms", rate=140)),
          ("flite awb 190", VoiceSettings(engine="flite", voice="awb", rate=190)),
          ("flite kal16 200", VoiceSettings(engine="flite", voice="kal16", rate=200)),
          ("espeak-ng en-us 165", VoiceSettings(engine="espeak-ng", voice="en-us", rate=165)),
          ("flite slt 130", VoiceSettings(engine="flite", voice="slt", rate=130))]
NOISE_SNR_DB = 20.0  # an open-plan office behind the trainee
MAX_WORDS = 45
# name -> (decoder options, decode only the speech pieces)
DECODERS = {
    "defaults, whole recording": ({}, False),
    "defaults, speech only": ({}, True),
    "speech only, no flat pass": ({"fwdflat": False}, True),
    "speech only, no flat pass, 5,000 HMMs": ({"fwdflat": False, "maxhmmpf": 5000, "maxwpf": 20}, True),
    "speech only, no flat pass, 2,000 HMMs": (DECODER_OPTIONS, True),  # the adopted one (coach/voice/listen.py)
    # on top of the adopted one (December 7): every other frame, two Gaussians a frame, narrower beams
    "... and every other frame (ds 2)": ({**DECODER_OPTIONS, "ds": 2}, True),
    "... and two Gaussians a frame (topn 2)": ({**DECODER_OPTIONS, "topn": 2}, True),
    "... and narrower beams": ({**DECODER_OPTIONS, "beam": 1e-40, "pbeam": 1e-40, "wbeam": 1e-24}, True),
}


def scenario_replies(per_scenario: int):
    import yaml

    from coach.sim import load_scenarios

    scenarios = {k: v for k, v in load_scenarios().items() if v.language == "en"}
    out = []
    for sid, sc in sorted(scenarios.items()):
        path = ROOT / "coach" / "sim" / "scripts" / f"{sid}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts = [x if isinstance(x, str) else x.get("text") for k in ("good", "poor") for x in data.get(k) or []]
        texts = [t for t in texts if t and len(t.split()) <= MAX_WORDS][:per_scenario]
        out += [(sc, t) for t in texts]
    return out


def independent_replies(n: int):
    rows = [json.loads(x) for x in (ROOT / "data" / "eval" / "frozen" / "replies.jsonl").read_text().splitlines()
            if x.strip()]
    rows = [r for r in rows if r.get("language", "en") == "en" and 4 <= len(r["text"].split()) <= MAX_WORDS]
    rows.sort(key=lambda r: (r.get("channel") != "phone", r["id"]))  # the phone replies first
    return [(None, r["text"]) for r in rows[:n]]


def spoken(items):
    """(scenario, text, voice name, noisy, audio) for each reply, voices taken in turn, every third with noise."""
    out = []
    for k, (sc, text) in enumerate(items):
        name, voice = VOICES[k % len(VOICES)]
        audio = say_audio(text, "en", voice)
        audio = join(silence(0.4, audio.rate), audio, silence(0.6, audio.rate))  # the recorder's margins
        out.append((sc, text, name, False, audio))
        if k % 3 == 0:
            out.append((sc, text, name, True, with_noise(audio, NOISE_SNR_DB, seed=k)))
    return out


def measure(rec, clips, model, progress):
    rows = []
    for n, (sc, text, voice, noisy, audio) in enumerate(clips, 1):
        texts = lm.scenario_texts(sc) if (model == "scenario" and sc is not None) else ()
        search = rec.general() if model == "general" else None
        t0 = time.perf_counter()
        tr = rec.transcribe(audio, texts, search=search)
        took = time.perf_counter() - t0
        ref = lm.spoken_words(text)
        spoken_s = (tr.speech_end or 0) - (tr.speech_start or 0) - sum(
            max(0.0, s["end"] - s["start"] - PAUSE_KEPT_S) for s in tr.silences)
        known_rate = len(ref) / (spoken_s / 60) if spoken_s > 0.3 else None
        rows.append({"edits": lm.word_edits(ref, tr.text.lower().split()), "words": len(ref), "voice": voice,
                     "noisy": noisy,
                     "seconds": audio.duration_s, "took": took, "rate": tr.words_per_minute, "known": known_rate,
                     "text": text, "heard": tr.text, "scenario": sc, "transcription": tr})
        progress(n, len(clips))
    return rows


def wer(rows):
    words = sum(r["words"] for r in rows)
    return sum(r["edits"] for r in rows) / words if words else float("nan")


def report(title, rows):
    per_s = sum(r["took"] for r in rows) / sum(r["seconds"] for r in rows)
    rate_err = [abs(r["rate"] - r["known"]) / r["known"] for r in rows if r["rate"] and r["known"]]
    print(f"  {title:<34} WER {wer(rows):6.1%} (clean {wer([r for r in rows if not r['noisy']]):.1%}, noisy "
          f"{wer([r for r in rows if r['noisy']]):.1%})   {per_s:.3f} s per s of audio   rate error mean "
          f"{statistics.mean(rate_err):.1%} (median {statistics.median(rate_err):.1%})")
    by_voice = defaultdict(list)
    for r in rows:
        by_voice[r["voice"]].append(r)
    print("      by voice: " + ", ".join(f"{v} {wer(rs):.0%}" for v, rs in sorted(by_voice.items())))


def end_to_end(rows):
    """From the end of the trainee's speech to the customer's voice: recognise (already timed), detect, the
    simulator's answer, and synthesising it."""
    from coach.detect import shared_detector
    from coach.sim.customer import CustomerSimulator

    det = shared_detector(language="en")
    out = []
    for r in rows:
        sc = r["scenario"]
        sim = CustomerSimulator(sc, seed=1, channel="phone")
        sim.opening()
        sim.call_event("answer", 5.0)
        t0 = time.perf_counter()
        behaviors = det.detect(r["transcription"].text, "").behaviors
        reply = sim.staff_says(r["transcription"].text, behaviors, 20.0)
        if reply.text:
            say_audio(reply.text, "en", VoiceSettings(**(sc.persona.get("voice") or {})), reply.mood)
        out.append(r["took"] + time.perf_counter() - t0)
    return out


def progress(n, total):
    if n == total or n % 10 == 0:
        print(f"    {n}/{total}", file=sys.stderr, flush=True)


def p95(values):
    return statistics.quantiles(values, n=20)[18]


ADOPTED = "speech only, no flat pass, 2,000 HMMs"  # coach/voice/listen.py's DECODER_OPTIONS


def compare_decoders(a, b, since_adopted=False) -> int:
    """Each of DECODERS on the same clips (with `since_adopted`, the adopted one and those after it): WERs, seconds
    per second of audio, end of speech to the voice."""
    print(f"{'setting':<42}{'scenario':>10}{'domain':>9}{'indep.':>9}{'s per s':>9}{'e2e p50':>9}{'e2e p95':>9}")
    names = list(DECODERS)
    for name in names[names.index(ADOPTED):] if since_adopted else names:
        options, trim = DECODERS[name]
        rec = Recogniser("en", options=options, trim=trim)
        for sc in {id(c[0]): c[0] for c in a}.values():
            rec.prepare(lm.scenario_texts(sc))
        print(f"  {name}...", file=sys.stderr)
        scen, dom, ind = measure(rec, a, "scenario", progress), measure(rec, a, "domain", progress), \
            measure(rec, b, "domain", progress)
        per_s = sum(r["took"] for r in scen) / sum(r["seconds"] for r in scen)
        e2e = end_to_end(scen)
        print(f"{name:<42}{wer(scen):>10.1%}{wer(dom):>9.1%}{wer(ind):>9.1%}{per_s:>9.3f}"
              f"{statistics.median(e2e):>8.2f}s{p95(e2e):>8.2f}s", flush=True)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-scenario", type=int, default=4, help="replies of each English scenario (default 4)")
    ap.add_argument("--independent", type=int, default=30, help="independent replies (default 30)")
    ap.add_argument("--decoders", action="store_true", help="compare the recogniser's settings (DECODERS)")
    ap.add_argument("--since-adopted", action="store_true",
                    help="with --decoders: only the adopted setting and the candidates after it")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    rec = recogniser("en")
    print(f"recogniser ready in {time.perf_counter() - t0:.1f} s (the domain model built or read from var/voice/)")
    t0 = time.perf_counter()
    a, b = spoken(scenario_replies(args.per_scenario)), spoken(independent_replies(args.independent))
    print(f"spoken set: {len(a)} scenario clips, {len(b)} independent clips "
          f"({sum(c[4].duration_s for c in a + b) / 60:.1f} min of audio, synthesised in "
          f"{time.perf_counter() - t0:.0f} s; every third again at {NOISE_SNR_DB:.0f} dB SNR)")
    if args.decoders:
        return compare_decoders(a, b, args.since_adopted)
    t0 = time.perf_counter()
    for sc in {id(c[0]): c[0] for c in a}.values():  # each scenario's adapted model, built before timing
        rec.prepare(lm.scenario_texts(sc))
    print(f"scenario models built or read in {time.perf_counter() - t0:.0f} s (var/voice/; built once per "
          f"scenario version, when its first phone session starts)")
    results = {}
    for set_name, clips, models in (("scenario replies", a, ("general", "domain", "scenario")),
                                    ("independent replies", b, ("general", "domain"))):
        print(f"\n{set_name} ({len(clips)} clips, {sum(len(lm.spoken_words(c[1])) for c in clips)} words)")
        for model in models:
            print(f"  recognising with the {model} model...", file=sys.stderr)
            rows = measure(rec, clips, model, progress)
            results[(set_name, model)] = rows
            report(f"{model} model", rows)
    worst = sorted(results[("scenario replies", "scenario")], key=lambda r: -r["edits"] / max(1, r["words"]))[:3]
    print("\nhardest scenario replies (scenario model):")
    for r in worst:
        noisy = ", noisy" if r["noisy"] else ""
        print(f"  [{r['voice']}{noisy}] said: {r['text'][:90]!r}\n      heard: {r['heard'][:90]!r}")
    e2e = end_to_end(results[("scenario replies", "scenario")])
    print(f"\nend of speech to the customer's voice (recognise + detect + simulate + synthesise), {len(e2e)} replies: "
          f"p50 {statistics.median(e2e):.2f} s, p95 {p95(e2e):.2f} s, max {max(e2e):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
