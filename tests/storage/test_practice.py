"""The practice service (coach.practice) without Rasa, on SQLite and PostgreSQL: a session from its start to its
scorecard, the record before the reply, a reply sent again stored once, a memory repaired from the database,
phone calls, "Retry from turn N" and the phrase drill's states."""

import dataclasses
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from coach import resources
from coach.practice import Memory, Practice, PracticeError
from coach.storage import DatabaseUnavailable
from coach.storage import services as sv
from coach.storage.db import UnitOfWork
from coach.storage.models import TurnRecord

SORRY = "I'm so sorry you were kept waiting. Could I have your account number so I can check it now?"
THANKS = ("Thank you. I can see both payments of £54.99 on 3 March. Our billing system had a fault that day and "
          "collected some direct debits twice; that was our error, and I apologise.")
REFUND = ("I'm refunding the duplicate £54.99 right now, and I've added a £10 credit to your next bill for the time "
          "you've spent waiting.")


@pytest.fixture(scope="module")
def scenarios():
    from coach.sim import load_scenarios

    return load_scenarios()


@pytest.fixture(scope="module")
def prompts():
    from coach.sim.drill import load_all_prompts

    return load_all_prompts()


class Clock:
    """The service's clock, moved by the test."""

    def __init__(self):
        self.at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.at

    def wait(self, seconds):
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def practice(db, scorer, scenarios, prompts, clock):
    def scorer_of(language="en"):  # the English pack of the fixture; another language's from coach.resources
        return scorer if language == "en" else resources.scorer(language)

    res = SimpleNamespace(database=lambda: db, scorer=scorer_of,
                          detector=lambda language="en": scorer_of(language).detector,
                          scenarios=lambda: scenarios, drill_prompts=lambda: prompts)
    return Practice(res, now=clock)


def after(memory, answer):
    """The memory as the bot keeps it once it has sent `answer`."""
    return dataclasses.replace(memory, **answer.remember)


def turns(db, session_id):
    with db.reader() as uow:
        return sv.session_turns(uow, session_id)


def count_turns(db, session_id):
    with db.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(TurnRecord)
                                   .where(TurnRecord.session_id == session_id)).scalar()


def start(practice, person_id, conversation="conv-1", **control):
    memory = Memory(conversation)
    answer = practice.start(memory, {"scenario": "kept_waiting", "seed": 4, "person_id": person_id, **control})
    return after(memory, answer), answer


# -- a session ------------------------------------------------------------------------------------

def test_a_session_starts_with_the_customer_recorded_and_its_identity_remembered(db, company, practice):
    memory, answer = start(practice, company["anna"])
    assert answer.text == answer.payload["customer"] and answer.payload["mood"] < 0 and answer.payload["seq"] == 0
    assert memory.scenario_id == "kept_waiting" and memory.seed == 4 and memory.next_seq == 1
    assert memory.sim_state["mood"] < 0 and memory.started_at == "2026-03-02T09:00:00+00:00"
    with db.reader() as uow:
        d = sv.session_detail(uow, memory.session_id)
    assert d["rasa_conversation_id"] == "conv-1" and d["clock"] == "server"
    assert [(t["speaker"], t["text"]) for t in d["turns"]] == [("customer", answer.text)]


def test_a_turn_is_detected_answered_and_recorded_with_rasas_intent(db, company, practice, clock):
    memory, _ = start(practice, company["anna"])
    clock.wait(12)
    answer = practice.turn(memory, SORRY, message_id="m-1", intent={"name": "apology", "confidence": 0.9},
                           entities=[{"entity": "order", "value": "48213", "start": 0}], given_t=999)
    p = answer.payload
    assert {"apology", "information_request"} <= set(p["behaviors"]) and p["mood_change"] > 0 and p["seq"] == 1
    assert p["intent"] == "apology" and p["entities"] == [{"entity": "order", "value": "48213"}]
    assert answer.remember["next_seq"] == 3 and answer.remember["last_staff_at"] == 12.0
    assert answer.remember["session_id"] == memory.session_id  # the identity goes back with every answer
    staff, customer = turns(db, memory.session_id)[1:]
    # a server-clock session ignores the time a client gives: 12 s on the server's clock
    assert staff["t"] == 12.0 and staff["latency_ms"] == 12000 and staff["intent"] == "apology"
    assert staff["intent_confidence"] == 0.9 and staff["spans"]
    assert customer["text"] == answer.text and customer["mood_after"] == p["mood"]


def test_a_russian_session_is_read_and_scored_in_russian(db, company, practice, clock):
    """A Russian scenario: the replies are read by the Russian detector and the session is scored with the
    Russian standards (standards/ru), whose rules the English pack does not have."""
    from coach.sim.play import load_script

    memory, answer = start(practice, company["anna"], scenario="ru_late_order_small_customer")
    assert answer.payload["brief"]["language"] == "ru"
    for k, text in enumerate(load_script("ru_late_order_small_customer", "good")):
        clock.wait(20)
        answer = practice.turn(memory, text, message_id=f"ru-{k}")
        memory = after(memory, answer)
        if answer.payload.get("outcome"):
            break
    assert answer.payload["outcome"] == "resolved" and "apology" in turns(db, memory.session_id)[1]["behaviors"]
    with db.reader() as uow:
        d = sv.session_detail(uow, memory.session_id)
    card = d["scorecard"]
    assert d["language"] == "ru" and card["standards"]["pack"] == resources.scorer("ru").pack.id
    assert resources.scorer("ru").pack.id != resources.scorer("en").pack.id
    assert any(r.startswith(("PH03", "TE03", "CO03", "CT03")) for r in card["met"])  # standards only Russian has


def test_a_scripted_session_takes_the_time_its_script_gives(db, company, practice):
    memory, _ = start(practice, company["anna"], clock="script")
    practice.turn(memory, SORRY, given_t="21.5")
    assert turns(db, memory.session_id)[1]["t"] == 21.5


def test_the_turn_is_committed_before_the_reply_is_given(db, company, practice):
    memory, _ = start(practice, company["anna"])
    answer = practice.turn(memory, SORRY)
    # the answer exists only once both turns are committed: another connection sees them
    assert [t["speaker"] for t in turns(db, memory.session_id)] == ["customer", "staff", "customer"]
    assert turns(db, memory.session_id)[2]["text"] == answer.text


def test_no_reply_when_the_turn_cannot_be_recorded_and_nothing_is_half_recorded(db, company, practice, monkeypatch):
    memory, _ = start(practice, company["anna"])

    def refuse(self):
        raise DatabaseUnavailable("cannot use the database: it went away")

    monkeypatch.setattr(UnitOfWork, "commit", refuse)
    with pytest.raises(PracticeError, match="the turn could not be recorded, nothing was lost: .*went away"):
        practice.turn(memory, SORRY, message_id="m-1")
    monkeypatch.undo()
    assert count_turns(db, memory.session_id) == 1
    # sent again, it is recorded and answered as the first reply of the session
    answer = practice.turn(memory, SORRY, message_id="m-1")
    assert answer.payload["seq"] == 1 and "answered_again" not in answer.payload


def test_a_reply_sent_again_after_its_answer_was_lost_is_answered_from_the_record_not_stored_twice(
        db, company, practice):
    memory, _ = start(practice, company["anna"])
    first = practice.turn(memory, SORRY, message_id="m-1", intent={"name": "apology", "confidence": 0.9})
    stored = count_turns(db, memory.session_id)
    # the answer never reached the client and the tracker was not saved: the same reply comes back
    again = practice.turn(memory, SORRY, message_id="m-1")
    assert again.payload["answered_again"] is True and count_turns(db, memory.session_id) == stored
    assert again.text == first.text and again.payload["seq"] == first.payload["seq"]
    assert again.payload["behaviors"] == first.payload["behaviors"] and again.payload["intent"] == "apology"
    assert again.payload["findings"] == first.payload["findings"]
    assert again.remember["next_seq"] == first.remember["next_seq"]
    assert again.remember["sim_state"] == first.remember["sim_state"]
    # the tracker was saved but the client sent it again anyway: still answered from the record
    again = practice.turn(after(memory, first), SORRY, message_id="m-1")
    assert again.payload["answered_again"] is True and count_turns(db, memory.session_id) == stored
    # a new reply goes on from there
    nxt = practice.turn(after(memory, first), THANKS, message_id="m-2")
    assert nxt.payload["seq"] == first.remember["next_seq"] and "answered_again" not in nxt.payload


def test_a_malformed_message_id_is_ignored_not_stored(db, company, practice):
    memory, _ = start(practice, company["anna"])
    practice.turn(memory, SORRY, message_id="not an id!")
    with db.reader() as uow:
        ids = uow.session.execute(select(TurnRecord.client_message_id)
                                  .where(TurnRecord.session_id == memory.session_id)).scalars().all()
    assert ids == [None, None, None]


def test_a_memory_behind_the_database_carries_on_from_the_record(db, company, practice):
    memory, _ = start(practice, company["anna"])
    first = practice.turn(memory, SORRY, message_id="m-1")
    # the tracker missed the first answer: it still expects turn 1, the database has three turns
    nxt = practice.turn(memory, THANKS, message_id="m-2")
    assert nxt.payload["seq"] == 3 and nxt.remember["next_seq"] == 5
    assert nxt.remember["sim_state"]["turn"] == 2  # the customer heard both replies
    assert [t["text"] for t in turns(db, memory.session_id)][1:4] == [SORRY, first.text, THANKS]


def test_a_memory_that_lost_the_session_finds_it_by_the_conversation_id(db, company, practice):
    memory, opening = start(practice, company["anna"], conversation="conv-lost")
    practice.turn(memory, SORRY, message_id="m-1")
    answer = practice.turn(Memory("conv-lost"), THANKS, message_id="m-2")
    assert answer.payload["session_id"] == memory.session_id and answer.payload["seq"] == 3
    assert {k: answer.remember[k] for k in ("session_id", "scenario_id", "seed", "channel", "started_at")} == \
        {k: getattr(memory, k) for k in ("session_id", "scenario_id", "seed", "channel", "started_at")}
    assert count_turns(db, memory.session_id) == 5
    with pytest.raises(PracticeError, match="^no practice session in this conversation; start one first$"):
        practice.turn(Memory("conv-never"), SORRY)


def test_ending_scores_the_session_once(db, company, practice):
    memory, _ = start(practice, company["anna"])
    memory = after(memory, practice.turn(memory, SORRY))
    answer = practice.end(memory)
    p = answer.payload
    assert answer.text is None and p["outcome"] == "ended_by_trainee" and p["seq"] is None
    assert 0 <= p["scorecard"]["overall"] <= 100 and p["scorecard"]["findings"] is not None
    with db.reader() as uow:
        d = sv.session_detail(uow, memory.session_id)
    assert d["status"] == "completed" and d["scorecard"]["overall"] == p["scorecard"]["overall"]
    with pytest.raises(PracticeError, match="^the session has already ended \\(ended_by_trainee\\)$"):
        practice.end(after(memory, answer))
    with pytest.raises(PracticeError, match="the session could not be closed: .*was already completed"):
        practice.end(memory)  # a memory that missed the end: the record refuses a second one


def test_errors_are_said_in_words(company, practice, scenarios):
    def start_with(memory=None, **control):
        return practice.start(memory or Memory("conv-e"), control)

    with pytest.raises(PracticeError, match="^unknown scenario 'nope'; known: bad_news_customer, "):
        start_with(scenario="nope", person_id=company["anna"])
    with pytest.raises(PracticeError, match="threatening_shouter plays a hostile customer .* hostile=true to opt in"):
        start_with(scenario="threatening_shouter", person_id=company["anna"])
    with pytest.raises(PracticeError, match="^start_practice needs person_id \\(a number\\)"):
        start_with(scenario="kept_waiting", person_id="anna")
    with pytest.raises(PracticeError, match="no person with id 999"):
        start_with(scenario="kept_waiting", person_id=999)
    with pytest.raises(PracticeError, match="^this conversation already has a practice session"):
        start_with(Memory("conv-e", session_id=1), scenario="kept_waiting", person_id=company["anna"])
    assert start_with(scenario="threatening_shouter", person_id=company["anna"], hostile="true").text


# -- phone calls ----------------------------------------------------------------------------------

def test_a_phone_call_records_its_events_as_system_turns(db, company, practice):
    memory = Memory("conv-phone")
    opening = practice.start(memory, {"scenario": "phone_answer_hold_transfer", "seed": 1, "clock": "script",
                                      "person_id": company["anna"]})
    assert opening.payload["event"] == "ring" and opening.payload["channel"] == "phone"
    memory = after(memory, opening)
    answered = practice.call_event(memory, "answer", given_t=6)
    memory = after(memory, answered)
    memory = after(memory, practice.turn(memory, "Good morning, Brightwater Appliances customer care, you're "
                                                 "speaking with Hannah. How can I help you today?", given_t=8))
    held = practice.call_event(memory, "hold", given_t=50)
    assert held.payload["event"] == "hold" and held.payload["seq"] == memory.next_seq
    recorded = [(t["speaker"], t["event"], t["t"]) for t in turns(db, memory.session_id)]
    assert recorded[0] == ("system", "ring", 0.0) and recorded[1] == ("system", "answer", 6.0)
    assert ("system", "hold", 50.0) in recorded
    with pytest.raises(PracticeError):
        practice.call_event(after(memory, held), "dance", given_t=60)


# -- retry from turn N ------------------------------------------------------------------------------

def test_a_retry_from_turn_n_copies_the_turns_before_it_and_rebuilds_the_customer(db, company, practice):
    memory, _ = start(practice, company["anna"], conversation="conv-first")
    first = practice.turn(memory, SORRY)
    memory = after(memory, first)
    second = practice.turn(memory, THANKS)
    memory = after(memory, second)
    memory = after(memory, practice.turn(memory, REFUND))
    practice.end(memory)
    from_turn = second.payload["seq"]

    retry = Memory("conv-retry")
    answer = practice.start(retry, {"retry_of": memory.session_id, "from_turn": from_turn,
                                    "person_id": company["anna"]})
    p = answer.payload
    assert p["retry_of"] == memory.session_id and p["from_turn"] == from_turn and p["seq"] == from_turn - 1
    assert answer.text == first.text and [t["text"] for t in p["history"]][1:] == [SORRY, first.text]
    # the customer is exactly as it was after the first reply
    assert answer.remember["sim_state"] == first.remember["sim_state"]
    assert answer.remember["next_seq"] == from_turn and answer.remember["last_customer"] == first.text
    retry = after(retry, answer)
    with db.reader() as uow:
        d = sv.session_detail(uow, retry.session_id)
    assert d["retry_of_id"] == memory.session_id and d["retry_from_seq"] == from_turn
    assert [t["text"] for t in d["turns"]] == [t["text"] for t in turns(db, memory.session_id)][:from_turn]
    # the retry goes on from turn N with a different reply
    other = practice.turn(retry, "Let me refund the second payment for you today.")
    assert other.payload["seq"] == from_turn and count_turns(db, retry.session_id) == from_turn + 2


def test_only_the_trainee_may_retry_a_session_and_only_from_one_of_their_replies(company, practice):
    memory, _ = start(practice, company["anna"])
    practice.turn(memory, SORRY)

    def retry(**control):
        return practice.start(Memory("conv-r"), {"retry_of": memory.session_id, **control})

    with pytest.raises(PracticeError, match="not found among this person's sessions"):
        retry(from_turn=1, person_id=company["omar"])
    with pytest.raises(PracticeError, match="from_turn: 2; expected the number of one of your replies"):
        retry(from_turn=2, person_id=company["anna"])
    with pytest.raises(PracticeError, match="^a retry needs person_id, retry_of"):
        retry(from_turn="two", person_id=company["anna"])


# -- the phrase drill -------------------------------------------------------------------------------

def start_drill(practice, person_id, conversation="conv-drill", **control):
    memory = Memory(conversation)
    answer = practice.start(memory, {"scenario": "phrase_drill", "seed": 2, "person_id": person_id, **control})
    return after(memory, answer), answer


def test_a_russian_drill_round_is_in_russian_and_stored_as_russian(db, company, practice, prompts):
    memory, first = start_drill(practice, company["anna"], language="ru")
    assert first.text.startswith("Скажите это позитивно (1 из 8)") and memory.sim_state["language"] == "ru"
    by_id = {p.id: p for p in prompts}
    ids = memory.sim_state["prompts"]
    assert all(by_id[i].language == "ru" for i in ids)
    good = practice.turn(memory, by_id[ids[0]].model)
    assert good.payload["drill"]["result"]["passed"] and good.text.startswith("Хорошо сказано. Образец ответа:")
    with db.reader() as uow:
        assert sv.session_detail(uow, memory.session_id)["language"] == "ru"
    with pytest.raises(PracticeError, match="no drill prompts in 'et'"):
        start_drill(practice, company["anna"], conversation="conv-et", language="et")


def test_a_drill_round_shows_prompts_in_turn_and_passes_or_fails_each_answer(db, company, practice, prompts):
    memory, first = start_drill(practice, company["anna"])
    assert first.text.startswith("Say it positively (1 of 8)") and first.payload["drill"]["of"] == 8
    assert memory.channel == "drill" and memory.sim_state == {"prompts": memory.sim_state["prompts"], "k": 0,
                                                              "passed": 0, "language": "en"}
    by_id = {p.id: p for p in prompts}
    ids = memory.sim_state["prompts"]
    good = practice.turn(memory, by_id[ids[0]].model)
    d = good.payload["drill"]
    assert d["result"]["passed"] and d["passed"] == 1 and d["k"] == 0 and d["next"] == by_id[ids[1]].negative
    assert "Say it positively (2 of 8)" in good.text and good.payload["outcome"] is None
    memory = after(memory, good)
    bad = practice.turn(memory, by_id[ids[1]].negative)
    assert not bad.payload["drill"]["result"]["passed"] and "A model answer" in bad.text
    assert bad.remember == {"sim_state": {"prompts": ids, "k": 2, "passed": 1, "language": "en"}, "next_seq": 5}
    assert [t["speaker"] for t in turns(db, memory.session_id)] == ["customer", "staff", "customer", "staff",
                                                                    "customer"]


def test_a_drill_round_ends_passed_or_failed_after_its_last_prompt_and_takes_no_more(db, company, practice, prompts):
    memory, _ = start_drill(practice, company["anna"])
    by_id = {p.id: p for p in prompts}
    for n, pid in enumerate(memory.sim_state["prompts"]):
        answer = practice.turn(memory, by_id[pid].model if n < 6 else by_id[pid].negative)
        memory = after(memory, answer)
    assert answer.payload["outcome"] == "passed" and answer.payload["drill"]["next"] is None  # 6 of 8 >= 75%
    assert "Round over: 6 of 8 rephrased well." in answer.text and memory.sim_state["done"] is True
    with db.reader() as uow:
        d = sv.session_detail(uow, memory.session_id)
    assert d["status"] == "completed" and d["outcome"] == "passed" and len(d["turns"]) == 17
    with pytest.raises(PracticeError, match="^this drill round is over; start a new one$"):
        practice.turn(memory, "One more")
    with pytest.raises(PracticeError, match="^this drill round is already over$"):
        practice.end(memory)


def test_a_drill_round_below_the_pass_mark_fails(db, company, practice, prompts):
    memory, _ = start_drill(practice, company["anna"])
    by_id = {p.id: p for p in prompts}
    for n, pid in enumerate(memory.sim_state["prompts"]):
        memory = after(memory, answer := practice.turn(memory, by_id[pid].model if n < 5 else by_id[pid].negative))
    assert answer.payload["outcome"] == "failed"  # 5 of 8 < 75%


def test_a_drill_round_ended_early_keeps_its_count(db, company, practice, prompts):
    memory, _ = start_drill(practice, company["anna"])
    memory = after(memory, practice.turn(memory, {p.id: p for p in prompts}[memory.sim_state["prompts"][0]].model))
    answer = practice.end(memory)
    assert answer.text is None and answer.payload["outcome"] == "ended_by_trainee"
    assert answer.payload["drill"] == {"passed": 1, "k": 1, "of": 8} and answer.remember["sim_state"]["done"]
    with db.reader() as uow:
        assert sv.session_detail(uow, memory.session_id)["outcome"] == "ended_by_trainee"
    with pytest.raises(PracticeError, match="a phrase drill cannot be retried"):
        practice.start(Memory("conv-dr"), {"retry_of": memory.session_id, "from_turn": 1,
                                           "person_id": company["anna"]})


def test_a_drill_answer_sent_again_after_its_reply_was_lost_is_answered_from_the_record_not_stored_twice(
        db, company, practice, prompts):
    memory, _ = start_drill(practice, company["anna"], conversation="conv-drill-again")
    by_id = {p.id: p for p in prompts}
    ids = memory.sim_state["prompts"]
    first = practice.turn(memory, by_id[ids[0]].model, message_id="d-1")
    stored = count_turns(db, memory.session_id)
    # the reply never reached the client and the tracker was not saved: the same answer comes back
    again = practice.turn(memory, by_id[ids[0]].model, message_id="d-1")
    assert again.payload["answered_again"] is True and count_turns(db, memory.session_id) == stored
    assert again.text == first.text and again.payload["seq"] == first.payload["seq"]
    assert again.payload["drill"] == first.payload["drill"] and again.remember == first.remember
    # the tracker was saved but the client sent it again anyway: still answered from the record
    again = practice.turn(after(memory, first), by_id[ids[0]].model, message_id="d-1")
    assert again.payload["answered_again"] is True and count_turns(db, memory.session_id) == stored
    assert again.payload["drill"] == first.payload["drill"] and again.remember == first.remember
    # the next answer goes on from there, once
    nxt = practice.turn(after(memory, first), by_id[ids[1]].negative, message_id="d-2")
    assert nxt.payload["seq"] == 3 and "answered_again" not in nxt.payload
    assert nxt.remember["sim_state"]["k"] == 2 and nxt.remember["sim_state"]["passed"] == 1
    assert [t["text"] for t in turns(db, memory.session_id) if t["speaker"] == "staff"] == \
        [by_id[ids[0]].model, by_id[ids[1]].negative]
