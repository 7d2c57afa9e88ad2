"""A practice session with a difficult customer: start (or "Retry from turn N"), the trainee's turns, phone
call events, the end. Each step reads the session, lets the simulator answer, records the turns and
commits before it returns the answer; the phrase drill has its own steps (coach.practice.drill)."""

from __future__ import annotations

import copy
import dataclasses
import logging
from datetime import datetime, timedelta, timezone

from coach.practice import drill
from coach.practice.memory import Answer, Memory, PracticeError, seconds_since_start, whole_numbers
from coach.sim import CustomerSimulator, SimulationError
from coach.sim.customer import replay
from coach.storage import StorageError
from coach.storage import services as sv

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _payload(session_id, seq, reply, scenario, **extra) -> dict:
    return {"session_id": session_id, "seq": seq, "customer": reply.text, "mood": reply.mood, "band": reply.band,
            "mood_change": reply.mood_change, "notes": reply.notes, "outcome": reply.outcome,
            "needs_met": reply.needs_met, "needs": [n.id for n in scenario.needs], **extra}


def _remember(sim, memory: Memory | None = None, **values) -> dict:
    """The simulator's state and `values`; with `memory`, also the session's identity, so that a memory
    repaired from the database keeps it."""
    if memory is not None:
        for k, v in memory.identity().items():
            values.setdefault(k, v)
    return {"sim_state": sim.state.to_dict(), **values}


def scorecard_summary(uow, session_id) -> dict | None:
    """The session's current scorecard as the client shows it at the end, with its findings."""
    d = sv.session_detail(uow, session_id)
    card = d["scorecard"]
    if card is None:
        return None
    return {"overall": card["overall"], "categories": card["categories"], "explanation": card["explanation"],
            "met": card["met"], "missed": card["missed"], "findings": d["findings"]}


@dataclasses.dataclass
class _Step:
    """Where the session stands before a turn, the database's word over the memory's."""
    sim: CustomerSimulator
    seq: int
    seen_seq: int | None  # the staff turn already recorded under this message id
    status: str
    turns: list | None  # the stored turns, when they had to be read
    clock: str
    last_customer: str
    last_staff_at: float


class Practice:
    """The practice service. `resources` gives the shared database, scenarios, scorer, detector and drill
    prompts (coach.resources, or any object with those functions); `now` the clock (tests set it)."""

    def __init__(self, resources, now=_utcnow):
        self.res = resources
        self.now = now

    # -- start ------------------------------------------------------------------------------------
    def start(self, memory: Memory, control: dict) -> Answer:
        """Start a session from the server side's control values: a scenario (`scenario`, `person_id`,
        `seed`, `channel`, `hostile`, `clock`), the phrase drill, or a retry (`retry_of`, `from_turn`)."""
        if memory.session_id is not None:
            raise PracticeError("this conversation already has a practice session; use a new conversation id")
        if control.get("scenario") == drill.DRILL_ID:
            return drill.start(self.res, memory, control, self.now())
        if control.get("retry_of") is not None:
            return self._start_retry(memory, control)
        return self._start_scenario(memory, control)

    def _start_scenario(self, memory: Memory, control: dict) -> Answer:
        scenarios = self.res.scenarios()
        scenario = scenarios.get(control.get("scenario"))
        if scenario is None:
            raise PracticeError(f"unknown scenario {control.get('scenario')!r}; known: {', '.join(sorted(scenarios))}")
        if scenario.hostility >= 2 and str(control.get("hostile")).lower() not in ("true", "1", "yes"):
            raise PracticeError(f"{scenario.id} plays a hostile customer (insults, threats); "
                                f"start it with hostile=true to opt in")
        seed, person_id = whole_numbers(control, ("seed", "person_id"), "start_practice needs person_id (a number) "
                                                                        "and optionally seed (a number)")
        try:
            sim = CustomerSimulator(scenario, seed, channel=control.get("channel") or None)
            first = sim.opening()
            started = self.now()
            with self.res.database().uow() as uow:
                sid = sv.start_session(uow, person_id=person_id, scenario_id=scenario.id,
                                       scenario_version=scenario.version, channel=sim.channel,
                                       language=scenario.language,
                                       track=scenario.track, difficulty=scenario.difficulty, seed=seed,
                                       rasa_conversation_id=memory.conversation_id, started_at=started,
                                       clock="script" if control.get("clock") == "script" else "server")
                if sim.channel == "phone":
                    sv.append_turn(uow, sid, 0, speaker="system", event="ring", t=0.0, at=started)
                else:
                    sv.append_turn(uow, sid, 0, speaker="customer", text=first.text, t=0.0, at=started,
                                   mood_after=first.mood)
                uow.commit()
        except (StorageError, SimulationError) as exc:
            raise PracticeError(str(exc)) from exc
        payload = _payload(sid, 0, first, scenario, channel=sim.channel, brief=scenario.summary(),
                           event="ring" if sim.channel == "phone" else None)
        return Answer(first.text, payload, _remember(
            sim, session_id=sid, scenario_id=scenario.id, seed=seed, channel=sim.channel, next_seq=1,
            last_customer=first.text or "", started_at=started.isoformat(), last_staff_at=0.0))

    def _start_retry(self, memory: Memory, control: dict) -> Answer:
        """"Retry from turn N": a new session that starts with the earlier session's turns before staff turn
        N copied, and the customer rebuilt to exactly the state it was in then (coach.sim.replay)."""
        person_id, original, from_seq = whole_numbers(
            control, ("person_id", "retry_of", "from_turn"),
            "a retry needs person_id, retry_of (a session number) and from_turn (a turn number)")
        started = self.now()
        try:
            with self.res.database().uow() as uow:
                prev = sv.retry_prefix(uow, original, from_seq, person_id=person_id)
                scenario = self.res.scenarios().get(prev["scenario_id"])
                if scenario is None:
                    raise PracticeError(f"the scenario {prev['scenario_id']!r} is no longer installed")
                sim, last = replay(scenario, prev["seed"] or 0, prev["turns"], channel=prev["channel"])
                sid = sv.start_session(uow, person_id=person_id, scenario_id=scenario.id,
                                       scenario_version=scenario.version, channel=sim.channel,
                                       language=scenario.language,
                                       track=scenario.track, difficulty=scenario.difficulty, seed=prev["seed"],
                                       rasa_conversation_id=memory.conversation_id, started_at=started,
                                       retry_of_id=original, retry_from_seq=from_seq)
                _copy_turns(uow, sid, prev["turns"], started)
                uow.commit()
        except (StorageError, SimulationError) as exc:
            raise PracticeError(str(exc)) from exc
        turns = prev["turns"]
        said = [t for t in turns if t["speaker"] == "customer"]
        text = said[-1]["text"] if said else ""
        payload = _payload(sid, from_seq - 1, last, scenario, channel=sim.channel, brief=scenario.summary(),
                           retry_of=original, from_turn=from_seq,
                           history=[{k: t[k] for k in ("seq", "speaker", "text", "event", "mood_after")}
                                    for t in turns])
        t0 = max([t["t"] or 0.0 for t in turns] or [0.0])
        last_staff = max([t["t"] or 0.0 for t in turns if t["speaker"] == "staff"] or [0.0])
        # the clock goes on from where the earlier session was at turn N, so the timing standards still apply
        return Answer(text, payload, _remember(
            sim, session_id=sid, scenario_id=scenario.id, seed=prev["seed"], channel=sim.channel,
            next_seq=from_seq, last_customer=text, started_at=(started - timedelta(seconds=t0)).isoformat(),
            last_staff_at=last_staff))

    # -- the trainee's turn -----------------------------------------------------------------------
    def turn(self, memory: Memory, text: str, *, message_id: str | None = None, intent: dict | None = None,
             entities=(), given_t=None, voice: dict | None = None) -> Answer:
        """A staff reply: detect what it does, let the customer react, record both turns and commit, then
        answer with the live findings. `message_id` is the client's id of this reply: one already recorded
        is answered from the record. `intent` is Rasa's reading ({"name", "confidence"}), stored with the
        turn; `given_t` the time a scripted session's client gives; `voice` what was measured from a spoken
        reply (coach/voice), scored by the telephone standards of type voice."""
        message_id = message_id if isinstance(message_id, str) and sv.MESSAGE_ID.fullmatch(message_id) else None
        if memory.channel == drill.CHANNEL:
            return drill.turn(self.res, memory, text, seconds_since_start(memory, self.now()), message_id)
        memory, sid, scenario, sim = self._session(memory)
        try:
            step = self._in_step(memory, sid, scenario, sim, message_id)
            if step.seen_seq is not None:
                return self._answer_again(memory, sid, scenario, step)
        except (StorageError, SimulationError) as exc:
            raise PracticeError(f"the session could not be read back, nothing was lost: {exc}") from exc
        # after _session (a memory it repaired knows the start only now) and _in_step (which clock)
        t = seconds_since_start(memory, self.now(), step.clock, given_t)
        det = self.res.detector(scenario.language).detect(text, step.last_customer)
        try:
            reply = step.sim.staff_says(text, det.behaviors, t)
        except SimulationError as exc:
            raise PracticeError(str(exc)) from exc
        intent = intent or {}
        spans = [e.as_dict() for e in det.spans]
        try:
            with self.res.database().uow() as uow:
                sv.append_turn(uow, sid, step.seq, speaker="staff", text=text, t=t,
                               latency_ms=int(max(0.0, t - step.last_staff_at) * 1000), behaviors=det.behaviors,
                               spans=spans, intent=intent.get("name"), intent_confidence=intent.get("confidence"),
                               message_id=message_id, voice=voice)
                nxt = self._record_reply(uow, sid, step.seq + 1, reply, t)
                card = self.res.scorer(scenario.language).score(sv.session_transcript(uow, sid))
                findings = [f.as_dict() for f in card.findings if f.turn == step.seq]
                summary = self._finish(uow, sid, reply, scenario.language)
                uow.commit()
        except StorageError as exc:
            raise PracticeError(f"the turn could not be recorded, nothing was lost: {exc}") from exc
        payload = _payload(sid, step.seq, reply, scenario, behaviors=det.behaviors, spans=spans, findings=findings,
                           warnings=det.warnings, intent=intent.get("name"), scorecard=summary,
                           entities=[{"entity": e.get("entity"), "value": e.get("value")} for e in entities])
        return Answer(reply.text, payload, _remember(
            step.sim, memory, next_seq=nxt, last_customer=reply.text or step.last_customer, last_staff_at=t))

    def _answer_again(self, memory: Memory, sid, scenario, step: _Step) -> Answer:
        """A reply that was recorded already (same message id): the answer it got then; nothing is recorded."""
        seen = step.seen_seq
        staff = next(t for t in step.turns if t["seq"] == seen)
        upto = [t for t in step.turns if t["seq"] <= seen or t["seq"] == seen + 1 and t["speaker"] == "customer"]
        _, reply = replay(scenario, memory.seed or 0, upto, channel=memory.channel, allow_end=True)
        with self.res.database().reader() as r:
            card = self.res.scorer(scenario.language).score(sv.session_transcript(r, sid))
            findings = [f.as_dict() for f in card.findings if f.turn == seen]
            summary = scorecard_summary(r, sid) if step.status != "active" else None
        payload = _payload(sid, seen, reply, scenario, behaviors=staff["behaviors"] or [],
                           spans=staff["spans"] or [], findings=findings, warnings=[], intent=staff["intent"],
                           scorecard=summary, answered_again=True)
        return Answer(reply.text, payload, _remember(step.sim, memory, next_seq=step.seq,
                                                     last_customer=step.last_customer,
                                                     last_staff_at=step.last_staff_at))

    # -- phone calls and the end ------------------------------------------------------------------
    def call_event(self, memory: Memory, event: str, given_t=None) -> Answer:
        """A phone control (answer, hold, resume, transfer, hangup), recorded as a system turn."""
        memory, sid, scenario, sim = self._session(memory)
        try:
            step = self._in_step(memory, sid, scenario, sim)
            t = seconds_since_start(memory, self.now(), step.clock, given_t)
            reply = step.sim.call_event(event, t)
        except (SimulationError, StorageError, ValueError) as exc:
            raise PracticeError(str(exc)) from exc
        try:
            with self.res.database().uow() as uow:
                sv.append_turn(uow, sid, step.seq, speaker="system", event=event, t=t)
                nxt = self._record_reply(uow, sid, step.seq + 1, reply, t)
                summary = self._finish(uow, sid, reply, scenario.language)
                uow.commit()
        except StorageError as exc:
            raise PracticeError(f"the call event could not be recorded: {exc}") from exc
        payload = _payload(sid, step.seq, reply, scenario, event=event, scorecard=summary)
        return Answer(reply.text, payload, _remember(step.sim, memory, next_seq=nxt,
                                                     last_customer=reply.text or step.last_customer))

    def end(self, memory: Memory) -> Answer:
        """The trainee ends the session (the End button): score it and say how it went."""
        if memory.channel == drill.CHANNEL:
            return drill.end(self.res, memory)
        memory, sid, scenario, sim = self._session(memory)
        try:
            sim = self._in_step(memory, sid, scenario, sim).sim
            reply = sim.end()
        except (SimulationError, StorageError) as exc:
            raise PracticeError(str(exc)) from exc
        try:
            with self.res.database().uow() as uow:
                summary = self._finish(uow, sid, reply, scenario.language)
                uow.commit()
        except StorageError as exc:
            raise PracticeError(f"the session could not be closed: {exc}") from exc
        return Answer(None, _payload(sid, None, reply, scenario, scorecard=summary), _remember(sim, memory))

    # -- the record -------------------------------------------------------------------------------
    def _record_reply(self, uow, sid, seq, reply, t) -> int:
        """The customer's reply as turn `seq`, if it said anything; returns the next turn's number."""
        if not reply.text:
            return seq
        sv.append_turn(uow, sid, seq, speaker="customer", text=reply.text, t=t, mood_after=reply.mood)
        return seq + 1

    def _finish(self, uow, sid, reply, language: str) -> dict | None:
        """Close the session when the customer's reply ended it; returns the scorecard summary (scored with the
        standards of the session's language)."""
        if not reply.outcome:
            return None
        card_id = sv.end_session(uow, sid, outcome=reply.outcome, final_mood=reply.mood,
                                 scorer=self.res.scorer(language))
        return None if card_id is None else scorecard_summary(uow, sid)

    def _session(self, memory: Memory):
        """The memory (repaired if need be), session id, scenario and simulator of this conversation.

        The memory says which session it is. If it has lost that (Rasa treats a conversation it could not
        read from its tracker store as a new one), the session is found in the database by the conversation
        id, and `_in_step` rebuilds the customer from the stored turns."""
        if memory.session_id is None:
            memory = self._found_in_database(memory)
        scenario = self.res.scenarios().get(memory.scenario_id)
        if scenario is None:
            raise PracticeError(f"the scenario {memory.scenario_id!r} of this session is no longer installed")
        # a copy: the simulator changes its state in place, and the memory is the caller's
        sim = CustomerSimulator(scenario, memory.seed or 0, copy.deepcopy(memory.sim_state), channel=memory.channel)
        return memory, memory.session_id, scenario, sim

    def _found_in_database(self, memory: Memory) -> Memory:
        try:
            with self.res.database().reader() as r:
                found = sv.session_for_conversation(r, memory.conversation_id)
        except StorageError as exc:
            raise PracticeError(f"this reply was not recorded, send it again in a moment: {exc}") from exc
        if found is None:
            raise PracticeError("no practice session in this conversation; start one first")
        log.warning("conversation %s: the tracker has no session; found session %s in the database",
                    memory.conversation_id, found["id"])
        return dataclasses.replace(memory, session_id=found["id"], scenario_id=found["scenario_id"],
                                   seed=found["seed"] or 0, channel=found["channel"], sim_state=None, next_seq=None,
                                   started_at=found["started_at"].isoformat())

    def _in_step(self, memory: Memory, sid, scenario, sim, message_id=None) -> _Step:
        """Check the memory's idea of the session against the database, which is the record.

        Normally they agree and this is one small query. They disagree when an answer was lost after the
        turn was committed (the Rasa server or the database went away before the tracker was saved): then
        the customer is rebuilt from the stored turns (coach.sim.replay), so the session goes on from what
        was recorded instead of failing on a turn number that is already taken."""
        seq = int(memory.next_seq or 0)  # 0: the memory does not know (never a staff turn's number)
        with self.res.database().reader() as r:
            state = sv.turn_state(r, sid, message_id)
            behind = state["seen_seq"] is not None or state["next_seq"] != seq
            turns = sv.session_turns(r, sid) if behind else None
        step = _Step(sim=sim, seq=seq, seen_seq=state["seen_seq"], status=state["status"], turns=turns,
                     clock=state.get("clock", "server"), last_customer=memory.last_customer or "",
                     last_staff_at=float(memory.last_staff_at or 0.0))
        if turns is None:
            return step
        if state["seen_seq"] is None:
            log.warning("session %s: the tracker expected turn %s, the database has %s turns; carrying on from the "
                        "database", sid, seq, state["next_seq"])
        step.sim, _ = replay(scenario, memory.seed or 0, turns, channel=memory.channel, allow_end=True)
        step.seq = state["next_seq"]
        said = [t["text"] for t in turns if t["speaker"] == "customer"]
        step.last_customer = said[-1] if said else ""
        step.last_staff_at = max([t["t"] or 0.0 for t in turns if t["speaker"] == "staff"] or [0.0])
        return step


def _copy_turns(uow, session_id, turns, at):
    """The earlier session's turns, as they were, into the retry."""
    keep = ("seq", "speaker", "text", "t", "latency_ms", "mood_after", "behaviors", "spans", "intent",
            "intent_confidence", "event")
    sv.append_turns(uow, session_id, [{k: t[k] for k in keep} for t in turns], at=at)
