"""Play a scripted practice session offline: the real detector and simulator, no servers.

Used by `coach scenarios play`, by the scenario tests and to replay a session from its seed.
A script is a list of staff replies ("text" or {"text", "t"}) and, on the phone, call events
({"event": "hold", "t": 40}); t is seconds since the session started.
"""

from __future__ import annotations

from pathlib import Path

from coach import yamlload
from coach.sim.customer import CustomerSimulator
from coach.sim.scenario import Scenario, ScenarioError

# each scenario's scripted sessions, a well-served and a poorly served one: the product plays them
# (`coach scenarios play`, the load driver) and the tests use the same files
SCRIPTS = Path(__file__).resolve().parent / "scripts"


def load_script(scenario_id: str, which: str, folder: Path = SCRIPTS) -> list:
    path = folder / f"{scenario_id}.yml"
    if not path.exists():
        raise ScenarioError(f"{path}: no script for scenario {scenario_id!r}")
    with open(path, encoding="utf-8") as fh:
        doc = yamlload.safe_load(fh)
    if not isinstance(doc, dict) or which not in doc or not isinstance(doc[which], list):
        raise ScenarioError(f"{path}: expected a list under {which!r}")
    return doc[which]


def play(scenario: Scenario, script: list, *, seed: int = 0, detector=None, channel: str | None = None) -> dict:
    """Run a script; returns the transcript (scorer format), the customer's replies and the outcome. The
    detector reads the scenario's language (`detector` is used when it reads that language)."""
    from coach.detect import shared_detector

    if detector is None or detector.language != scenario.language:
        detector = shared_detector(language=scenario.language)
    sim = CustomerSimulator(scenario, seed, channel=channel)
    turns, replies = [], []
    clock = 0.0
    first = sim.opening()
    if sim.channel == "phone":
        turns.append({"speaker": "system", "event": "ring", "t": 0.0})
    else:
        turns.append({"speaker": "customer", "text": first.text, "t": 0.0, "mood": first.mood})
    last_customer = first.text or ""
    for item in script:
        if sim.state.outcome is not None:
            break
        if isinstance(item, str):
            item = {"text": item}
        clock = float(item.get("t", clock + 15.0))
        if "event" in item:
            reply = sim.call_event(item["event"], clock)
            turns.append({"speaker": "system", "event": item["event"], "t": clock})
        else:
            det = detector.detect(item["text"], last_customer)
            reply = sim.staff_says(item["text"], det.behaviors, clock)
            turns.append({"speaker": "staff", "text": item["text"], "t": clock, "behaviors": det.behaviors})
        replies.append(reply.as_dict())
        if reply.text:
            clock += 8.0
            turns.append({"speaker": "customer", "text": reply.text, "t": clock, "mood": reply.mood})
            last_customer = reply.text
    return {"scenario": scenario.id, "channel": sim.channel, "language": scenario.language, "seed": seed,
            "turns": turns, "replies": replies,
            "outcome": sim.state.outcome, "mood": round(sim.state.mood, 3), "needs_met": list(sim.state.met),
            "state": sim.state.to_dict()}
