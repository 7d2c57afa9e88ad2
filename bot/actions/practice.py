"""The practice-session actions: start, a staff reply, a call event, end. Each adapts Rasa to the practice
service (coach.practice): it reads the tracker's slots and latest message, calls the service, and sends the
customer's words with a JSON payload (mood, behaviours, findings, outcome) and the memory back as slots.

The service commits every turn to the database before it answers, so before the customer's reply is sent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.client import refusal
from bot.payload_guard import restore
from coach import resources


def _practice():
    # imported here: the simulator loads spaCy, and the action server should answer its health check at once
    from coach.practice import Practice

    return Practice(resources)


def _memory(tracker: Tracker):
    """The session as the tracker's slots remember it."""
    from coach.practice import Memory

    return Memory(tracker.sender_id, **{name: tracker.get_slot(name) for name in Memory.slot_names()})


def _control(tracker: Tracker) -> dict:
    """The entities the server side sent with a control intent."""
    return {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or []}


def _metadata(tracker: Tracker) -> dict:
    return tracker.latest_message.get("metadata") or {}


def _fail(dispatcher: CollectingDispatcher, message: str) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(json_message={"error": message})
    return []


def _answer(dispatcher: CollectingDispatcher, call) -> List[Dict[Text, Any]]:
    """Run the service call; send its answer and remember what it says, or send its error in words."""
    from coach.practice import PracticeError

    try:
        answer = call()
    except PracticeError as exc:
        return _fail(dispatcher, str(exc))
    dispatcher.utter_message(text=answer.text, json_message=answer.payload)
    return [SlotSet(name, value) for name, value in answer.remember.items()]


class ActionStartPractice(Action):
    """Start a practice session (a scenario, a retry from turn N, or the phrase drill); the customer's first words."""

    def name(self) -> Text:
        return "action_start_practice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        return _answer(dispatcher, lambda: _practice().start(_memory(tracker), _control(tracker)))


class ActionCustomerTurn(Action):
    """A staff reply: detect what it does, let the customer react, record both turns, send live findings."""

    def name(self) -> Text:
        return "action_customer_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        resources.scorer()  # waits for the warm-up if it is still running
        text = restore(tracker.latest_message.get("text"))
        refused = refusal(text)  # the input channel refused it already; this is for anything that bypassed it
        if refused:
            return _fail(dispatcher, refused[1])
        latest = tracker.latest_message
        return _answer(dispatcher, lambda: _practice().turn(
            _memory(tracker), text, message_id=_metadata(tracker).get("message_id"), intent=latest.get("intent"),
            entities=latest.get("entities") or [], given_t=_metadata(tracker).get("t"),
            voice=_metadata(tracker).get("voice")))


class ActionCallEvent(Action):
    """A phone control (answer, hold, resume, transfer, hang up), recorded as a system turn."""

    def name(self) -> Text:
        return "action_call_event"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        c = _control(tracker)
        given = c.get("t") if c.get("t") is not None else _metadata(tracker).get("t")
        return _answer(dispatcher, lambda: _practice().call_event(_memory(tracker), c.get("event"), given))


class ActionEndPractice(Action):
    """The trainee ends the session (End button): score it and say how it went."""

    def name(self) -> Text:
        return "action_end_practice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        return _answer(dispatcher, lambda: _practice().end(_memory(tracker)))
