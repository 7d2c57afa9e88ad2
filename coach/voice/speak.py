"""The customer's voice, offline, from Debian's packages: Flite (CMU's voices, US English, the clearest here) for
English and espeak-ng for the other languages (and for English when a persona asks for it). A line is spoken with
the persona's settings, faster and higher as the customer's mood falls.

A persona's settings are data, in the scenario file (persona: voice: {engine, voice, pitch, rate}); without them
a voice of the scenario's language is used."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from pydantic import BaseModel, Field, validator

from coach.voice.audio import Audio, VoiceError, read_wav

ENGINES = {"flite": "flite", "espeak-ng": "espeak-ng"}  # engine -> its command
MAX_CHARS = 2_000  # one customer line
# each language's voice when a persona names none: (engine, voice)
LANGUAGE_VOICES = {"en": ("flite", "slt"), "ru": ("espeak-ng", "ru"), "uk": ("espeak-ng", "uk"),
                   "sv": ("espeak-ng", "sv"), "lv": ("espeak-ng", "lv")}
ESPEAK_VOICES = {"en": "en-gb", "ru": "ru", "uk": "uk", "sv": "sv", "lv": "lv"}
FLITE_VOICES = ("slt", "rms", "awb", "kal16", "kal")  # Debian's flite: a woman, three men, a diphone voice
_NAME = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]+)*(?:\+[a-z0-9]+)?$")


class VoiceSettings(BaseModel):
    """How a persona sounds: the engine and its voice (Flite: slt, rms, awb, kal16; espeak-ng: a voice with an
    optional variant after '+', e.g. en-gb+f3), its pitch (0-99, low to high) and its rate in words per minute
    when calm."""

    engine: str = Field(None, description="flite or espeak-ng (default: the language's)")
    voice: str = Field(None, description="the engine's voice, e.g. slt (flite), en-gb+f3 or ru (espeak-ng)")
    pitch: int = Field(50, ge=0, le=99)
    rate: int = Field(165, ge=80, le=300)

    class Config:
        extra = "forbid"

    @validator("engine")
    def _engine(cls, v):
        if v is not None and v not in ENGINES:
            raise ValueError(f"{v!r} is not a voice engine here; choose one of {', '.join(ENGINES)}")
        return v

    @validator("voice")
    def _voice(cls, v, values):
        if v is None:
            return v
        if values.get("engine") == "flite" or (values.get("engine") is None and v in FLITE_VOICES):
            if v not in FLITE_VOICES:
                raise ValueError(f"{v!r} is not a Flite voice; choose one of {', '.join(FLITE_VOICES)}")
        elif not isinstance(v, str) or not _NAME.match(v):
            raise ValueError(f"{v!r} is not an espeak-ng voice name (such as en-gb, en-us+f3, ru, sv)")
        return v

    def resolved(self, language: str) -> tuple[str, str]:
        """(engine, voice) for a line in `language`."""
        if self.voice:
            return self.engine or ("flite" if self.voice in FLITE_VOICES else "espeak-ng"), self.voice
        engine, voice = LANGUAGE_VOICES.get(language, (None, None))
        if engine is None:
            raise VoiceError(f"no voice for language {language!r}; the voices are for "
                             f"{', '.join(sorted(LANGUAGE_VOICES))}")
        if self.engine == "espeak-ng":
            return "espeak-ng", ESPEAK_VOICES[language]
        if self.engine == "flite" and language != "en":
            raise VoiceError(f"Flite speaks English only; a customer in {language!r} needs engine: espeak-ng")
        return self.engine or engine, voice if (self.engine or engine) == engine else "slt"


def available(engine: str = "espeak-ng") -> str | None:
    """None when the engine is installed, else what to do."""
    if shutil.which(ENGINES[engine]):
        return None
    return f"{engine} is not installed; `make install` installs it (or: apt-get install {ENGINES[engine]})"


def delivery(settings: VoiceSettings, mood: float | None) -> dict:
    """The settings for a line said in this mood: calm at mood >= 0; as the mood falls to -1 the rate rises by
    up to 30%, the pitch by up to 15 (of 99) and the voice gets louder (a sharper, faster delivery)."""
    upset = max(0.0, -(mood or 0.0))
    return {"rate": int(round(min(300, settings.rate * (1 + 0.3 * upset)))),
            "pitch": int(round(min(99, settings.pitch + 15 * upset))),
            "amplitude": int(round(100 + 40 * upset))}


def speakable(text: str) -> str:
    """The line as espeak-ng should read it: no control characters, one line, at most MAX_CHARS."""
    if not isinstance(text, str):
        raise VoiceError(f"the text to speak must be a string, got {type(text).__name__}")
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise VoiceError("nothing to say: the text is empty")
    if len(text) > MAX_CHARS:
        raise VoiceError(f"the text is {len(text):,} characters; one spoken line may have at most {MAX_CHARS:,}")
    return text


def say(text: str, language: str = "en", settings: VoiceSettings | None = None, mood: float | None = None,
        timeout: float = 30.0) -> bytes:
    """The line spoken, as WAV bytes (mono; Flite 16 kHz, espeak-ng 22.05 kHz)."""
    settings = settings or VoiceSettings()
    engine, voice = settings.resolved(language)
    missing = available(engine)
    if missing:
        raise VoiceError(missing)
    text = speakable(text)
    d = delivery(settings, mood)
    if engine == "flite":
        return _flite(text, voice, d, timeout)
    cmd = ["espeak-ng", "-v", voice, "-s", str(d["rate"]), "-p", str(d["pitch"]), "-a", str(d["amplitude"]),
           "-b", "1", "--stdout"]  # -b 1: the text is UTF-8; read from stdin so no line is taken as an option
    done = _run(cmd, text.encode("utf-8"), timeout, "espeak-ng")
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        why = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        raise VoiceError(f"espeak-ng could not speak with voice {voice!r}: {why}")
    return _fixed_header(done.stdout)


def _run(cmd, stdin, timeout, engine):
    try:
        return subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise VoiceError(f"{engine} took more than {timeout:.0f} s to speak the line") from None


def _flite(text, voice, d, timeout) -> bytes:
    """Flite reads the text from a file and writes a WAV file; its rate is a stretch of its own (about 165
    words a minute at 1.0) and its pitch a mean in Hz."""
    import tempfile

    stretch = max(0.4, min(2.5, 165 / d["rate"]))
    mean_hz = 70 + 1.6 * d["pitch"]  # 0..99 -> 70..228 Hz
    with tempfile.TemporaryDirectory(prefix="coach-say-") as tmp:
        src, out = Path(tmp) / "line.txt", Path(tmp) / "line.wav"
        src.write_text(text, encoding="utf-8")
        cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.3f}",
               "--setf", f"int_f0_target_mean={mean_hz:.0f}", "-f", str(src), "-o", str(out)]
        done = _run(cmd, None, timeout, "flite")
        if done.returncode != 0 or not out.exists():
            why = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
            raise VoiceError(f"flite could not speak with voice {voice!r}: {why}")
        return out.read_bytes()


def _fixed_header(data: bytes) -> bytes:
    """espeak-ng writing to a pipe cannot seek back, so its RIFF and data sizes say 'unknown' (0x7fffffff):
    rewrite them from the real length so every player and reader takes the file."""
    if len(data) < 44:
        return data
    body = bytearray(data)
    pos = 12
    while pos + 8 <= len(body):
        chunk, size = bytes(body[pos:pos + 4]), int.from_bytes(body[pos + 4:pos + 8], "little")
        if chunk == b"data":
            body[pos + 4:pos + 8] = (len(body) - pos - 8).to_bytes(4, "little")
            break
        pos += 8 + size + (size & 1)
    body[4:8] = (len(body) - 8).to_bytes(4, "little")
    return bytes(body)


def say_audio(text: str, language: str = "en", settings: VoiceSettings | None = None,
              mood: float | None = None) -> Audio:
    return read_wav(say(text, language, settings, mood), name="the synthesised line")
