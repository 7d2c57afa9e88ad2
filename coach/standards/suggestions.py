"""Suggestions are examples of the standard they are shown for: each must pass that standard itself.

A scorecard shows, with every finding, a better way to say it: the scenario's own suggestion for the rule
(`situation.suggestions` in bot/scenarios/<id>.yml, naming that situation's real limits and options) or else
one of the rule's `suggestions` (standards/en/rules, which must fit any conversation). A suggestion that the
rule would flag teaches the wrong thing, so `coach standards check` and `coach scenarios check` score every
suggestion as a one-reply conversation in which the rule applies (a complaint for complaint standards, a call
for telephone ones, the hold or transfer a telephone standard is about) and refuse one the rule flags.

A substitution's swaps are suggestions too, each for the words it finds: `coach standards check` refuses a phrase
two standards swap (a reply's words get one suggestion, so one of the two is never shown) and two phrases of one
standard read as the same words with different better wordings.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from coach.standards.checks import swap_form
from coach.standards.pack import SEVERITIES, read_yaml
from coach.standards.situation import Situation
from coach.transcript import Transcript, parse_transcript
from coach.vocabulary import CONVERSATION_CHANNELS

NEUTRAL = "Hello, I'd like some help with something, please."
COMPLAINT = "This is unacceptable. It's the second time I've had to get in touch, and nobody has called me back."
NEWCOMER = "Sorry, I'm new to all this and I don't really understand how it works."


def suggestion_transcript(rule, text: str, situation: Situation | None = None, channel: str | None = None,
                          opening: str | None = None) -> Transcript:
    """`text` as the one staff reply of a conversation in which `rule` applies: the customer says `opening`
    (or a line that suits the rule: a complaint, a newcomer, a plain request), then the staff reply, with the
    hold, resume or transfer around it that a telephone standard needs, in the given situation."""
    applies = rule.applies
    channels = applies.get("channel") or list(CONVERSATION_CHANNELS)
    channel = channel if channel in channels else channels[0]
    spec = rule.spec
    signals = set(applies.get("customer") or ()) | set(spec.get("customer") or ())
    if spec.get("by") == "customer":
        signals |= set(spec.get("if") or ())
    if "newcomer" in signals:
        customer = NEWCOMER
    elif applies.get("complaint") is False:
        customer = NEUTRAL  # a scenario's opening may be a complaint, and these standards are for other talks
    else:
        customer = opening or (COMPLAINT if applies.get("complaint") else NEUTRAL)
    sit = (situation or Situation()).dict(exclude={"track", "suggestions"})
    for key in ("public", "needs_finding"):
        if key in applies:
            sit[key] = applies[key]
    where = spec.get("window")
    measure = spec.get("measure")
    phone = channel == "phone"
    # a call answered at once, so only the standard in question speaks about the reply
    turns = [{"speaker": "system", "event": "ring", "t": 0}, {"speaker": "system", "event": "answer", "t": 1}] \
        if phone else []
    turns.append({"speaker": "customer", "text": customer, "t": 2})
    if where == "after_resume" or (rule.type == "timing" and measure == "hold"):
        turns += [{"speaker": "system", "event": "hold", "t": 5}, {"speaker": "system", "event": "resume", "t": 35}]
    t = turns[-1]["t"] + 4
    turns.append({"speaker": "staff", "text": text, "t": t})
    if where == "before_hold":
        turns += [{"speaker": "system", "event": "hold", "t": t + 3},
                  {"speaker": "system", "event": "resume", "t": t + 33}]
    elif where == "before_transfer":
        turns.append({"speaker": "system", "event": "transfer", "t": t + 3})
    obj = {"channel": channel, "turns": turns, "situation": sit}
    if applies.get("complaint"):
        obj["complaint"] = True
    return parse_transcript(obj, where=f"{rule.id} suggestion")


def rule_findings(scorer, rule, text: str, **context):
    """The findings of `rule` when `text` is said as in suggestion_transcript: none for a good suggestion."""
    card = scorer.score(suggestion_transcript(rule, text, **context))
    return [f for f in card.findings if f.rule == rule.id]


def _why(hits) -> str:
    """What the rule says about the suggestion, ending with a full stop."""
    msg = hits[0].message.rstrip()
    span = hits[0].span
    if span and span.get("text") and span["text"] not in msg:
        msg = f"{msg} (at {span['text']!r})"
    return msg if msg.endswith((".", "!", "?")) else msg + "."


def pack_suggestion_problems(scorer) -> list[str]:
    """Every rule suggestion the rule itself flags, as 'file:line: suggestions.n: ...'."""
    out = []
    docs = {}
    for rule in scorer.pack.rules:
        for n, text in enumerate(rule.suggestions):
            hits = rule_findings(scorer, rule, text)
            if not hits:
                continue
            doc = docs.get(rule.path) or docs.setdefault(rule.path, read_yaml(Path(rule.path)))
            out.append(f"{rule.path}:{doc.line('suggestions', n)}: suggestions.{n}: {text!r} breaks {rule.id} "
                       f"itself: {_why(hits)} A suggestion must meet the standard it is shown for "
                       f"({rule.title}); rewrite it like the rule's passing examples.")
    return out


def swap_problems(scorer) -> list[str]:
    """Swaps that can never be shown, as 'file:line: swap <phrase>: ...': a phrase two standards swap (read as the
    same words, each form of them in a language matched on lemmas), of which a reply shows one suggestion only (the
    severer standard's, then the first in the pack: engine.one_swap_per_words), and one phrase written twice in a
    standard (in other capitals or quotes) with different better wordings. Forms of one phrase in one standard
    ("slutsåld", "slutsålt") may each have their own: the form typed picks its own."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    order = {rule.id: n for n, rule in enumerate(scorer.pack.rules)}
    docs = {}

    def where(rule, phrase):
        doc = docs.get(rule.path) or docs.setdefault(rule.path, read_yaml(Path(rule.path)))
        return f"{rule.path}:{doc.line('swap', phrase)}"

    seen: dict[str, tuple] = {}  # the words a swap finds -> (rule, phrase, better) that first swaps them
    written: dict[tuple, tuple] = {}  # (rule id, the phrase as written) -> (phrase, better)
    out = []
    for rule in scorer.pack.rules:
        if rule.type != "substitution":
            continue
        for phrase, better in rule.spec["swap"].items():
            said, instead = written.setdefault((rule.id, swap_form(phrase)), (phrase, better))
            if instead != better:
                out.append(f"{where(rule, phrase)}: swap {phrase!r}: the same phrase as {said!r} "
                           f"({where(rule, said)}), said instead as {instead!r}; {rule.id} can show only one "
                           f"better wording for it: keep one of the two")
            other, said, _ = seen.setdefault(scorer.detector.phrase_key(phrase), (rule, phrase, better))
            if other is rule:
                continue
            kept, lost = sorted((other, rule), key=lambda r: (-rank[r.severity], order[r.id]))
            lost_phrase, kept_phrase = (phrase, said) if lost is rule else (said, phrase)
            out.append(f"{where(lost, lost_phrase)}: swap {lost_phrase!r}: {kept.id} swaps the same words "
                       f"({kept_phrase!r}, {where(kept, kept_phrase)}); a reply's words get one suggestion, "
                       f"{kept.id}'s, so {lost.id}'s is never shown: keep the phrase in the standard it belongs to")
    return out


def scenario_suggestion_problems(scorer, scenario) -> list[str]:
    """A scenario's suggestions for rules the pack does not have, or that the rule itself flags (said in the
    scenario's situation, to its opening): 'file:line: situation.suggestions.<rule id>[.n]: ...' each."""
    own = scenario.situation.suggestions
    if not own:
        return []
    from coach.sim.scenario import MAX_FILE_BYTES, ScenarioError

    doc = read_yaml(Path(scenario.path), ScenarioError, MAX_FILE_BYTES, what="a scenario")
    rules = {r.id: r for r in scorer.pack.rules}
    out = []
    for rid, lines in own.items():
        keys = ("situation", "suggestions", rid)
        rule = rules.get(rid)
        if rule is None:
            near = sorted(difflib.get_close_matches(rid, list(rules), n=3, cutoff=0.5))
            hint = f" (closest: {', '.join(near)})" if near else ""
            out.append(f"{scenario.path}:{doc.line(*keys)}: {'.'.join(keys)}: the pack {scorer.pack.id} has no "
                       f"standard {rid}{hint}; key each entry by the id of the standard its phrasings are for, "
                       f"as `coach standards list` shows them")
            continue
        for n, text in enumerate(lines):
            hits = rule_findings(scorer, rule, text, situation=scenario.situation, channel=scenario.channel,
                                 opening=scenario.openings[0] if scenario.openings else None)
            if hits:
                out.append(f"{scenario.path}:{doc.line(*keys, n)}: {'.'.join(map(str, (*keys, n)))}: {text!r} breaks "
                           f"{rid} itself: {_why(hits)} A suggestion must meet the standard it is shown "
                           f"for ({rule.title}); rewrite it so it does, within this scenario's situation.")
    return out
