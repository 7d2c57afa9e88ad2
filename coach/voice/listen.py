"""The trainee's spoken reply as text, offline: pocketsphinx 5 with its English acoustic model and the product's
own language model (coach/voice/lm.py), adapted to the scenario when one is given; and what is measured from
it: speaking rate, pauses, loudness.

One decoder per process holds the acoustic model once and one search per language model (the domain model and
each scenario's), switched per reply; a lock keeps two replies from decoding in it at once."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from coach.voice import lm
from coach.voice.audio import Audio, VoiceError, measure, read_wav

RATE = 16000
FRAME_S = 0.01  # pocketsphinx's frames
LANGUAGES = ("en",)  # the recogniser's acoustic models here; other languages are spoken to but typed back
FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "[BREATH]", "[COUGH]", "[UH]", "[UM]", "[SMACK]"}


@dataclass
class Transcription:
    text: str
    words: list  # [{"word", "start", "end"}] seconds from the start of the recording
    duration_s: float
    words_per_minute: float | None
    silences: list  # [{"start", "end"}] pauses of at least a second inside the speech
    too_quiet: bool
    clipped: bool = False
    loudness_db: float | None = None
    speech_start: float | None = None
    speech_end: float | None = None
    decode_s: float = 0.0
    model: str = "domain"  # which language model heard it: general, domain or scenario

    def as_dict(self) -> dict:
        """What `coach transcribe` prints, and what a spoken reply carries to the scorer (turn's `voice`)."""
        return {"text": self.text, "duration_s": round(self.duration_s, 2),
                "words_per_minute": None if self.words_per_minute is None else round(self.words_per_minute, 1),
                "silences": self.silences, "too_quiet": self.too_quiet, "clipped": self.clipped,
                "loudness_db": self.loudness_db, "speech_start": _r(self.speech_start),
                "speech_end": _r(self.speech_end)}


def _r(x):
    return None if x is None else round(x, 2)


# pocketsphinx's settings, chosen by bench/bench_voice.py --decoders under a rule written before the run (the fastest
# whose WER on the scenario replies is at most a point above the defaults'): no second, flat-lexicon pass, and at most
# 2,000 HMMs and 10 words a frame. End of speech to the customer's voice p95 3.28 -> 1.70 s (1.74 s run alone), WER
# 21.2% -> 22.2% (scenario model), 21.3% -> 22.1% (domain model), independent replies 30.3% -> 29.7%.
DECODER_OPTIONS: dict = {"fwdflat": False, "maxhmmpf": 2000, "maxwpf": 10}
PAUSE_KEPT_S = 0.5  # of a long pause, this much counts as speaking time, as a short pause between phrases does
EDGE_S = 0.3  # sound kept before the first and after the last moment of speech, for soft onsets and endings
GAP_KEPT_S = 0.3  # of a pause of a second or more, this much is decoded on each side; the middle is silence


def speech_pieces(sound, duration_s: float) -> list[tuple[float, float]]:
    """The parts of a recording worth decoding, (start, end) in seconds: the speech with a margin, less the middles
    of its long pauses. Silence is what the trainee waits for the recogniser to plough through after they stop
    (the recorder's margins, a pause to look something up), and the measures already have it."""
    if sound.speech_start is None:
        return []
    start, end = max(0.0, sound.speech_start - EDGE_S), min(duration_s, sound.speech_end + EDGE_S)
    pieces = []
    for pause in sound.silences:
        cut_from, cut_to = pause["start"] + GAP_KEPT_S, pause["end"] - GAP_KEPT_S
        if start < cut_from < cut_to < end:
            pieces.append((start, cut_from))
            start = cut_to
    pieces.append((start, end))
    return pieces


class TimeMap:
    """Where the decoder's frames of the pieces, fed one after another, lie in the whole recording."""

    def __init__(self, pieces, rate: int = RATE):
        self.rate = rate
        self.starts, self.lengths, self.offsets = [], [], []  # per piece, in samples: where it starts in the
        fed = 0  # recording, how long it is, and where it starts in what the decoder is fed
        for a, b in pieces:
            first = int(round(a * rate))
            self.starts.append(first)
            self.lengths.append(max(0, int(round(b * rate)) - first))
            self.offsets.append(fed)
            fed += self.lengths[-1]

    def cut(self, pcm: bytes) -> bytes:
        """The pieces of 16-bit PCM, joined."""
        return b"".join(pcm[2 * first:2 * (first + n)] for first, n in zip(self.starts, self.lengths, strict=True))

    def seconds(self, frame: int) -> float:
        """A decoder frame as seconds from the start of the recording."""
        sample = int(round(frame * FRAME_S * self.rate))
        k = max((i for i, o in enumerate(self.offsets) if o <= sample), default=0)
        return (self.starts[k] + sample - self.offsets[k]) / self.rate


def speaking_rate(n_words: int, speech_start, speech_end, silences) -> float | None:
    """Words per minute over the time spent speaking: from the first to the last sound, less the long pauses
    beyond half a second each (a look-up pause is dead air, not slow speech; the breath between phrases that
    any pause also holds is part of speaking)."""
    if not n_words or speech_start is None or speech_end is None:
        return None
    spoken = (speech_end - speech_start) - sum(max(0.0, s["end"] - s["start"] - PAUSE_KEPT_S) for s in silences)
    return n_words / (spoken / 60.0) if spoken >= 0.3 else None


class Recogniser:
    def __init__(self, language: str = "en", lw: float | None = None, options: dict | None = None,
                 trim: bool = True):
        """`options`: the decoder's settings (DECODER_OPTIONS unless given); `trim`: decode only speech_pieces()."""
        if language not in LANGUAGES:
            raise VoiceError(f"no offline recogniser for {language!r} here (only {', '.join(LANGUAGES)}); "
                             f"type the reply instead")
        from pocketsphinx import Decoder

        self.language = language
        self._lock = threading.Lock()
        self._searches: dict[str, str] = {}
        self._models: dict[tuple, object] = {}  # a scenario's texts -> its model file (hashing its sources is not free)
        kw = dict(DECODER_OPTIONS if options is None else options, **({"lw": lw} if lw else {}))
        self.trim = trim
        self._decoder = Decoder(lm=None, loglevel="FATAL", **kw)
        self._words = set()
        self._casing: dict[str, dict] = {}  # search -> word -> its written form
        self._searches[""] = self._add(lm.model_path(language), "domain")

    def _add(self, path, name) -> str:
        """A language model as a search of the decoder, after the compound words it uses (company names)."""
        for word, phones in lm.model_words(path).items():
            if word not in self._words:
                self._decoder.add_word(word, phones, True)
                self._words.add(word)
        self._decoder.add_lm_file(name, str(path))
        self._casing[name] = lm.model_casing(path)
        return name

    def _search(self, path) -> str:
        """The search of a model file (under the lock: adding one changes the decoder)."""
        if path is None:
            return self._searches[""]
        name = self._searches.get(str(path))
        if name is None:
            name = self._searches[str(path)] = self._add(path, f"scenario{len(self._searches)}")
        return name

    def _model_of(self, scenario_texts):
        """The model file of a scenario's texts (None: the domain model's), found once per process."""
        key = tuple(scenario_texts)
        if key not in self._models:
            self._models[key] = lm.model_path(self.language, list(key)) if key else None
        return self._models[key]

    def prepare(self, scenario_texts) -> None:
        """Build (or read) a scenario's model and add it, so its first spoken reply does not wait for it."""
        path = self._model_of(scenario_texts)
        with self._lock:
            self._search(path)

    def general(self):
        """The general English model that comes with pocketsphinx (what the domain model is measured against)."""
        from pocketsphinx import get_model_path

        key = "__general__"
        with self._lock:
            if key not in self._searches:
                self._decoder.add_lm_file(key, str(Path(get_model_path()) / "en-us" / "en-us.lm.bin"))
                self._searches[key] = key
        return key

    def transcribe(self, audio: Audio | bytes | str, scenario_texts=(), search: str | None = None) -> Transcription:
        if not isinstance(audio, Audio):
            audio = read_wav(audio)
        sound = measure(audio)
        pcm = audio.pcm16(RATE)
        timing = TimeMap(speech_pieces(sound, audio.duration_s) if self.trim else [(0.0, audio.duration_s)])
        # a scenario's model is built outside the lock (seconds, once); other replies go on decoding meanwhile
        path = None if search else self._model_of(scenario_texts)
        t0 = time.perf_counter()
        with self._lock:
            name = search or self._search(path)
            segs = []
            if sound.speech_start is not None:  # silence is not decoded: the recogniser would guess at it
                self._decoder.activate_search(name)
                self._decoder.start_utt()
                self._decoder.process_raw(timing.cut(pcm), full_utt=True)
                self._decoder.end_utt()
                # no hypothesis at all (the search pruned every path: odd sound, a tight search) is nothing heard,
                # which the page says, not an error: pocketsphinx gives None for its segments then
                segs = [(s.word, s.start_frame, s.end_frame) for s in self._decoder.seg() or ()]
        decode_s = time.perf_counter() - t0
        cased = self._casing.get(name, {})
        words = [{"word": w.split("(", 1)[0], "start": round(timing.seconds(a), 2),
                  "end": round(timing.seconds(b), 2)}
                 for w, a, b in segs if w not in FILLERS and not w.startswith("[") and not w.startswith("<")]
        for w in words:  # names and "I" written as the product's phrases write them
            w["word"] = cased.get(w["word"], w["word"])
        if words:
            words[0]["word"] = words[0]["word"][:1].upper() + words[0]["word"][1:]
        wpm = speaking_rate(len(words), sound.speech_start, sound.speech_end, sound.silences)
        return Transcription(
            text=" ".join(w["word"] for w in words), words=words, duration_s=audio.duration_s,
            words_per_minute=wpm, silences=sound.silences, too_quiet=sound.too_quiet,
            clipped=sound.clipped,
            loudness_db=None if sound.loudness_db is None else round(sound.loudness_db, 1),
            speech_start=sound.speech_start, speech_end=sound.speech_end, decode_s=decode_s,
            model="general" if name == "__general__" else ("scenario" if name.startswith("scenario") else "domain"))


_shared: dict[str, Recogniser] = {}
_shared_lock = threading.Lock()


def recogniser(language: str = "en") -> Recogniser:
    """The process's recogniser for a language (loaded once: about a second, plus building the model the first
    time on a machine)."""
    with _shared_lock:
        if language not in _shared:
            _shared[language] = Recogniser(language)
        return _shared[language]


def prepare(language: str, scenario) -> None:
    """The recogniser loaded and adapted to the scenario (the panel calls it when a phone session starts)."""
    if language in LANGUAGES:
        recogniser(language).prepare(lm.scenario_texts(scenario))


def transcribe(audio, language: str = "en", scenario=None) -> Transcription:
    texts = lm.scenario_texts(scenario) if scenario is not None else ()
    return recogniser(language).transcribe(audio, texts)
