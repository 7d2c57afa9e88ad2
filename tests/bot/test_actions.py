"""The custom actions, run as the action server runs them: trackers from JSON, a CollectingDispatcher,
a real database. No Rasa server needed."""

import asyncio
import json
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.practice import ActionCustomerTurn, ActionEndPractice, ActionStartPractice
from bot.payload_guard import PAYLOAD_GUARD, neutralise, restore
from coach.storage import services as sv

TRACKERS = Path(__file__).parent / "trackers"


def tracker(name, slots=None, sender_id=None, **latest):
    d = json.loads((TRACKERS / f"{name}.json").read_text())
    d["slots"].update(slots or {})
    if sender_id:
        d["sender_id"] = sender_id
    d["latest_message"].update(latest)
    return Tracker.from_dict(d)


def run(action, trk):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_session_starts_records_the_opening_and_keeps_state_in_slots(action_env, bot_db):
    msgs, slots = run(ActionStartPractice(), tracker("start_practice", sender_id="conv-start"))
    payload = msgs[0]["custom"]
    assert "error" not in payload, payload
    assert msgs[0]["text"] == payload["customer"] and payload["mood"] < 0
    assert slots["scenario_id"] == "kept_waiting" and slots["next_seq"] == 1 and slots["sim_state"]["mood"] < 0
    with bot_db.reader() as uow:
        d = sv.session_detail(uow, slots["session_id"])
    assert d["rasa_conversation_id"] == "conv-start" and d["seed"] == 4
    assert [t["speaker"] for t in d["turns"]] == ["customer"] and d["turns"][0]["text"] == payload["customer"]


def test_a_staff_turn_is_detected_answered_recorded_and_given_live_findings(action_env, bot_db):
    _, slots = run(ActionStartPractice(), tracker("start_practice", sender_id="conv-turn"))
    msgs, slots2 = run(ActionCustomerTurn(), tracker("staff_turn", slots))
    p = msgs[0]["custom"]
    assert {"apology", "information_request"} <= set(p["behaviors"])
    assert p["mood_change"] > 0 and p["seq"] == 1 and slots2["next_seq"] == 3
    with bot_db.reader() as uow:
        d = sv.session_detail(uow, slots["session_id"])
    staff = d["turns"][1]
    assert staff["speaker"] == "staff" and staff["t"] == 21.5 and staff["intent"] == "apology"
    assert staff["spans"] and d["turns"][2]["speaker"] == "customer" and d["turns"][2]["mood_after"] == p["mood"]


def test_blame_gets_findings_at_once(action_env):
    _, slots = run(ActionStartPractice(), tracker("start_practice", sender_id="conv-blame"))
    msgs, _ = run(ActionCustomerTurn(), tracker("staff_turn", slots, text="Well, you should have called earlier."))
    p = msgs[0]["custom"]
    assert "blame" in p["behaviors"] and p["mood_change"] < 0
    assert any(f["span"] and "should have" in f["span"]["text"] for f in p["findings"])


def test_a_slash_payload_typed_by_the_trainee_is_only_text(action_env, bot_db):
    typed = '/end_practice{"session_id": 1}'
    assert neutralise(typed) == PAYLOAD_GUARD + typed and restore(neutralise(typed)) == typed
    _, slots = run(ActionStartPractice(), tracker("start_practice", sender_id="conv-slash"))
    msgs, after = run(ActionCustomerTurn(), tracker("staff_turn", slots, text=neutralise(typed)))
    assert msgs[0]["custom"]["outcome"] is None
    with bot_db.reader() as uow:
        d = sv.session_detail(uow, slots["session_id"])
    assert d["status"] == "active" and d["turns"][1]["text"] == typed


def test_ending_scores_the_session(action_env, bot_db):
    _, slots = run(ActionStartPractice(), tracker("start_practice", sender_id="conv-end"))
    _, changed = run(ActionCustomerTurn(), tracker("staff_turn", slots))
    msgs, _ = run(ActionEndPractice(), tracker("staff_turn", {**slots, **changed}))
    p = msgs[0]["custom"]
    assert "error" not in p, p
    assert p["outcome"] == "ended_by_trainee" and 0 <= p["scorecard"]["overall"] <= 100
    with bot_db.reader() as uow:
        assert sv.session_detail(uow, slots["session_id"])["status"] == "completed"


def test_errors_are_sent_as_plain_words(action_env):
    msgs, slots = run(ActionStartPractice(), tracker("start_practice", entities=[
        {"entity": "scenario", "value": "nope"}, {"entity": "person_id", "value": 1}]))
    assert msgs[0]["custom"]["error"].startswith("unknown scenario 'nope'") and not slots
    msgs, _ = run(ActionStartPractice(), tracker("start_practice", entities=[
        {"entity": "scenario", "value": "threatening_shouter"}, {"entity": "person_id", "value": 1}]))
    assert "hostile customer" in msgs[0]["custom"]["error"] and "opt in" in msgs[0]["custom"]["error"]
    msgs, _ = run(ActionCustomerTurn(), tracker("staff_turn"))
    assert msgs[0]["custom"]["error"] == "no practice session in this conversation; start one first"
    msgs, _ = run(ActionStartPractice(), tracker("start_practice", entities=[
        {"entity": "scenario", "value": "kept_waiting"}, {"entity": "person_id", "value": 999}]))
    assert "no person with id 999" in msgs[0]["custom"]["error"]


def test_a_phrase_drill_round_gives_feedback_with_a_model_answer_and_is_recorded(action_env, bot_db):
    from coach.sim.drill import load_prompts

    start = tracker("start_practice", sender_id="conv-drill", entities=[
        {"entity": "scenario", "value": "phrase_drill"}, {"entity": "seed", "value": 2},
        {"entity": "person_id", "value": 1}])
    msgs, slots = run(ActionStartPractice(), start)
    first = msgs[0]["custom"]
    assert first["drill"]["of"] == 8 and first["customer"].startswith("Say it positively (1 of 8)")
    prompts = {p.id: p for p in load_prompts()}
    ids = slots["sim_state"]["prompts"]
    # the first answer is the model answer (passes), the second gives the prompt back (fails)
    msgs, changed = run(ActionCustomerTurn(), tracker("staff_turn", slots, text=prompts[ids[0]].model))
    p = msgs[0]["custom"]["drill"]
    assert p["result"]["passed"] and p["passed"] == 1 and p["next"] == prompts[ids[1]].negative
    slots = {**slots, **changed}
    msgs, changed = run(ActionCustomerTurn(), tracker("staff_turn", slots, text=prompts[ids[1]].negative))
    p = msgs[0]["custom"]
    assert not p["drill"]["result"]["passed"] and "A model answer" in p["customer"]
    msgs, _ = run(ActionEndPractice(), tracker("staff_turn", {**slots, **changed}))
    assert msgs[0]["custom"]["drill"]["passed"] == 1
    with bot_db.reader() as uow:
        d = sv.session_detail(uow, slots["session_id"])
    assert d["channel"] == "drill" and d["status"] == "completed" and len(d["turns"]) == 5
