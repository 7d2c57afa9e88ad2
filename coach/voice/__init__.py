"""Voice on the telephone track, offline: the customer speaks (espeak-ng), the trainee's spoken reply is
transcribed (pocketsphinx with a language model built from the product's own phrases) and measured (speaking
rate, silences, loudness, talking over the customer).

Free of Rasa and Streamlit: the panel and the command line call it, and what it measures is scored by the
standards of type `voice` (coach/standards/checks.py)."""

from coach.voice.audio import Audio, VoiceError, read_wav  # noqa: F401
