"""The practice-session actions: start, a staff reply, a call event, end. Each is a thin adapter:
read the tracker, call the core (detector, simulator, standards engine, storage), send the customer's
words with a JSON payload (mood, behaviours, findings, outcome) and keep the simulator's state in a slot.

Every turn is committed to the database before the customer's reply is sent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.client import refusal
from bot.payload_guard import restore
from coach import resources as runtime  # the process's shared resources (named so until this module's refactor)

log = logging.getLogger(__name__)


def _control(tracker: Tracker) -> dict:
    """The entities the server side sent with a control intent."""
    return {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or []}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _seconds_since_start(tracker: Tracker, clock: str = "server", given=None) -> float:
    """The turn's time in seconds since the session started, on the server's clock. Only a session started
    as scripted (clock "script", through the token-protected API) takes the time its script gives (`given`,
    else the message's metadata "t"): what a trainee's client sends never sets a time or a latency."""
    if clock == "script":
        t = given if given is not None else (tracker.latest_message.get("metadata") or {}).get("t")
        if isinstance(t, str):
            try:
                t = float(t)
            except ValueError:
                t = None
        if isinstance(t, (int, float)) and not isinstance(t, bool) and t >= 0:
            return float(t)
    started = tracker.get_slot("started_at")
    if not started:
        return 0.0
    return max(0.0, (_now() - datetime.fromisoformat(started)).total_seconds())


def _fail(dispatcher: CollectingDispatcher, message: str) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(json_message={"error": message})
    return []


def _card_summary(card_id, uow) -> dict | None:
    from coach.storage import services as sv
    from coach.storage.models import ScorecardRecord

    if card_id is None:
        return None
    rec = uow.session.get(ScorecardRecord, card_id)
    return {"overall": rec.overall, "categories": rec.categories, "explanation": rec.explanation,
            "met": rec.met, "missed": rec.missed, "findings": sv.session_detail(uow, rec.session_id)["findings"]}


def _payload(session_id, seq, reply, scenario, **extra) -> dict:
    return {"session_id": session_id, "seq": seq, "customer": reply.text, "mood": reply.mood, "band": reply.band,
            "mood_change": reply.mood_change, "notes": reply.notes, "outcome": reply.outcome,
            "needs_met": reply.needs_met, "needs": [n.id for n in scenario.needs], **extra}


def _slots(sim, tracker: Tracker | None = None, **values) -> List[Dict[Text, Any]]:
    """The simulator's state and `values` as slot events; with `tracker`, also the session's identity
    (session id, scenario, seed, channel, start), so that a tracker repaired from the database keeps it."""
    if tracker is not None:
        for k in ("session_id", "scenario_id", "seed", "channel", "started_at"):
            values.setdefault(k, tracker.get_slot(k))
    return [SlotSet("sim_state", sim.state.to_dict())] + [SlotSet(k, v) for k, v in values.items()]


class ActionStartPractice(Action):
    """Start a practice session: the scenario, the seed, the trainee; the customer's first words."""

    def name(self) -> Text:
        return "action_start_practice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        from coach.sim import CustomerSimulator, SimulationError
        from coach.storage import StorageError
        from coach.storage import services as sv

        c = _control(tracker)
        if tracker.get_slot("session_id") is not None:
            return _fail(dispatcher, "this conversation already has a practice session; use a new conversation id")
        if c.get("scenario") == DRILL_ID:
            return start_drill(dispatcher, tracker, c)
        if c.get("retry_of") is not None:
            return start_retry(dispatcher, tracker, c)
        scenarios = runtime.scenarios()
        scenario = scenarios.get(c.get("scenario"))
        if scenario is None:
            return _fail(dispatcher, f"unknown scenario {c.get('scenario')!r}; known: {', '.join(sorted(scenarios))}")
        if scenario.hostility >= 2 and str(c.get("hostile")).lower() not in ("true", "1", "yes"):
            return _fail(dispatcher, f"{scenario.id} plays a hostile customer (insults, threats); "
                                     f"start it with hostile=true to opt in")
        try:
            seed = int(c.get("seed") or 0)
            person_id = int(c.get("person_id"))
        except (TypeError, ValueError):
            return _fail(dispatcher, "start_practice needs person_id (a number) and optionally seed (a number)")
        try:
            sim = CustomerSimulator(scenario, seed, channel=c.get("channel") or None)
            first = sim.opening()
            started = _now()
            with runtime.database().uow() as uow:
                sid = sv.start_session(uow, person_id=person_id, scenario_id=scenario.id,
                                       scenario_version=scenario.version, channel=sim.channel,
                                       track=scenario.track, difficulty=scenario.difficulty, seed=seed,
                                       rasa_conversation_id=tracker.sender_id, started_at=started,
                                       clock="script" if c.get("clock") == "script" else "server")
                if sim.channel == "phone":
                    sv.append_turn(uow, sid, 0, speaker="system", event="ring", t=0.0, at=started)
                else:
                    sv.append_turn(uow, sid, 0, speaker="customer", text=first.text, t=0.0, at=started,
                                   mood_after=first.mood)
                uow.commit()
        except (StorageError, SimulationError) as exc:
            return _fail(dispatcher, str(exc))
        dispatcher.utter_message(text=first.text, json_message=_payload(
            sid, 0, first, scenario, channel=sim.channel, brief=scenario.summary(), event="ring"
            if sim.channel == "phone" else None))
        return _slots(sim, session_id=sid, scenario_id=scenario.id, seed=seed, channel=sim.channel, next_seq=1,
                      last_customer=first.text or "", started_at=started.isoformat(), last_staff_at=0.0)


def start_retry(dispatcher, tracker, c) -> List[Dict[Text, Any]]:
    """"Retry from turn N": a new session that starts with the earlier session's turns before staff turn N
    copied, and the customer rebuilt to exactly the state it was in then (coach.sim.replay)."""
    from coach.sim import SimulationError
    from coach.sim.customer import replay
    from coach.storage import StorageError
    from coach.storage import services as sv

    try:
        person_id, original, from_seq = int(c.get("person_id")), int(c.get("retry_of")), int(c.get("from_turn"))
    except (TypeError, ValueError):
        return _fail(dispatcher, "a retry needs person_id, retry_of (a session number) and from_turn (a turn number)")
    started = _now()
    try:
        with runtime.database().uow() as uow:
            prev = sv.retry_prefix(uow, original, from_seq, person_id=person_id)
            scenario = runtime.scenarios().get(prev["scenario_id"])
            if scenario is None:
                return _fail(dispatcher, f"the scenario {prev['scenario_id']!r} is no longer installed")
            sim, last = replay(scenario, prev["seed"] or 0, prev["turns"], channel=prev["channel"])
            t0 = max([t["t"] or 0.0 for t in prev["turns"]] or [0.0])
            sid = sv.start_session(uow, person_id=person_id, scenario_id=scenario.id,
                                   scenario_version=scenario.version, channel=sim.channel, track=scenario.track,
                                   difficulty=scenario.difficulty, seed=prev["seed"],
                                   rasa_conversation_id=tracker.sender_id, started_at=started,
                                   retry_of_id=original, retry_from_seq=from_seq)
            for t in prev["turns"]:
                sv.append_turn(uow, sid, t["seq"], speaker=t["speaker"], text=t["text"], t=t["t"], at=started,
                               latency_ms=t["latency_ms"], mood_after=t["mood_after"], behaviors=t["behaviors"],
                               spans=t["spans"], intent=t["intent"], intent_confidence=t["intent_confidence"],
                               event=t["event"])
            uow.commit()
    except (StorageError, SimulationError) as exc:
        return _fail(dispatcher, str(exc))
    said = [t for t in prev["turns"] if t["speaker"] == "customer"]
    text = said[-1]["text"] if said else ""
    dispatcher.utter_message(text=text, json_message=_payload(
        sid, from_seq - 1, last, scenario, channel=sim.channel, brief=scenario.summary(), retry_of=original,
        from_turn=from_seq, history=[{k: t[k] for k in ("seq", "speaker", "text", "event", "mood_after")}
                                     for t in prev["turns"]]))
    last_staff = max([t["t"] or 0.0 for t in prev["turns"] if t["speaker"] == "staff"] or [0.0])
    # the clock goes on from where the earlier session was at turn N, so the timing standards still apply
    return _slots(sim, session_id=sid, scenario_id=scenario.id, seed=prev["seed"], channel=sim.channel,
                  next_seq=from_seq, last_customer=text, started_at=(started - timedelta(seconds=t0)).isoformat(),
                  last_staff_at=last_staff)


def _session(tracker: Tracker):
    """The scenario and simulator of this conversation's session, or an error message.

    The tracker's slots say which session it is. If the tracker has lost them (Rasa treats a conversation
    it could not read from its tracker store as a new one), the session is found in the database by the
    conversation id, and `_in_step` rebuilds the customer from the stored turns."""
    from coach.sim import CustomerSimulator
    from coach.storage import StorageError
    from coach.storage import services as sv

    sid, scenario_id = tracker.get_slot("session_id"), tracker.get_slot("scenario_id")
    seed, channel = tracker.get_slot("seed") or 0, tracker.get_slot("channel")
    state = tracker.get_slot("sim_state")
    if sid is None:
        try:
            with runtime.database().reader() as r:
                found = sv.session_for_conversation(r, tracker.sender_id)
        except StorageError as exc:
            return None, f"this reply was not recorded, send it again in a moment: {exc}"
        if found is None:
            return None, "no practice session in this conversation; start one first"
        log.warning("conversation %s: the tracker has no session; found session %s in the database",
                    tracker.sender_id, found["id"])
        sid, scenario_id, seed, channel, state = found["id"], found["scenario_id"], found["seed"] or 0, \
            found["channel"], None
        tracker.slots.update({"session_id": sid, "scenario_id": scenario_id, "seed": seed, "channel": channel,
                              "next_seq": None, "started_at": found["started_at"].isoformat()})
    scenario = runtime.scenarios().get(scenario_id)
    if scenario is None:
        return None, f"the scenario {scenario_id!r} of this session is no longer installed"
    sim = CustomerSimulator(scenario, seed, state, channel=channel)
    return (sid, scenario, sim), None


def _finish(uow, sid, reply):
    """Close the session in the database when the customer's reply ended it; returns the scorecard summary."""
    from coach.storage import services as sv

    if not reply.outcome:
        return None
    card_id = sv.end_session(uow, sid, outcome=reply.outcome, final_mood=reply.mood, scorer=runtime.scorer())
    return _card_summary(card_id, uow)


def _message_id(tracker: Tracker) -> str | None:
    """The client's id of this staff reply (metadata "message_id"), if it sent a well-formed one."""
    from coach.storage.services import MESSAGE_ID

    mid = (tracker.latest_message.get("metadata") or {}).get("message_id")
    return mid if isinstance(mid, str) and MESSAGE_ID.fullmatch(mid) else None


def _in_step(tracker: Tracker, sid, scenario, sim, message_id=None) -> dict:
    """Check the tracker's idea of the session against the database, which is the record.

    Normally they agree and this is one small query. They disagree when an answer was lost after the turn
    was committed (the Rasa server or the database went away before the tracker was saved): then the
    customer is rebuilt from the stored turns (coach.sim.replay), so the session goes on from what was
    recorded instead of failing on a turn number that is already taken. `seen_seq` is the staff turn already
    recorded under this message id (a reply sent again), else None."""
    from coach.sim.customer import replay
    from coach.storage import services as sv

    seq = int(tracker.get_slot("next_seq") or 0)  # 0: the tracker does not know (never a staff turn's number)
    with runtime.database().reader() as r:
        state = sv.turn_state(r, sid, message_id)
        turns = sv.session_turns(r, sid) if state["seen_seq"] is not None or state["next_seq"] != seq else None
    step = {"sim": sim, "seq": seq, "seen_seq": state["seen_seq"], "status": state["status"], "turns": turns,
            "clock": state.get("clock", "server"),
            "last_customer": tracker.get_slot("last_customer") or "",
            "last_staff_at": float(tracker.get_slot("last_staff_at") or 0.0)}
    if turns is not None:
        if state["seen_seq"] is None:
            log.warning("session %s: the tracker expected turn %s, the database has %s turns; carrying on from the "
                        "database", sid, seq, state["next_seq"])
        step["sim"], _ = replay(scenario, tracker.get_slot("seed") or 0, turns, channel=tracker.get_slot("channel"),
                                allow_end=True)
        step["seq"] = state["next_seq"]
        said = [t["text"] for t in turns if t["speaker"] == "customer"]
        step["last_customer"] = said[-1] if said else ""
        step["last_staff_at"] = max([t["t"] or 0.0 for t in turns if t["speaker"] == "staff"] or [0.0])
    return step


def _answer_again(dispatcher, tracker, sid, scenario, step) -> List[Dict[Text, Any]]:
    """A reply that was recorded already (same message id): send the answer it got then, record nothing."""
    from coach.sim.customer import replay
    from coach.storage import services as sv

    turns, seen = step["turns"], step["seen_seq"]
    staff = next(t for t in turns if t["seq"] == seen)
    upto = [t for t in turns if t["seq"] <= seen or t["seq"] == seen + 1 and t["speaker"] == "customer"]
    _, reply = replay(scenario, tracker.get_slot("seed") or 0, upto, channel=tracker.get_slot("channel"),
                      allow_end=True)
    with runtime.database().reader() as r:
        card = runtime.scorer().score(sv.session_transcript(r, sid))
        findings = [f.as_dict() for f in card.findings if f.turn == seen]
        current = sv.session_detail(r, sid)["scorecard"] if step["status"] != "active" else None
        summary = _card_summary(current["id"], r) if current else None
    dispatcher.utter_message(text=reply.text, json_message=_payload(
        sid, seen, reply, scenario, behaviors=staff["behaviors"] or [], spans=staff["spans"] or [],
        findings=findings, warnings=[], intent=staff["intent"], scorecard=summary, answered_again=True))
    return _slots(step["sim"], tracker, next_seq=step["seq"], last_customer=step["last_customer"],
                  last_staff_at=step["last_staff_at"])


class ActionCustomerTurn(Action):
    """A staff reply: detect what it does, let the customer react, record both turns, send live findings."""

    def name(self) -> Text:
        return "action_customer_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        from coach.sim import SimulationError
        from coach.storage import StorageError
        from coach.storage import services as sv

        runtime.scorer()  # waits for the warm-up if it is still running
        text = restore(tracker.latest_message.get("text"))
        refused = refusal(text)  # the input channel refused it already; this is for anything that bypassed it
        if refused:
            return _fail(dispatcher, refused[1])
        if tracker.get_slot("channel") == "drill":
            return drill_turn(dispatcher, tracker, text, _seconds_since_start(tracker))
        found, error = _session(tracker)
        if error:
            return _fail(dispatcher, error)
        sid, scenario, sim = found
        message_id = _message_id(tracker)
        try:
            step = _in_step(tracker, sid, scenario, sim, message_id)
            if step["seen_seq"] is not None:
                return _answer_again(dispatcher, tracker, sid, scenario, step)
        except (StorageError, SimulationError) as exc:
            return _fail(dispatcher, f"the session could not be read back, nothing was lost: {exc}")
        # after _session (a tracker it repaired knows the start only now) and _in_step (which clock)
        t = _seconds_since_start(tracker, step["clock"])
        sim, seq = step["sim"], step["seq"]
        intent = tracker.latest_message.get("intent") or {}
        det = runtime.detector().detect(text, step["last_customer"])
        try:
            reply = sim.staff_says(text, det.behaviors, t)
        except SimulationError as exc:
            return _fail(dispatcher, str(exc))
        latency = int(max(0.0, t - step["last_staff_at"]) * 1000)
        spans = [e.as_dict() for e in det.spans]
        try:
            with runtime.database().uow() as uow:
                sv.append_turn(uow, sid, seq, speaker="staff", text=text, t=t, latency_ms=latency,
                               behaviors=det.behaviors, spans=spans, intent=intent.get("name"),
                               intent_confidence=intent.get("confidence"), message_id=message_id)
                nxt = seq + 1
                if reply.text:
                    sv.append_turn(uow, sid, nxt, speaker="customer", text=reply.text, t=t, mood_after=reply.mood)
                    nxt += 1
                card = runtime.scorer().score(sv.session_transcript(uow, sid))
                findings = [f.as_dict() for f in card.findings if f.turn == seq]
                summary = _finish(uow, sid, reply)
                uow.commit()
        except StorageError as exc:
            return _fail(dispatcher, f"the turn could not be recorded, nothing was lost: {exc}")
        dispatcher.utter_message(text=reply.text, json_message=_payload(
            sid, seq, reply, scenario, behaviors=det.behaviors, spans=spans, findings=findings,
            warnings=det.warnings, intent=intent.get("name"), scorecard=summary,
            entities=[{"entity": e.get("entity"), "value": e.get("value")}
                      for e in tracker.latest_message.get("entities") or []]))
        return _slots(sim, tracker, next_seq=nxt, last_customer=reply.text or step["last_customer"], last_staff_at=t)


class ActionCallEvent(Action):
    """A phone control (answer, hold, resume, transfer, hang up), recorded as a system turn."""

    def name(self) -> Text:
        return "action_call_event"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        from coach.sim import SimulationError
        from coach.storage import StorageError
        from coach.storage import services as sv

        found, error = _session(tracker)
        if error:
            return _fail(dispatcher, error)
        sid, scenario, sim = found
        c = _control(tracker)
        event = c.get("event")
        try:
            step = _in_step(tracker, sid, scenario, sim)
            sim, seq = step["sim"], step["seq"]
            t = _seconds_since_start(tracker, step["clock"], given=c.get("t"))
            reply = sim.call_event(event, t)
        except (SimulationError, StorageError, ValueError) as exc:
            return _fail(dispatcher, str(exc))
        try:
            with runtime.database().uow() as uow:
                sv.append_turn(uow, sid, seq, speaker="system", event=event, t=t)
                nxt = seq + 1
                if reply.text:
                    sv.append_turn(uow, sid, nxt, speaker="customer", text=reply.text, t=t, mood_after=reply.mood)
                    nxt += 1
                summary = _finish(uow, sid, reply)
                uow.commit()
        except StorageError as exc:
            return _fail(dispatcher, f"the call event could not be recorded: {exc}")
        dispatcher.utter_message(text=reply.text, json_message=_payload(sid, seq, reply, scenario, event=event,
                                                                        scorecard=summary))
        return _slots(sim, tracker, next_seq=nxt, last_customer=reply.text or step["last_customer"])


class ActionEndPractice(Action):
    """The trainee ends the session (End button): score it and say how it went."""

    def name(self) -> Text:
        return "action_end_practice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        from coach.sim import SimulationError
        from coach.storage import StorageError

        if tracker.get_slot("channel") == "drill":
            return end_drill(dispatcher, tracker)
        found, error = _session(tracker)
        if error:
            return _fail(dispatcher, error)
        sid, scenario, sim = found
        try:
            sim = _in_step(tracker, sid, scenario, sim)["sim"]
            reply = sim.end()
        except (SimulationError, StorageError) as exc:
            return _fail(dispatcher, str(exc))
        try:
            with runtime.database().uow() as uow:
                summary = _finish(uow, sid, reply)
                uow.commit()
        except StorageError as exc:
            return _fail(dispatcher, f"the session could not be closed: {exc}")
        dispatcher.utter_message(json_message=_payload(sid, None, reply, scenario, scorecard=summary))
        return _slots(sim, tracker)


# -- the phrase drill: the customer side shows a negative staff sentence, the trainee rephrases it -----

DRILL_ID = "phrase_drill"
DRILL_ROUND = 8
DRILL_PASS = 0.75  # share of prompts rephrased well for the round to pass


def _drill_prompt(p, k, n) -> str:
    return f"Say it positively ({k + 1} of {n}): \u201c{p.negative}\u201d"


def start_drill(dispatcher, tracker, c) -> List[Dict[Text, Any]]:
    from coach.sim.drill import pick
    from coach.storage import StorageError
    from coach.storage import services as sv

    try:
        seed, person_id = int(c.get("seed") or 0), int(c.get("person_id"))
    except (TypeError, ValueError):
        return _fail(dispatcher, "start_practice needs person_id (a number) and optionally seed (a number)")
    prompts = pick(runtime.drill_prompts(), seed, n=DRILL_ROUND)
    started = _now()
    first = _drill_prompt(prompts[0], 0, len(prompts))
    try:
        with runtime.database().uow() as uow:
            sid = sv.start_session(uow, person_id=person_id, scenario_id=DRILL_ID, scenario_version="1",
                                   channel="drill", track="phrasing", difficulty=1, seed=seed,
                                   rasa_conversation_id=tracker.sender_id, started_at=started)
            sv.append_turn(uow, sid, 0, speaker="customer", text=first, t=0.0, at=started)
            uow.commit()
    except StorageError as exc:
        return _fail(dispatcher, str(exc))
    state = {"prompts": [p.id for p in prompts], "k": 0, "passed": 0}
    dispatcher.utter_message(text=first, json_message={"session_id": sid, "seq": 0, "customer": first,
                                                       "drill": {"prompt": prompts[0].negative, "k": 0,
                                                                 "of": len(prompts)}, "outcome": None})
    return [SlotSet("session_id", sid), SlotSet("scenario_id", DRILL_ID), SlotSet("seed", seed),
            SlotSet("channel", "drill"), SlotSet("sim_state", state), SlotSet("next_seq", 1),
            SlotSet("started_at", started.isoformat())]


def drill_turn(dispatcher, tracker, text, t) -> List[Dict[Text, Any]]:
    from coach.sim.drill import DrillError, check_answer
    from coach.storage import StorageError
    from coach.storage import services as sv

    state = dict(tracker.get_slot("sim_state") or {})
    if state.get("done"):
        return _fail(dispatcher, "this drill round is over; start a new one")
    by_id = {p.id: p for p in runtime.drill_prompts()}
    prompts = [by_id[i] for i in state["prompts"] if i in by_id]
    k = state["k"]
    try:
        result = check_answer(prompts[k], text, runtime.detector())
    except DrillError as exc:
        return _fail(dispatcher, str(exc))
    state["passed"] += result.passed
    state["k"] = k + 1
    done = state["k"] >= len(prompts)
    verdict = "Well put." if result.passed else " ".join(result.feedback)
    answer = f"{verdict} A model answer: \u201c{result.model}\u201d"
    outcome = None
    if done:
        state["done"] = True
        ok = state["passed"] >= DRILL_PASS * len(prompts)
        outcome = "passed" if ok else "failed"
        answer += f" Round over: {state['passed']} of {len(prompts)} rephrased well."
    else:
        answer += " " + _drill_prompt(prompts[state["k"]], state["k"], len(prompts))
    seq = int(tracker.get_slot("next_seq") or 1)
    det = runtime.detector().detect(text)
    try:
        with runtime.database().uow() as uow:
            sv.append_turn(uow, int(tracker.get_slot("session_id")), seq, speaker="staff", text=text, t=t,
                           behaviors=det.behaviors, spans=[e.as_dict() for e in det.spans])
            sv.append_turn(uow, int(tracker.get_slot("session_id")), seq + 1, speaker="customer", text=answer, t=t)
            if done:
                sv.end_session(uow, int(tracker.get_slot("session_id")), outcome=outcome)
            uow.commit()
    except StorageError as exc:
        return _fail(dispatcher, f"the answer could not be recorded, nothing was lost: {exc}")
    dispatcher.utter_message(text=answer, json_message={
        "session_id": tracker.get_slot("session_id"), "seq": seq, "customer": answer, "outcome": outcome,
        "drill": {"prompt": prompts[k].negative, "result": result.as_dict(), "k": k, "of": len(prompts),
                  "passed": state["passed"],
                  "next": None if done else prompts[state["k"]].negative}})
    return [SlotSet("sim_state", state), SlotSet("next_seq", seq + 2)]


def end_drill(dispatcher, tracker) -> List[Dict[Text, Any]]:
    from coach.storage import StorageError
    from coach.storage import services as sv

    state = dict(tracker.get_slot("sim_state") or {})
    if state.get("done"):
        return _fail(dispatcher, "this drill round is already over")
    state["done"] = True
    try:
        with runtime.database().uow() as uow:
            sv.end_session(uow, int(tracker.get_slot("session_id")), outcome="ended_by_trainee")
            uow.commit()
    except StorageError as exc:
        return _fail(dispatcher, f"the drill could not be closed: {exc}")
    dispatcher.utter_message(json_message={"session_id": tracker.get_slot("session_id"), "seq": None,
                                           "customer": None, "outcome": "ended_by_trainee",
                                           "drill": {"passed": state.get("passed", 0), "k": state.get("k", 0),
                                                     "of": len(state.get("prompts", []))}})
    return [SlotSet("sim_state", state)]
