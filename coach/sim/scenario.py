"""Scenarios as data: YAML files of difficult customers, loaded and checked with file:line:key errors.

The format and the simulator's rules are documented in bot/scenarios/README.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from coach.behaviors import POOR_PRACTICE, TAG_SET, TAGS
from coach.standards.pack import read_yaml
from coach.standards.situation import Situation, SituationError, parse_situation, suggestion_problems

SCENARIOS = Path(__file__).resolve().parents[2] / "bot" / "scenarios"
TRACKS = ("phrasing", "telephone", "complaint")
CHANNELS = ("chat", "phone")
CUSTOMER_TYPES = ("relationship_seeker", "loyal", "relationship_exploiter", "one_time")
BANDS = ("furious", "angry", "annoyed", "calm", "pleased")
BAND_TOPS = (-0.6, -0.2, 0.2, 0.6)  # upper bounds of the first four bands
MIN_VARIANTS = 3
PHONE_DEFAULTS = {"answer_within": 15, "ring_patience": 45, "hold_patience": 60}
MAX_FILE_BYTES = 500_000
# The customer never swears or uses slurs, however hostile the persona: lines are checked at load time.
BANNED = re.compile(r"\b(fuck\w*|shit\w*|cunt\w*|bitch\w*|bastard\w*|whore\w*|slut\w*|retard\w*|twat\w*|"
                    r"wank\w*|dick(head)?s?|prick\w*|arsehole\w*|asshole\w*|moron\w*|idiot\w*)\b", re.I)


class ScenarioError(ValueError):
    """A scenario file that cannot be used: names the file, line and key, and what is expected."""


@dataclass(frozen=True)
class Need:
    id: str
    by: tuple[str, ...]
    ask: tuple[str, ...]
    needs_time: bool = False


@dataclass(frozen=True)
class Fact:
    id: str
    value: str
    ask: tuple[str, ...]
    say: tuple[str, ...]


@dataclass
class Scenario:
    id: str
    version: str  # the declared version and a content hash: "1@3f2a9c01"
    title: str
    track: str
    difficulty: int
    channel: str
    hostility: int
    brief: str
    persona: dict
    start_mood: float
    facts: list[Fact]
    policy: dict
    openings: list[str]
    needs: list[Need]
    reactions: dict[str, float]
    reaction_lines: dict[str, list[str]]
    mood_lines: dict[str, list[str]]
    outcomes: dict
    phone: dict = field(default_factory=dict)
    situation: Situation = field(default_factory=Situation)
    path: str = ""

    @property
    def temper(self) -> float:
        return float(self.persona.get("temper", 0.5))

    @property
    def patience(self) -> int:
        return int(self.persona.get("patience", 8))

    def summary(self) -> dict:
        """What a trainee sees when choosing a scenario."""
        return {"id": self.id, "title": self.title, "track": self.track, "difficulty": self.difficulty,
                "channel": self.channel, "hostility": self.hostility, "brief": self.brief,
                "customer": self.persona.get("name"), "version": self.version}


def band_of(mood: float) -> str:
    for name, top in zip(BANDS, BAND_TOPS):
        if mood < top:
            return name
    return BANDS[-1]


def _lines(doc, value, keys, minimum=MIN_VARIANTS):
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise doc.error(keys, f"expected a list of lines (text), got {value!r}")
    if len(value) < minimum:
        raise doc.error(keys, f"{len(value)} line(s); at least {minimum} variants are needed so the customer "
                              f"does not repeat itself")
    if len(set(value)) != len(value):
        raise doc.error(keys, "the same line is listed twice; every variant must differ")
    for n, line in enumerate(value):
        bad = BANNED.search(line)
        if bad:
            raise doc.error((*keys, n), f"{bad.group(0)!r}: the customer never swears or uses slurs; "
                                        f"hostile personas can shout, complain and threaten a review instead")
    return list(value)


def _number(doc, data, key, keys, lo, hi, kind=float, required=True, default=None):
    if key not in data:
        if required:
            raise doc.error(keys, f"missing required key '{key}' (a number from {lo} to {hi})")
        return default
    v = data[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not float(v).is_integer()):
        raise doc.error((*keys, key), f"expected {'a whole number' if kind is int else 'a number'} from {lo} to {hi}, "
                                      f"got {v!r}")
    if not lo <= v <= hi:
        raise doc.error((*keys, key), f"{v} is outside {lo}..{hi}")
    return kind(v)


def _text(doc, data, key, keys=(), choices=None):
    if key not in data:
        raise doc.error(keys, f"missing required key '{key}'" + (f" (one of {', '.join(choices)})" if choices else ""))
    v = data[key]
    if not isinstance(v, str) or not v.strip():
        raise doc.error((*keys, key), f"expected text, got {v!r}")
    if choices and v not in choices:
        raise doc.error((*keys, key), f"{v!r} is not one of {', '.join(choices)}")
    return v.strip()


def _mapping(doc, data, key, keys=(), required=True):
    if key not in data:
        if required:
            raise doc.error(keys, f"missing required key '{key}' (a mapping)")
        return {}
    v = data[key]
    if not isinstance(v, dict):
        raise doc.error((*keys, key), f"expected a mapping, got {type(v).__name__}")
    return v


def load_scenario(path: Path | str) -> Scenario:
    path = Path(path)
    doc = read_yaml(path, ScenarioError, MAX_FILE_BYTES, what="a scenario")
    raw = doc.raw
    d = doc.data
    if not isinstance(d, dict):
        raise ScenarioError(f"{path}:1: expected a mapping with id, title, track, ... (see bot/scenarios/README.md)")
    sid = _text(doc, d, "id")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
        raise doc.error(("id",), f"{sid!r}: use lowercase letters, digits and underscores")
    if sid != path.stem:
        raise doc.error(("id",), f"{sid!r} does not match the file name {path.name!r}; name the file {sid}.yml")
    if "version" not in d or not isinstance(d["version"], (int, str)) or isinstance(d["version"], bool):
        raise doc.error(("version",), "missing or not a number/text: bump it when the scenario changes")
    track = _text(doc, d, "track", choices=TRACKS)
    channel = _text(doc, d, "channel", choices=CHANNELS)
    persona = _mapping(doc, d, "persona")
    _text(doc, persona, "name", ("persona",))
    if "customer_type" in persona:
        _text(doc, persona, "customer_type", ("persona",), choices=CUSTOMER_TYPES)
    _number(doc, persona, "temper", ("persona",), 0, 1)
    _number(doc, persona, "patience", ("persona",), 2, 50, int)

    facts = []
    for fid, f in _mapping(doc, d, "facts", required=False).items():
        keys = ("facts", fid)
        if not isinstance(f, dict):
            raise doc.error(keys, "expected a mapping with value, ask and say")
        if "value" not in f or not isinstance(f["value"], (str, int, float)):
            raise doc.error(keys, "missing 'value' (what the customer says, e.g. the order number)")
        ask = f.get("ask")
        if not isinstance(ask, list) or not ask or not all(isinstance(a, str) and a.strip() for a in ask):
            raise doc.error((*keys, "ask"), "expected a list of words a staff question about this fact contains")
        say = _lines(doc, f.get("say"), (*keys, "say"), minimum=1)
        for n, line in enumerate(say):
            if "{value}" not in line:
                raise doc.error((*keys, "say", n), "a 'say' line must contain {value} where the fact goes")
        facts.append(Fact(str(fid), str(f["value"]), tuple(a.lower() for a in ask), tuple(say)))

    needs = []
    raw_needs = d.get("needs")
    if not isinstance(raw_needs, list) or not raw_needs:
        raise doc.error(("needs",), "expected a list of needs (id, by, ask) the staff must meet")
    seen = set()
    for n, nd in enumerate(raw_needs):
        keys = ("needs", n)
        if not isinstance(nd, dict):
            raise doc.error(keys, "expected a mapping with id, by and ask")
        nid = _text(doc, nd, "id", keys)
        if nid in seen:
            raise doc.error((*keys, "id"), f"need {nid!r} is listed twice")
        seen.add(nid)
        by = nd.get("by")
        if isinstance(by, str):
            by = [by]
        if not isinstance(by, list) or not by or any(b not in TAG_SET for b in by):
            raise doc.error((*keys, "by"), f"expected a list of behaviour tags ({', '.join(TAGS)}), got {by!r}")
        needs.append(Need(nid, tuple(by), tuple(_lines(doc, nd.get("ask"), (*keys, "ask"))),
                          bool(nd.get("needs_time", False))))

    reactions = {}
    for tag, v in _mapping(doc, d, "reactions").items():
        if tag not in TAG_SET:
            raise doc.error(("reactions", tag), f"unknown behaviour tag {tag!r}; expected one of {', '.join(TAGS)}")
        reactions[tag] = _number(doc, {tag: v}, tag, ("reactions",), -1, 1)
    reaction_lines = {}
    for tag, lines in _mapping(doc, d, "reaction_lines", required=False).items():
        if tag not in POOR_PRACTICE:
            raise doc.error(("reaction_lines", tag), f"reaction lines are for poor practice ({', '.join(POOR_PRACTICE)})")
        reaction_lines[tag] = _lines(doc, lines, ("reaction_lines", tag))
    mood_lines = {}
    ml = _mapping(doc, d, "mood_lines")
    for b in BANDS:
        if b not in ml:
            raise doc.error(("mood_lines",), f"missing band '{b}' (all of {', '.join(BANDS)} are needed)")
        mood_lines[b] = _lines(doc, ml[b], ("mood_lines", b))
    oc = _mapping(doc, d, "outcomes")
    outcomes = {}
    for name in ("resolved", "escalated", "hung_up"):
        o = _mapping(doc, oc, name, ("outcomes",))
        entry = {"lines": _lines(doc, o.get("lines"), ("outcomes", name, "lines"), minimum=2)}
        if name == "resolved":
            entry["min_mood"] = _number(doc, o, "min_mood", ("outcomes", name), -1, 1)
        if name == "escalated":
            entry["below_mood"] = _number(doc, o, "below_mood", ("outcomes", name), -1, 1)
        outcomes[name] = entry
    # every scenario can be practised on the phone; telephone scenarios say how patient the caller is
    p = _mapping(doc, d, "phone", required=channel == "phone")
    dflt = PHONE_DEFAULTS
    phone = {"answer_within": _number(doc, p, "answer_within", ("phone",), 1, 120, required=False,
                                      default=dflt["answer_within"]),
             "ring_patience": _number(doc, p, "ring_patience", ("phone",), 5, 600, required=False,
                                      default=dflt["ring_patience"]),
             "hold_patience": _number(doc, p, "hold_patience", ("phone",), 5, 1800, required=False,
                                      default=dflt["hold_patience"]),
             "transfer_resolves": bool(p.get("transfer_resolves", channel == "phone"))}
    raw_situation = d.get("situation")
    if isinstance(raw_situation, dict):
        for keys, msg in suggestion_problems(raw_situation.get("suggestions"))[:1]:
            raise doc.error(("situation", "suggestions", *keys), msg)
    try:
        situation = parse_situation(raw_situation, "situation")
    except SituationError as exc:
        keys = str(exc).split(":")[0].split(".")
        raise doc.error(tuple(int(k) if k.isdigit() else k for k in keys if k), str(exc).split(": ", 1)[-1]) from None
    situation = situation.copy(update={"track": track})
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return Scenario(
        id=sid, version=f"{d['version']}@{digest}", title=_text(doc, d, "title"), track=track,
        difficulty=_number(doc, d, "difficulty", (), 1, 3, int), channel=channel,
        hostility=_number(doc, d, "hostility", (), 0, 2, int, required=False, default=0),
        brief=_text(doc, d, "brief"), persona=persona, start_mood=_number(doc, d, "start_mood", (), -1, 1),
        facts=facts, policy=_mapping(doc, d, "policy", required=False),
        openings=_lines(doc, d.get("openings"), ("openings",)), needs=needs, reactions=reactions,
        reaction_lines=reaction_lines, mood_lines=mood_lines, outcomes=outcomes, phone=phone,
        situation=situation, path=str(path))


def load_scenarios(folder: Path | str = SCENARIOS) -> dict[str, Scenario]:
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(f"{folder}: no such folder of scenarios")
    out = {}
    for path in sorted(folder.glob("*.yml")):
        sc = load_scenario(path)
        out[sc.id] = sc
    if not out:
        raise ScenarioError(f"{folder}: no scenario files (*.yml); see bot/scenarios/README.md")
    return out
