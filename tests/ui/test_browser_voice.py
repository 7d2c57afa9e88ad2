"""A phone call by voice in a real browser: the trainee hears the phone ring and the customer speak, answers
aloud (Chromium's fake microphone plays a recorded reply: --use-file-for-fake-audio-capture), corrects nothing,
sends what was heard, and the scorecard shows the call as it sounded. Real panel, Rasa and action servers."""

import re

import pytest
from sqlalchemy import select

from coach.storage.models import PracticeSession, Recording, TurnRecord
from coach.voice.audio import join, silence
from coach.voice.speak import VoiceSettings, say_audio
from tests.ui.conftest import CHROMIUM, FLAGS, SHOTS, person
from tests.ui.test_browser_journey import WAIT, choose, settle, shot, sign_in

# ms: a recording is decoded by pocketsphinx (about 1 s) after the scenario's language model is loaded (the first
# reply of a scenario in the process); with the whole suite on both cores that took more than WAIT once
HEARD_WAIT = 180_000
REPLY = "Good morning, Brightwater Appliances, this is Anna speaking. How can I help you today?"


GOODBYE = "Thank you for calling Brightwater, Mrs Price. Have a lovely afternoon, goodbye."


def spoken(text: str) -> bytes:
    """A reply as the browser's microphone hears it: a synthesised voice at 48 kHz, quiet before and after."""
    voice = say_audio(text, "en", VoiceSettings(engine="flite", voice="rms", rate=150))
    return join(silence(0.6, voice.rate), voice, silence(3.5, voice.rate)).wav(48000)  # longer than a recording


@pytest.fixture(scope="module")
def microphone(tmp_path_factory):
    """The file Chromium's fake microphone plays from its start at each recording (it reads it again each
    time), so the test puts the next reply in it before recording; each is longer than a recording."""
    path = tmp_path_factory.mktemp("mic") / "reply.wav"
    path.write_bytes(spoken(REPLY))
    return path


def answer_aloud(page, microphone, reply: bytes, expect="What was heard") -> str:
    """Put `reply` in the microphone, record with the page's recorder for 7.5 s (a reply with its quiet margins),
    stop, wait for `expect`; the words heard."""
    settle(page)
    microphone.write_bytes(reply)
    recorder = page.get_by_test_id("stAudioInput")
    recorder.get_by_role("button", name=re.compile("Record", re.I)).click()
    page.wait_for_timeout(7_500)
    recorder.get_by_role("button", name=re.compile("Stop", re.I)).click()
    settle(page)  # the recording uploaded and heard
    try:
        page.get_by_text(expect).wait_for(timeout=HEARD_WAIT)
    except Exception:
        page.screenshot(path=str(SHOTS / "v-failed-recording.png"), full_page=True)  # what the page showed
        raise
    settle(page)
    area = page.get_by_test_id("stTextArea").locator("textarea")
    return area.input_value() if area.count() else ""


@pytest.fixture(scope="module")
def voice_browser(microphone):
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run scripts/ensure-chromium (make test does)", pytrace=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}", "--autoplay-policy=no-user-gesture-required"])
        yield b
        b.close()


@pytest.fixture
def recordings_kept(ui_db):
    """The company keeps the recordings of spoken replies (voice.recordings) for this test, and not after it."""
    from coach.storage import services as sv

    admin = person(ui_db, "admin")["id"]
    with ui_db.uow() as w:
        sv.set_setting(w, "voice.recordings", actor_id=admin, keep=True)
        w.commit()
    yield
    with ui_db.uow() as w:
        sv.set_setting(w, "voice.recordings", actor_id=admin, keep=False)
        w.commit()


def test_a_phone_call_answered_aloud_is_heard_sent_and_scored_as_a_call(voice_browser, ui_servers, ui_db,
                                                                       recordings_kept, microphone):
    ctx = voice_browser.new_context(viewport={"width": 1280, "height": 900}, permissions=["microphone"])
    page = ctx.new_page()
    page.set_default_timeout(WAIT)
    sign_in(page, ui_servers.panel_url, "trainee")
    page.get_by_role("heading", name="Practise").wait_for()
    choose(page, "Scenario", "Answer, hold and transfer")
    settle(page)
    page.get_by_test_id("stRadio").filter(has=page.get_by_text("Mode", exact=True)).get_by_text("Phone").click()
    settle(page)
    page.get_by_role("button", name="Start practice").click()
    page.get_by_role("heading", name=re.compile(r"Ringing\.\.\. ring \d")).wait_for()
    shot(page, "v1-phone-ringing")
    assert page.get_by_test_id("stAudio").count() >= 1, "the ringing is heard"
    page.get_by_role("button", name="Answer").click()
    page.get_by_role("heading", name="On the call").wait_for()

    heard = answer_aloud(page, microphone, spoken(REPLY))
    assert "help" in heard and "morning" in heard, heard
    shot(page, "v2-reply-heard")
    page.get_by_role("button", name="Send what I said").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 2",
                           timeout=WAIT)
    settle(page)
    assert page.get_by_test_id("stAudio").count() >= 1, "the customer's answer is spoken"
    shot(page, "v3-customer-answers")

    # silence only: said plainly, and nothing of the call is lost
    answer_aloud(page, microphone, silence(10.0, 48000).wav(), expect="No words were recognised")
    assert page.get_by_test_id("stChatMessage").count() == 2

    heard_goodbye = answer_aloud(page, microphone, spoken(GOODBYE))
    assert "calling" in heard_goodbye and "goodbye" in heard_goodbye.lower(), heard_goodbye
    page.get_by_role("button", name="Send what I said").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 3",
                           timeout=WAIT)

    trainee = person(ui_db, "trainee")
    with ui_db.reader() as r:
        sid = r.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == trainee["id"])
                                .order_by(PracticeSession.id.desc())).scalars().first()
        staff, goodbye = r.session.execute(select(TurnRecord).where(
            TurnRecord.session_id == sid, TurnRecord.speaker == "staff").order_by(TurnRecord.seq)).scalars().all()
        assert staff.text == heard and 100 < staff.voice["words_per_minute"] < 220, staff.voice
        assert staff.voice["too_quiet"] is False and staff.voice["silences"] == []
        assert goodbye.text == heard_goodbye and goodbye.voice["words_per_minute"] > 100
        kept = r.session.execute(select(Recording).where(Recording.session_id == sid)
                                 .order_by(Recording.seq)).scalars().all()
        assert [k.seq for k in kept] == [staff.seq, goodbye.seq] and kept[0].wav[:4] == b"RIFF"
        assert 5 < kept[0].seconds < 9

    if page.get_by_role("button", name="End the session").count():  # the caller may have hung up already
        page.get_by_role("button", name="End the session").click()
    page.get_by_role("heading", name="Scorecard").wait_for()
    page.get_by_text("The call, as it sounded").wait_for()
    page.get_by_text(re.compile(r"spoken, \d+ words a minute")).first.wait_for()
    settle(page)
    assert page.get_by_test_id("stAudio").count() >= 1, "the kept recording can be listened to"
    shot(page, "v4-scorecard-of-the-call")
    ctx.close()
