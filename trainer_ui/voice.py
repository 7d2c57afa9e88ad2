"""The phone mode's voice on the Practise page: the customer's lines spoken (Flite/espeak-ng), the phone ringing,
and the trainee's reply recorded in the browser, transcribed offline and shown for correcting before it is sent.
A thin adapter: the speaking, hearing and measuring are coach.voice's."""

from __future__ import annotations

import hashlib
import logging
import threading
import time

import streamlit as st

from coach.voice import VoiceError
from trainer_ui.i18n import t

RING_S = 3.0  # one ring of the UK cadence (ringing() in coach/voice/audio.py)


@st.cache_data(max_entries=500, show_spinner=False)
def spoken(text: str, language: str, voice: tuple, mood_step: int) -> bytes:
    """A customer line as WAV (cached: the same line in the same mood sounds the same)."""
    from coach.voice.speak import VoiceSettings, say

    return say(text, language, VoiceSettings(**dict(voice)), mood=mood_step / 4)


@st.cache_data(show_spinner=False)
def ring_tone(rings: int = 8) -> bytes:
    from coach.voice.audio import ringing

    return ringing(rings)


def play_ringing(secs: float):
    rings = int(secs // RING_S) + 1
    st.markdown("### :material/ring_volume: " + t("Ringing... ring {n} ({secs} s)", n=rings, secs=f"{secs:.0f}"))
    if not st.session_state.get("voice_muted"):
        st.audio(ring_tone(), format="audio/wav", autoplay=secs < 1.5)  # starts once; the page re-runs each second


def play_customer(p: dict, scenario_voice: dict, language: str):
    """The customer's newest line, spoken once (autoplay when it is new); older lines stay as text."""
    last = next((x for x in reversed(p["turns"]) if x["speaker"] == "customer" and x["text"]), None)
    if last is None or st.session_state.get("voice_muted"):
        return
    mood_step = int(round(max(-1.0, min(1.0, p.get("mood") or 0.0)) * 4))
    try:
        wav = spoken(last["text"], language, tuple(sorted(scenario_voice.items())), mood_step)
    except VoiceError as exc:
        st.caption(t("The customer's voice is not available: {why}. Read the line instead.", why=str(exc)))
        return
    new = p.get("played_seq") != last["seq"]
    if new:
        from coach.voice.audio import read_wav

        p["played_seq"] = last["seq"]
        p["customer_audio_until"] = time.time() + read_wav(wav).duration_s  # for talking over the customer
    st.audio(wav, format="audio/wav", autoplay=new)


_prepared: set = set()
_preparing = threading.Lock()


def prepare(language: str, scenario):
    """Load the recogniser and adapt it to the scenario in the background, once per scenario and process, so
    the trainee's first spoken reply does not wait for it (about ten seconds the first time on a machine)."""
    from coach.voice.listen import LANGUAGES
    from coach.voice.listen import prepare as load

    key = (language, getattr(scenario, "version", None) or getattr(scenario, "id", ""))
    with _preparing:
        if language not in LANGUAGES or key in _prepared:
            return
        _prepared.add(key)
    threading.Thread(target=_quietly, args=(load, language, scenario), name="voice-prepare", daemon=True).start()


def _quietly(load, language, scenario):
    try:
        load(language, scenario)
    except Exception as exc:  # the first spoken reply builds it again and shows the trainee what went wrong
        logging.getLogger(__name__).warning("the recogniser could not be prepared for %s: %s",
                                            getattr(scenario, "id", scenario), exc)


def recorder(p: dict, language: str, scenario, send):
    """Record, transcribe, let the trainee correct the words, send them with what was measured."""
    from coach.voice.listen import LANGUAGES

    if language not in LANGUAGES:
        st.caption(t("Voice answers are recognised in English only on this machine; the customer speaks, "
                     "you type your reply."))
        return
    prepare(language, scenario)
    problem = p.pop("voice_problem", None)
    if problem:  # the last recording could not be used: said, and the recorder is fresh for another try
        st.warning(problem)
    n, attempt = len(p["turns"]), p.get("voice_attempt", 0)
    clip = st.audio_input(t("Answer aloud (or type below)"), key=f"voice_reply_{p['session_id']}_{n}_{attempt}")
    if clip is None:
        return
    data = clip.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    heard = p.get("heard")
    if not heard or heard["digest"] != digest:
        from coach.voice.listen import transcribe

        received = time.time()
        with st.spinner(t("Listening to your reply...")):
            try:
                result = transcribe(data, language, scenario)
            except VoiceError as exc:
                _try_again(p, t("Your recording could not be used: {why}", why=str(exc)))
        measures = result.as_dict()
        measures.pop("text")
        until = p.get("customer_audio_until")
        if until:  # the recording ended when it arrived: it began `duration` earlier
            started = received - result.duration_s + (result.speech_start or 0.0)
            measures["talk_over_s"] = round(max(0.0, min(result.duration_s, until - started)), 2)
        heard = p["heard"] = {"digest": digest, "text": result.text, "voice": measures, "wav": data}
    if not heard["text"]:
        p.pop("heard", None)
        _try_again(p, t("No words were recognised in the recording. Speak closer to the microphone, or type your "
                        "reply."))
    st.caption(t("What was heard (correct it if the recogniser misheard, then send):"))
    text = st.text_area(t("Your spoken reply"), value=heard["text"], key=f"heard_{digest}", max_chars=2000,
                        label_visibility="collapsed")
    v = heard["voice"]
    wpm = f"{v['words_per_minute']:.0f}" if v.get("words_per_minute") else "—"
    st.caption(t("{wpm} words a minute · {pauses} long pause(s) · {loud}", wpm=wpm, pauses=len(v.get("silences") or []),
                 loud=t("too quiet") if v.get("too_quiet") else (t("too loud") if v.get("clipped") else t("clear"))))
    if st.button(t("Send what I said"), key=f"send_voice_{digest}", type="primary"):
        p.pop("heard", None)
        send(text, v, heard["wav"])


def _try_again(p: dict, problem: str):
    """A recording that cannot be used: say why above a fresh recorder (the call and its turns are untouched)."""
    p["voice_problem"] = problem
    p["voice_attempt"] = p.get("voice_attempt", 0) + 1
    st.rerun()
