"""The practice pages against the real Rasa server and action server: a chat session to the end with its
scorecard, Retry from turn N compared side by side, a phone call with its controls, a drill round, and
the practice server down (the page says so and how to fix it)."""

import pytest
from sqlalchemy import select

from coach.sim.play import load_script
from coach.storage import services as sv
from coach.storage.models import PracticeSession, TurnRecord
from tests.ui.conftest import person

pytestmark = pytest.mark.usefixtures("ui_servers")


def pick(at, scenario_id):
    at.selectbox(key="pick_scenario").set_value(scenario_id)
    at.run()


def reply(at, text):
    at.chat_input(key="reply").set_value(text)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def bubbles(at):
    return [m for m in at.chat_message]


def test_a_chat_session_to_the_end_then_retry_from_a_turn(ui_db, signed_in):
    trainee = person(ui_db, "trainee")
    at = signed_in("trainee", "trainee/practise.py")
    pick(at, "kept_waiting")
    at.button(key="start").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(bubbles(at)) == 1, "the customer opens"

    poor = load_script("kept_waiting", "poor")
    good = load_script("kept_waiting", "good")
    reply(at, poor[0])
    assert len(bubbles(at)) == 3
    assert at.info, "a live hint follows a reply that broke a standard"
    reply(at, poor[1])
    if not at.session_state["practice"]["outcome"]:  # two poor replies may already have lost the customer
        at.button(key="end").click()
        at.run()
    assert not at.exception
    assert "Scorecard" in [s.value for s in at.subheader]
    first = at.session_state["practice"]["session_id"]
    with ui_db.reader() as r:
        d1 = sv.session_detail(r, first)
    assert d1["status"] == "completed" and d1["scorecard"] is not None
    assert d1["person_id"] == trainee["id"]
    assert any("mark" in m.value for m in at.markdown), "the trainee's phrases that broke a standard are marked"

    # retry from the trainee's second reply: the first reply and the customer's answer are kept
    staff = [t for t in d1["turns"] if t["speaker"] == "staff"]
    at.selectbox(key="retry_turn").set_value(staff[1]["seq"])
    at.run()
    at.button(key="retry").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    p = at.session_state["practice"]
    assert p["retry_of"] == first and p["from_turn"] == staff[1]["seq"]
    with ui_db.reader() as r:
        d2 = sv.session_detail(r, p["session_id"])
    kept = [(t["speaker"], t["text"]) for t in d1["turns"] if t["seq"] < staff[1]["seq"]]
    assert [(t["speaker"], t["text"]) for t in d2["turns"]] == kept
    assert d2["retry_of_id"] == first and d2["retry_from_seq"] == staff[1]["seq"]
    mood_then = next(t["mood_after"] for t in reversed(d1["turns"]) if t["seq"] < staff[1]["seq"]
                     and t["mood_after"] is not None)
    assert p["mood"] == pytest.approx(mood_then), "the customer is exactly as it was"

    for line in good[1:]:
        if at.session_state["practice"]["outcome"]:
            break
        reply(at, line)
    if not at.session_state["practice"]["outcome"]:
        at.button(key="end").click()
        at.run()
    assert "Your retry beside the first try (from turn %d)" % staff[1]["seq"] in [s.value for s in at.subheader]
    with ui_db.reader() as r:
        d2 = sv.session_detail(r, p["session_id"])
    assert d2["scorecard"]["overall"] > d1["scorecard"]["overall"], "the better phrasing scores better"
    scores = [m.value for m in at.metric if m.label == "Score"]
    assert scores == [str(d1["scorecard"]["overall"]), str(d2["scorecard"]["overall"])]


def test_a_phone_call_with_answer_hold_and_resume(ui_db, signed_in):
    at = signed_in("trainee", "trainee/practise.py")
    pick(at, "phone_answer_hold_transfer")
    at.radio(key="pick_mode").set_value("phone")
    at.button(key="start").click()
    at.run()
    assert not at.exception and not at.error
    assert any("Ringing" in m.value for m in at.markdown)
    assert at.button(key="call_hold").disabled and not at.button(key="call_answer").disabled
    at.button(key="call_answer").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["practice"]["call"] == "connected"
    reply(at, "Good morning, Northwind Office Supplies, this is Sam speaking. How can I help you?")
    reply(at, "May I put you on hold for a moment while I check that with the warehouse?")
    at.button(key="call_hold").click()
    at.run()
    assert at.session_state["practice"]["call"] == "on_hold"
    assert any("on hold" in m.value for m in at.markdown)
    at.button(key="call_resume").click()
    at.run()
    assert at.session_state["practice"]["call"] == "connected"
    sid = at.session_state["practice"]["session_id"]
    with ui_db.reader() as r:
        events = [t.event for t in r.session.execute(select(TurnRecord).where(
            TurnRecord.session_id == sid, TurnRecord.speaker == "system").order_by(TurnRecord.seq)).scalars()]
    assert events == ["ring", "answer", "hold", "resume"]
    at.button(key="call_hangup").click()
    at.run()
    assert at.session_state["practice"]["outcome"] == "ended_by_trainee"  # the trainee put the phone down
    assert "Scorecard" in [s.value for s in at.subheader]


def test_a_drill_round_gives_instant_feedback(ui_db, signed_in):
    at = signed_in("trainee", "trainee/drill.py")
    at.button(key="drill_start").click()
    at.run()
    assert not at.exception and not at.error
    prompt = at.session_state["drill"]["prompt"]
    at.chat_input(key="drill_answer").set_value(prompt)  # the prompt given back is not a rephrasing
    at.run()
    assert not at.exception and not at.error
    d = at.session_state["drill"]
    assert d["k"] == 1 and d["results"][0]["result"]["passed"] is False
    assert any("A model answer" in c.value for c in at.caption)
    at.button(key="drill_stop").click()
    at.run()
    with ui_db.reader() as r:
        s = r.session.execute(select(PracticeSession.status, PracticeSession.outcome)
                              .where(PracticeSession.channel == "drill").order_by(PracticeSession.id.desc())).first()
    assert tuple(s) == ("completed", "ended_by_trainee")


def test_the_practice_server_down_is_explained(ui_db, signed_in, monkeypatch):
    """The Rasa server is not running when the panel starts: the practice pages say so at once, and how to
    start it; pressing Start says it again instead of failing."""
    from ops.wait import free_port

    monkeypatch.setenv("COACH_RASA_URL", f"http://127.0.0.1:{free_port()}")
    for page in ("trainee/practise.py", "trainee/drill.py"):
        at = signed_in("trainee", page)
        assert not at.exception
        banner = " ".join(w.value for w in at.warning)
        assert "Practice is not available right now" in banner and "not running" in banner and "make run" in banner
    at = signed_in("trainee", "trainee/practise.py")
    pick(at, "kept_waiting")
    at.button(key="start").click()
    at.run()
    assert not at.exception
    assert any("practice server is not running" in e.value and "make run" in e.value for e in at.error)
    assert "practice" not in at.session_state


def test_a_reply_the_server_did_not_take_is_kept_and_sent_again(ui_db, signed_in):
    from ops.wait import free_port

    at = signed_in("trainee", "trainee/practise.py")
    pick(at, "kept_waiting")
    at.button(key="start").click()
    at.run()
    client = at.session_state["practice"]["client"]
    real = client.rasa_url
    client.rasa_url = f"http://127.0.0.1:{free_port()}"  # the practice server is gone mid-session
    words = "I'm so sorry about the wait and the double charge. Could I have your account number, please?"
    at.chat_input(key="reply").set_value(words)
    at.run()
    assert not at.exception
    assert any("not delivered" in e.value and "not running" in e.value for e in at.error)
    assert at.code and at.code[0].value == words, "the words are kept"
    assert len(at.session_state["practice"]["turns"]) == 1
    client.rasa_url = real  # back again
    at.button(key="resend").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert [t["text"] for t in at.session_state["practice"]["turns"] if t["speaker"] == "staff"] == [words]
    assert not at.code
    with ui_db.reader() as r:
        turns = sv.session_detail(r, at.session_state["practice"]["session_id"])["turns"]
    assert [t["text"] for t in turns if t["speaker"] == "staff"] == [words], "recorded exactly once"


def test_payloads_and_json_typed_in_the_practise_page_are_only_text(ui_db, signed_in):
    """The panel path end to end: what a trainee types into the reply box never acts as a Rasa intent,
    an entity or a slot; it is recorded word for word and answered as a reply."""
    at = signed_in("trainee", "trainee/practise.py")
    pick(at, "kept_waiting")
    at.button(key="start").click()
    at.run()
    sid = at.session_state["practice"]["session_id"]
    typed = ["/end_practice", '/start_practice{"scenario": "out_of_stock", "person_id": 1, "retry_of": 1}',
             '/call_event{"event": "hangup"}', '{"name": "end_practice", "entities": {"person_id": 2}}',
             "/restart", "/session_start"]
    sent = []
    for text in typed:
        reply(at, text)
        sent.append(text)
        p = at.session_state["practice"]
        assert p["session_id"] == sid, text
        # nonsense may well make the customer give up (the simulator's choice), but never end it as an intent
        assert p["outcome"] in (None, "escalated", "hung_up"), (text, p["outcome"])
        if p["outcome"]:
            break
    with ui_db.reader() as r:
        d = sv.session_detail(r, sid)
    assert [t["text"] for t in d["turns"] if t["speaker"] == "staff"] == sent
    assert d["scenario_id"] == "kept_waiting" and d["person_id"] == person(ui_db, "trainee")["id"]
    assert d["status"] == ("active" if not p["outcome"] else "completed")
    assert all(t["intent"] not in ("end_practice", "start_practice", "call_event", "restart", "session_start")
               for t in d["turns"])
