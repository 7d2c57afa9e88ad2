"""The phrase drill as a practice session: the customer side shows a negative staff sentence, the trainee
rephrases it, the answer is checked (coach.sim.drill) and recorded before the next prompt is shown.

The round's state (the memory's `sim_state`): the prompt ids in order, `k` the prompt being answered,
`passed` the answers that passed, and `done` once the round is over (all answered, or ended)."""

from __future__ import annotations

from coach.i18n import say as _say  # the feedback in the prompt's language (coach/locale)
from coach.practice.memory import Answer, Memory, PracticeError, whole_numbers
from coach.sim.drill import DrillError, check_answer, pick
from coach.storage import StorageError
from coach.storage import services as sv
from coach.vocabulary import DRILL_CHANNEL

DRILL_ID = "phrase_drill"  # the scenario id a drill session is started and stored under
CHANNEL = DRILL_CHANNEL
ROUND = 8  # prompts in a round
PASS = 0.75  # share of prompts rephrased well for the round to pass


def _prompt_line(prompt, k, n) -> str:
    return _say(prompt.language, "Say it positively ({k} of {n}): \u201c{negative}\u201d", k=k + 1, n=n,
                negative=prompt.negative)


def start(res, memory: Memory, control: dict, started) -> Answer:
    """A new round of ROUND prompts in the control's `language` (English by default), the same for the same
    seed; the first prompt is turn 0."""
    seed, person_id = whole_numbers(control, ("seed", "person_id"),
                                    "start_practice needs person_id (a number) and optionally seed (a number)")
    language = control.get("language") or "en"
    try:
        prompts = pick(res.drill_prompts(), seed, n=ROUND, language=language)
    except DrillError as exc:
        raise PracticeError(str(exc)) from exc
    first = _prompt_line(prompts[0], 0, len(prompts))
    try:
        with res.database().uow() as uow:
            sid = sv.start_session(uow, person_id=person_id, scenario_id=DRILL_ID, scenario_version="1",
                                   channel=CHANNEL, track="phrasing", difficulty=1, seed=seed, language=language,
                                   rasa_conversation_id=memory.conversation_id, started_at=started)
            sv.append_turn(uow, sid, 0, speaker="customer", text=first, t=0.0, at=started)
            uow.commit()
    except StorageError as exc:
        raise PracticeError(str(exc)) from exc
    state = {"prompts": [p.id for p in prompts], "k": 0, "passed": 0, "language": language}
    payload = {"session_id": sid, "seq": 0, "customer": first,
               "drill": {"prompt": prompts[0].negative, "k": 0, "of": len(prompts)}, "outcome": None}
    return Answer(first, payload, {"session_id": sid, "scenario_id": DRILL_ID, "seed": seed, "channel": CHANNEL,
                                   "sim_state": state, "next_seq": 1, "started_at": started.isoformat()})


def turn(res, memory: Memory, text: str, t: float, message_id: str | None = None) -> Answer:
    """The trainee's rephrasing of the current prompt: checked, answered with feedback and a model answer
    and the next prompt (or the round's result), both turns recorded and committed first. `message_id` is
    the client's id of this answer: one recorded already (its reply was lost) is answered from the record."""
    state = dict(memory.sim_state or {})
    by_id = {p.id: p for p in res.drill_prompts()}
    prompts = [by_id[i] for i in state["prompts"] if i in by_id]
    sid, seq = int(memory.session_id), int(memory.next_seq or 1)
    if message_id:
        try:
            with res.database().reader() as r:
                seen = sv.turn_state(r, sid, message_id)["seen_seq"]
                if seen is not None:
                    return _answer_again(res, r, memory, state, prompts, sid, seen)
        except StorageError as exc:
            raise PracticeError(f"the round could not be read back, nothing was lost: {exc}") from exc
    if state.get("done"):
        raise PracticeError("this drill round is over; start a new one")
    k = state["k"]
    try:
        result = check_answer(prompts[k], text, res.detector(prompts[k].language))
    except DrillError as exc:
        raise PracticeError(str(exc)) from exc
    state["passed"] += result.passed
    state["k"] = k + 1
    answer, outcome = _feedback(state, prompts, result)
    det = res.detector(prompts[k].language).detect(text)
    try:
        with res.database().uow() as uow:
            sv.append_turn(uow, sid, seq, speaker="staff", text=text, t=t, behaviors=det.behaviors,
                           spans=[e.as_dict() for e in det.spans], message_id=message_id)
            sv.append_turn(uow, sid, seq + 1, speaker="customer", text=answer, t=t)
            if outcome:
                sv.end_session(uow, sid, outcome=outcome)
            uow.commit()
    except StorageError as exc:
        raise PracticeError(f"the answer could not be recorded, nothing was lost: {exc}") from exc
    done = state.get("done", False)
    payload = {"session_id": memory.session_id, "seq": seq, "customer": answer, "outcome": outcome,
               "drill": {"prompt": prompts[k].negative, "result": result.as_dict(), "k": k, "of": len(prompts),
                         "passed": state["passed"], "next": None if done else prompts[state["k"]].negative}}
    return Answer(answer, payload, {"sim_state": state, "next_seq": seq + 2})


def _answer_again(res, r, memory: Memory, state: dict, prompts, sid: int, seen: int) -> Answer:
    """An answer recorded already under the same message id: the reply it got then, nothing recorded again.
    The memory is after that answer when the tracker was saved, before it when it was not."""
    detail = sv.session_detail(r, sid)
    recorded = {t["seq"]: t for t in detail["turns"]}
    k = (seen - 1) // 2  # the prompt is turn 0; answers are turns 1, 3, 5, ... and the replies 2, 4, 6, ...
    result = check_answer(prompts[k], recorded[seen]["text"], res.detector(prompts[k].language))
    if int(memory.next_seq or 1) <= seen:  # the tracker was not saved after that answer: bring it along
        state["passed"] += result.passed
        state["k"] = k + 1
        _feedback(state, prompts, result)
    reply = recorded[seen + 1]["text"] if seen + 1 in recorded else ""
    done = state.get("done", False)
    payload = {"session_id": sid, "seq": seen, "customer": reply, "outcome": detail["outcome"],
               "answered_again": True,
               "drill": {"prompt": prompts[k].negative, "result": result.as_dict(), "k": k, "of": len(prompts),
                         "passed": state["passed"], "next": None if done else prompts[state["k"]].negative}}
    return Answer(reply, payload, {"sim_state": state, "next_seq": seen + 2})


def _feedback(state: dict, prompts, result):
    """What the customer side says to an answer, and the round's outcome once the last prompt is answered
    (marking the state done)."""
    lang = state.get("language") or "en"
    verdict = _say(lang, "Well put.") if result.passed else " ".join(result.feedback)
    answer = verdict + " " + _say(lang, "A model answer: \u201c{model}\u201d", model=result.model)
    if state["k"] < len(prompts):
        return answer + " " + _prompt_line(prompts[state["k"]], state["k"], len(prompts)), None
    state["done"] = True
    outcome = "passed" if state["passed"] >= PASS * len(prompts) else "failed"
    return answer + " " + _say(lang, "Round over: {passed} of {n} rephrased well.", passed=state["passed"],
                               n=len(prompts)), outcome


def end(res, memory: Memory) -> Answer:
    """The trainee ends the round before its last prompt."""
    state = dict(memory.sim_state or {})
    if state.get("done"):
        raise PracticeError("this drill round is already over")
    state["done"] = True
    try:
        with res.database().uow() as uow:
            sv.end_session(uow, int(memory.session_id), outcome="ended_by_trainee")
            uow.commit()
    except StorageError as exc:
        raise PracticeError(f"the drill could not be closed: {exc}") from exc
    payload = {"session_id": memory.session_id, "seq": None, "customer": None, "outcome": "ended_by_trainee",
               "drill": {"passed": state.get("passed", 0), "k": state.get("k", 0),
                         "of": len(state.get("prompts", []))}}
    return Answer(None, payload, {"sim_state": state})
