"""WAV in and out, and what is measured from the sound alone: length, loudness, clipping and silences.

Browsers record at 44.1 or 48 kHz, espeak-ng writes 22.05 kHz and the recogniser wants 16 kHz mono 16-bit:
everything is read into one shape (mono float samples in -1..1 at the file's rate) and resampled on demand."""

from __future__ import annotations

import io
import math
import wave
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

MAX_SECONDS = 180.0  # one spoken reply; a longer recording is refused with a clear message
FRAME_S = 0.02  # loudness and silences are read in 20 ms frames
SILENCE_DB = -45.0  # a frame quieter than this (dBFS) is silent ...
SILENCE_BELOW_PEAK_DB = 35.0  # ... or more than this below the loudest frames of the recording
TOO_QUIET_DB = -35.0  # speech whose loud frames stay under this is too quiet to hear well on a phone line
CLIPPED_SHARE = 0.002  # more than 0.2% of samples at full scale: the microphone was overdriven


class VoiceError(ValueError):
    """Audio that cannot be used; the message says what was wrong and what would be right."""


@dataclass
class Audio:
    samples: np.ndarray  # mono float32 in -1..1
    rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0

    def resampled(self, rate: int) -> "Audio":
        if rate == self.rate:
            return self
        from scipy.signal import resample_poly

        f = Fraction(rate, self.rate).limit_denominator(1000)
        out = resample_poly(self.samples, f.numerator, f.denominator).astype(np.float32)
        return Audio(np.clip(out, -1.0, 1.0), rate)

    def pcm16(self, rate: int | None = None) -> bytes:
        a = self.resampled(rate) if rate else self
        return (np.clip(a.samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()

    def wav(self, rate: int | None = None) -> bytes:
        a = self.resampled(rate) if rate else self
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(a.rate)
            w.writeframes(a.pcm16())
        return buf.getvalue()


def read_wav(data: bytes | str, name: str = "the recording", max_seconds: float = MAX_SECONDS) -> Audio:
    """A WAV file (bytes or a path) as mono audio. 8-, 16-, 24- and 32-bit PCM, any rate, any channels."""
    if isinstance(data, str):
        try:
            with open(data, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise VoiceError(f"{name}: cannot be read ({exc.strerror}); give the path of a WAV file") from None
    if not data:
        raise VoiceError(f"{name}: is empty; record a reply of at least half a second")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise VoiceError(f"{name}: is not a WAV file (it starts with {data[:4]!r}); give a PCM WAV "
                         f"(e.g. from the browser's recorder, or `sox in.mp3 out.wav`)")
    try:
        with wave.open(io.BytesIO(data)) as w:
            channels, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            if rate < 8000:
                raise VoiceError(f"{name}: sampled at {rate} Hz; at least 8000 Hz is needed to hear speech")
            if n / rate > max_seconds:
                raise VoiceError(f"{name}: {n / rate:.0f} s long; one reply may be at most {max_seconds:.0f} s. "
                                 f"Split it, or say it more briefly")
            raw = w.readframes(n)
    except wave.Error as exc:
        raise VoiceError(f"{name}: not a PCM WAV file this reader understands ({exc}); give 16-bit PCM") from None
    except EOFError:
        raise VoiceError(f"{name}: the WAV file is cut short; record it again") from None
    if width == 1:
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = (np.where(v >= 1 << 23, v - (1 << 24), v)).astype(np.float32) / float(1 << 23)
    elif width == 4:
        x = np.frombuffer(raw, dtype="<i4").astype(np.float32) / float(1 << 31)
    else:
        raise VoiceError(f"{name}: {8 * width}-bit samples; give 16-bit PCM")
    if channels > 1:
        x = x[: len(x) - len(x) % channels].reshape(-1, channels).mean(axis=1)
    return Audio(x.astype(np.float32), rate)


def frame_db(audio: Audio) -> np.ndarray:
    """The loudness of each 20 ms frame in dBFS (-100 for digital silence)."""
    n = max(1, int(audio.rate * FRAME_S))
    k = len(audio.samples) // n
    if k == 0:
        return np.array([], dtype=np.float32)
    frames = audio.samples[: k * n].reshape(k, n)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return np.where(rms > 1e-5, 20 * np.log10(np.maximum(rms, 1e-10)), -100.0)


@dataclass
class SoundMeasures:
    duration_s: float
    speech_start: float | None  # the first and last moment of sound (None: nothing was said)
    speech_end: float | None
    silences: list  # [{"start", "end"}] pauses inside the speech at least min_silence long
    loudness_db: float | None  # the loud frames' level (90th percentile), dBFS
    too_quiet: bool
    clipped: bool

    def as_dict(self) -> dict:
        return {"duration_s": round(self.duration_s, 2), "silences": self.silences,
                "loudness_db": None if self.loudness_db is None else round(self.loudness_db, 1),
                "too_quiet": self.too_quiet, "clipped": self.clipped,
                "speech_start": None if self.speech_start is None else round(self.speech_start, 2),
                "speech_end": None if self.speech_end is None else round(self.speech_end, 2)}


def measure(audio: Audio, min_silence: float = 1.0) -> SoundMeasures:
    """Loudness, clipping and the silences inside the speech (leading and trailing silence is not a pause:
    the recorder starts before and stops after the person speaks)."""
    db = frame_db(audio)
    if len(db) == 0 or db.max() < SILENCE_DB:
        return SoundMeasures(audio.duration_s, None, None, [], None, True, False)
    peak = float(np.percentile(db, 95))
    threshold = max(SILENCE_DB, peak - SILENCE_BELOW_PEAK_DB)
    voiced = db > threshold
    first, last = int(np.argmax(voiced)), len(voiced) - 1 - int(np.argmax(voiced[::-1]))
    silences, run = [], None
    for i in range(first, last + 1):
        if not voiced[i]:
            run = i if run is None else run
        elif run is not None:
            if (i - run) * FRAME_S >= min_silence:
                silences.append({"start": round(run * FRAME_S, 2), "end": round(i * FRAME_S, 2)})
            run = None
    loud = float(np.percentile(db[voiced], 90)) if voiced.any() else None
    clipped = float(np.mean(np.abs(audio.samples) >= 0.999)) > CLIPPED_SHARE
    return SoundMeasures(audio.duration_s, first * FRAME_S, (last + 1) * FRAME_S, silences, loud,
                         loud is None or loud < TOO_QUIET_DB, clipped)


def tone(rate: int = 16000, seconds: float = 1.0, hz: float = 440.0, level_db: float = -12.0) -> Audio:
    """A sine tone (the ring of the phone is built from these)."""
    t = np.arange(int(rate * seconds)) / rate
    return Audio((math.pow(10, level_db / 20) * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate)


def ringing(rings: int = 1, rate: int = 16000) -> bytes:
    """The ring of a phone (UK cadence: 0.4 s on, 0.2 s off, 0.4 s on, 2 s off) as a WAV, `rings` times."""
    on = tone(rate, 0.4, 400, -14).samples + tone(rate, 0.4, 450, -14).samples
    off = np.zeros(int(rate * 0.2), np.float32)
    pause = np.zeros(int(rate * 2.0), np.float32)
    one = np.concatenate([on, off, on, pause])
    return Audio(np.tile(one, max(1, rings)), rate).wav()


def silence(seconds: float, rate: int = 16000) -> Audio:
    return Audio(np.zeros(int(rate * seconds), np.float32), rate)


def join(*parts: Audio) -> Audio:
    rate = parts[0].rate
    return Audio(np.concatenate([p.resampled(rate).samples for p in parts]), rate)


def with_noise(audio: Audio, snr_db: float, seed: int = 0) -> Audio:
    """The audio with white noise at a signal-to-noise ratio (for the benchmark's noisy replies)."""
    rng = np.random.default_rng(seed)
    power = float(np.mean(audio.samples.astype(np.float64) ** 2)) or 1e-10
    noise = rng.normal(0, math.sqrt(power / math.pow(10, snr_db / 10)), len(audio.samples)).astype(np.float32)
    return Audio(np.clip(audio.samples + noise, -1, 1), audio.rate)


def scaled(audio: Audio, gain_db: float) -> Audio:
    return Audio(np.clip(audio.samples * math.pow(10, gain_db / 20), -1, 1).astype(np.float32), audio.rate)
