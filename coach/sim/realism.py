"""How believable the customer is: every scenario played with several kinds of staff side, and what a trainer
would expect of each.

- well served: the scenario's own good script; a trainer expects `resolved`;
- badly served: its poor script; `escalated` or `hung_up`;
- polite but off the problem: the good script of every other scenario of its language; anything but `resolved`;
- vague: a polite staff side that never says what will happen (sides/<language>.yml); anything but `resolved`;
- over-promising: the good script with an offer beyond the situation's limits added to the reply that gives the
  fix (for the scenarios that have limits); `resolved`, with the offer noted as beyond policy.

Counted in every session: customer sentences said twice, offers of details the customer makes after it has given
one or its problem is solved, lengths of time it heard change, and, over many seeds of the well-served side, how
many different sentences the customer says.

Used by bench/bench_realism.py (which prints the figures) and the scenario tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coach import yamlload
from coach.sim.customer import sentences
from coach.sim.play import load_script, play
from coach.sim.scenario import Scenario, ScenarioError

SIDES = Path(__file__).resolve().parent / "sides"
EXPECTED = {"well": {"resolved"}, "badly": {"escalated", "hung_up"}, "off_problem": {"escalated", "hung_up",
            "ended_by_trainee", "open"}, "vague": {"escalated", "hung_up", "ended_by_trainee", "open"},
            "over_promise": {"resolved"}}  # open: the staff side ran out with the customer still waiting


def sides(language: str) -> dict:
    """The language's staff sides that fit no scenario (`vague`, and the `over_promise` template)."""
    path = SIDES / f"{language}.yml"
    if not path.exists():
        raise ScenarioError(f"{path}: no staff sides for language {language!r} (copy sides/en.yml and translate it)")
    with open(path, encoding="utf-8") as fh:
        doc = yamlload.safe_load(fh)
    if not isinstance(doc, dict) or not isinstance(doc.get("vague"), list) or "{amount}" not in str(
            doc.get("over_promise", "")):
        raise ScenarioError(f"{path}: expected `vague` (a list of staff replies) and `over_promise` (a line with "
                            f"{{word}} and {{amount}})")
    return doc


def for_channel(script: list, channel: str) -> list:
    """A script written for one channel, played on another: a chat drops call events; a phone call is answered
    first, and a script without a closing transfer or hang-up is left as it is (the customer decides)."""
    items = [{"text": i} if isinstance(i, str) else dict(i) for i in script]
    if channel == "chat":
        return [{"text": i["text"]} for i in items if "text" in i]
    if any(i.get("event") == "answer" for i in items):
        return items
    t, out = 5.0, [{"event": "answer", "t": 5.0}]
    for i in items:
        t = float(i.get("t", t + 15.0))
        out.append({**i, "t": t})
    return out


def over_promise(scenario: Scenario, template: str) -> str | None:
    """A reply offering three times the most the situation allows, or None when it sets no limits."""
    if not scenario.situation.offers:
        return None
    offer = scenario.situation.offers[0]
    word = next((w for w in offer.words if w not in ("off",)), offer.what)
    most = offer.max * 3 or (20 if offer.unit == "%" else 50)  # an offer of anything where none is allowed
    amount = f"{most:g}%" if offer.unit == "%" else f"{offer.unit}{most:g}"
    if scenario.language != "en":
        amount = f"{most:g}%" if offer.unit == "%" else f"{most:g} {offer.unit}"
    return template.format(word=word, amount=amount)


def staff_sides(scenario: Scenario, scenarios: dict, detector=None) -> dict[str, list[list]]:
    """Every kind of staff side for a scenario, each a list of scripts in the scenario's channel."""
    channel, lang = scenario.channel, scenario.language
    good, theirs = load_script(scenario.id, "good"), sides(scenario.language)
    out = {"well": [good], "badly": [load_script(scenario.id, "poor")],
           "off_problem": [for_channel(load_script(o.id, "good"), channel) for o in scenarios.values()
                           if o.id != scenario.id and o.language == lang],
           "vague": [for_channel(theirs["vague"], channel)]}
    extra = over_promise(scenario, theirs["over_promise"])
    if extra:
        # the offer beyond the limits is added to the reply that gives the fix (or meets a need about content)
        replies = play(scenario, good, seed=1, detector=detector)["replies"]
        fixes = {n.id for n in scenario.needs if "solution" in n.by} or {n.id for n in scenario.needs if n.shows}
        at = next((k for k, r in enumerate(replies) if fixes & set(r["newly_met"])), None)
        if at is not None:
            item = good[at]
            more = {**item, "text": f"{item['text']} {extra}"} if isinstance(item, dict) else f"{item} {extra}"
            out["over_promise"] = [good[:at] + [more] + good[at + 1:]]
    return out


@dataclass
class Session:
    scenario: str
    kind: str
    outcome: str
    expected: bool
    repeats: list = field(default_factory=list)  # customer sentences said before in the session
    reasked: list = field(default_factory=list)  # offers of details after giving one or after the fix
    lines: list = field(default_factory=list)  # every customer sentence, in order
    contradictions: int = 0  # lengths of time the customer heard change


def judge(scenario: Scenario, kind: str, result: dict) -> Session:
    """What a trainer would check in one played session."""
    first = result["turns"][0]
    said = sentences(first["text"] or "") if first["speaker"] == "customer" else []
    repeats, reasked, settled = [], [], False
    asks = {line for n in scenario.needs if set(n.by) == {"information_request"} for line in n.ask}
    for reply in result["replies"]:
        for sentence in sentences(reply["text"] or ""):
            if sentence in said:
                repeats.append(sentence)
            if settled and sentence in asks:
                reasked.append(sentence)
            said.append(sentence)
        # once the customer has given a fact, or the problem is solved, offering details again is a re-ask
        settled = settled or bool(reply["facts_given"]) or any(
            n.id in reply["needs_met"] for n in scenario.needs if "solution" in n.by)
    expected = (result["outcome"] or "open") in EXPECTED[kind]
    if kind == "over_promise":
        expected = expected and any("(policy)" in n for r in result["replies"] for n in r["notes"])
    changed = sum(1 for r in result["replies"] for n in r["notes"] if " earlier " in n)
    return Session(scenario.id, kind, result["outcome"] or "open", expected, repeats, reasked, said, changed)


def play_all(scenarios: dict, *, seeds=(1,), detector_for=None, progress=None) -> list[Session]:
    """Every scenario with every kind of staff side, for each seed."""
    out = []
    for sc in scenarios.values():
        detector = detector_for(sc.language) if detector_for else None
        for kind, scripts in staff_sides(sc, scenarios, detector).items():
            for script in scripts:
                for seed in seeds:
                    out.append(judge(sc, kind, play(sc, script, seed=seed, detector=detector)))
        if progress:
            progress(sc.id)
    return out


def variety(scenario: Scenario, seeds: int = 100, detector=None) -> int:
    """How many different sentences the customer says over `seeds` well-served sessions."""
    good, seen = load_script(scenario.id, "good"), set()
    for seed in range(seeds):
        seen |= set(judge(scenario, "well", play(scenario, good, seed=seed, detector=detector)).lines)
    return len(seen)
