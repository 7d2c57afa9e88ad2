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

REPLY = "Good morning, Brightwater Appliances, this is Anna speaking. How can I help you today?"


@pytest.fixture(scope="module")
def microphone(tmp_path_factory):
    """The trainee's spoken reply as the browser's microphone hears it (a synthesised voice, 48 kHz like a
    browser's, quiet before and after)."""
    spoken = say_audio(REPLY, "en", VoiceSettings(engine="flite", voice="rms", rate=150))
    path = tmp_path_factory.mktemp("mic") / "reply.wav"
    path.write_bytes(join(silence(0.6, spoken.rate), spoken, silence(1.5, spoken.rate)).wav(48000))
    return path


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
            f"--use-file-for-fake-audio-capture={microphone}%noloop", "--autoplay-policy=no-user-gesture-required"])
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

    recorder = page.get_by_test_id("stAudioInput")
    recorder.get_by_role("button", name=re.compile("Record", re.I)).click()
    page.wait_for_timeout(7_500)  # the reply is about 6 s with its quiet margins
    recorder.get_by_role("button", name=re.compile("Stop", re.I)).click()
    page.get_by_text("What was heard").wait_for(timeout=WAIT)
    heard = page.get_by_test_id("stTextArea").locator("textarea").input_value()
    assert "help" in heard and "morning" in heard, heard
    shot(page, "v2-reply-heard")
    page.get_by_role("button", name="Send what I said").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 2",
                           timeout=WAIT)
    settle(page)
    assert page.get_by_test_id("stAudio").count() >= 1, "the customer's answer is spoken"
    shot(page, "v3-customer-answers")

    trainee = person(ui_db, "trainee")
    with ui_db.reader() as r:
        sid = r.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == trainee["id"])
                                .order_by(PracticeSession.id.desc())).scalars().first()
        staff = r.session.execute(select(TurnRecord).where(TurnRecord.session_id == sid,
                                                           TurnRecord.speaker == "staff")).scalars().first()
        assert staff.text == heard and 100 < staff.voice["words_per_minute"] < 220, staff.voice
        assert staff.voice["too_quiet"] is False and staff.voice["silences"] == []
        kept = r.session.execute(select(Recording).where(Recording.session_id == sid)).scalar_one()
        assert kept.seq == staff.seq and kept.wav[:4] == b"RIFF" and 5 < kept.seconds < 9

    page.get_by_role("button", name="End the session").click()
    page.get_by_role("heading", name="Scorecard").wait_for()
    page.get_by_text("The call, as it sounded").wait_for()
    page.get_by_text(re.compile(r"spoken, \d+ words a minute")).first.wait_for()
    settle(page)
    assert page.get_by_test_id("stAudio").count() >= 1, "the kept recording can be listened to"
    shot(page, "v4-scorecard-of-the-call")
    ctx.close()
