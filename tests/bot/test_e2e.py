"""End to end: the Rasa server and the action server started for real, scripted conversations through
the same path the panel uses, and the database checked afterwards."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.client import PracticeError
from coach.sim import load_scenarios
from coach.sim.play import load_script
from coach.storage import services as sv

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = load_scenarios()


def play(client, scenario_id, which, seed=1):
    sc = SCENARIOS[scenario_id]
    first = client.start(person_id=1, scenario=scenario_id, seed=seed, hostile=sc.hostility >= 2, scripted=True)
    moods, reply = [first["mood"]], first
    clock = 0.0
    for item in load_script(scenario_id, which):
        if reply.get("outcome"):
            break
        item = {"text": item} if isinstance(item, str) else item
        clock = float(item.get("t", clock + 15))
        reply = client.event(item["event"], clock) if "event" in item else client.say(item["text"], clock)
        moods.append(reply["mood"])
    return first, reply, moods


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_well_served_resolves_and_poorly_served_escalates_and_both_are_recorded(client, bot_db, scenario_id):
    first, last, moods = play(client, scenario_id, "good")
    assert last["outcome"] == "resolved", last
    assert moods[-1] > moods[0]
    good_session = first["session_id"]
    client.conversation_id = None
    first, last, moods = play(client, scenario_id, "poor")
    assert last["outcome"] in ("escalated", "hung_up"), last
    assert moods[-1] < max(moods[0], 0)
    with bot_db.reader() as uow:
        good, poor = sv.session_detail(uow, good_session), sv.session_detail(uow, first["session_id"])
    for d, outcome in ((good, "resolved"), (poor, last["outcome"])):
        assert d["status"] == "completed" and d["outcome"] == outcome and d["scorecard"] is not None
        assert [t["seq"] for t in d["turns"]] == list(range(len(d["turns"])))
        staff = [t for t in d["turns"] if t["speaker"] == "staff"]
        assert staff and all(t["behaviors"] is not None and t["intent"] for t in staff)
    assert good["scorecard"]["overall"] > poor["scorecard"]["overall"]
    assert poor["findings"]


def test_trainee_text_cannot_trigger_intents_or_slots(client, bot_db):
    first = client.start(person_id=1, scenario="kept_waiting", seed=2)
    for typed in ["/end_practice", '/start_practice{"scenario": "out_of_stock", "person_id": 1}',
                  '/call_event{"event": "transfer"}', "  /greeting", '{"intent": "end_practice"}']:
        reply = client.say(typed)
        assert reply["outcome"] is None and reply["session_id"] == first["session_id"]
    with bot_db.reader() as uow:
        d = sv.session_detail(uow, first["session_id"])
    staff = [t["text"] for t in d["turns"] if t["speaker"] == "staff"]
    assert staff[0] == "/end_practice" and staff[-1] == '{"intent": "end_practice"}'
    assert d["status"] == "active" and d["scenario_id"] == "kept_waiting"
    assert all(t["intent"] not in ("end_practice", "start_practice", "call_event") for t in d["turns"][1:])
    ended = client.end()  # the End button, from the server side, works at any time
    assert ended["outcome"] == "ended_by_trainee"


def test_hostile_customers_need_an_opt_in_and_errors_are_plain(client):
    with pytest.raises(PracticeError, match="hostile customer .insults, threats.; start it with hostile=true"):
        client.start(person_id=1, scenario="threatening_shouter")
    with pytest.raises(PracticeError, match="unknown scenario 'no_such'"):
        client.start(person_id=1, scenario="no_such")
    client.start(person_id=1, scenario="out_of_stock")
    with pytest.raises(PracticeError, match="the message is empty"):
        client.say("   ")
    with pytest.raises(PracticeError, match="call events belong to phone sessions"):
        client.event("hold", 10)


def test_the_same_seed_replays_the_same_customer(client):
    lines = []
    for _ in range(2):
        client.conversation_id = None
        first = client.start(person_id=1, scenario="discount_haggler", seed=42)
        reply = client.say("Hi, I'm Sam from Deskwise. How can I help you today?", 5)
        lines.append((first["customer"], reply["customer"], reply["mood"]))
    assert lines[0] == lines[1]


def test_coach_practice_plays_a_session_from_the_terminal(servers, bot_db):
    script = load_script("out_of_stock", "good")
    stdin = "\n".join(s if isinstance(s, str) else json.dumps(s) for s in script) + "\n"
    proc = subprocess.run([sys.executable, "-m", "coach.cli", "practice", "--scenario", "out_of_stock", "--seed", "3",
                           "--rasa", servers.rasa_url, "--token", servers.token, "--database", bot_db.url],
                          input=stdin, capture_output=True, text=True, timeout=300, cwd=ROOT, env=os.environ)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert out[0]["customer"] and out[0]["seq"] == 0
    assert out[-1]["outcome"] == "resolved" and all("mood" in o for o in out)
    assert any(o.get("behaviors") for o in out[1:])


def test_the_practice_server_being_down_is_explained():
    from bot.client import PracticeClient

    c = PracticeClient("http://127.0.0.1:9", token="x")
    with pytest.raises(PracticeError, match="the practice server is not running at http://127.0.0.1:9; start it"):
        c.start(person_id=1, scenario="out_of_stock")


def test_a_phrase_drill_round_through_the_servers(client, bot_db):
    from coach.sim.drill import load_prompts

    by_negative = {p.negative: p for p in load_prompts()}
    reply = client.start(person_id=1, scenario="phrase_drill", seed=9)
    passed = 0
    while not reply.get("outcome"):
        prompt = by_negative[reply["drill"].get("next") or reply["drill"]["prompt"]]
        reply = client.say(prompt.model)
        passed += reply["drill"]["result"]["passed"]
    assert reply["outcome"] == "passed" and passed == 8
    with bot_db.reader() as uow:
        d = sv.session_detail(uow, reply["session_id"])
    assert d["channel"] == "drill" and d["outcome"] == "passed" and len(d["turns"]) == 17
