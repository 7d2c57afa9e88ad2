"""Scenarios as data: YAML files of difficult customers, loaded and checked with file:line:key errors.

The format and the simulator's rules are documented in bot/scenarios/README.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Union

from pydantic import BaseModel, Field, root_validator, validator

from coach.behaviors import POOR_PRACTICE, TAG_SET, TAGS
from coach.standards.pack import read_yaml
from coach.standards.schema import Problem, one_of, validated
from coach.standards.situation import Situation
from coach.vocabulary import CONVERSATION_CHANNELS, TRACKS

SCENARIOS = Path(__file__).resolve().parents[2] / "bot" / "scenarios"
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


# the behaviours that carry content: a reply showing one of them has to be about this customer's problem to count
CONTENT_TAGS = ("solution", "next_steps", "hold_or_transfer", "information_request")


@dataclass(frozen=True)
class Need:
    id: str
    by: tuple[str, ...]
    ask: tuple[str, ...]
    needs_time: bool = False
    after: tuple[str, ...] = ()  # the needs whose asks come first: "when will it arrive?" waits for the fix
    # what shows the need is met, in words: any one of these alternatives, each a tuple of word groups that must
    # all be in the reply, each group a tuple of words or word beginnings ("refund", "dispatch" for "dispatched";
    # a number is whole: "15" is not in "155")
    shows: tuple[tuple[tuple[str, ...], ...], ...] = ()

    def named_in(self, text: str, everyday=None) -> bool:
        """Does `text` name what this need is about (one of `shows`)? A need with no content (an apology or
        empathy is enough) is never "named". With `everyday` (a test of a word), only the words of `shows` that are
        not everyday count: "order" or "deliver" fit anyone's case, "vase" or "firing" only this one's."""
        for alt in self.shows:
            groups = [tuple(w for w in g if not everyday(w)) for g in alt] if everyday else alt
            if all(groups) and all(_group(g).search(text) for g in groups):
                return True
        return False


@lru_cache(maxsize=4096)
def _group(words: tuple[str, ...]) -> re.Pattern:
    """A group of words or word beginnings, matched at the start of a word in any alphabet."""
    alts = (re.escape(w) + (r"(?!\d)" if w[-1].isdigit() else "") for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alts) + ")", re.I)  # "£15" is not the start of "£155"


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
    off_topic: list[str]  # what the customer says to an offer that is about another problem
    reactions: dict[str, float]
    reaction_lines: dict[str, list[str]]
    mood_lines: dict[str, list[str]]
    outcomes: dict
    phone: dict = field(default_factory=dict)
    situation: Situation = field(default_factory=Situation)
    language: str = "en"  # the language the customer speaks and the trainee answers in (a detector's folder)
    known_words: frozenset = frozenset()  # every word of the file, lowercase: names the customer has heard of
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
                "customer": self.persona.get("name"), "version": self.version, "language": self.language}


def band_of(mood: float) -> str:
    for name, top in zip(BANDS, BAND_TOPS, strict=False):
        if mood < top:
            return name
    return BANDS[-1]


def _lines(value, minimum=MIN_VARIANTS):
    """`value` as a list of distinct lines of text, at least `minimum`, none of them rude."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"expected a list of lines (text), got {value!r}")
    if len(value) < minimum:
        raise ValueError(f"{len(value)} line(s); at least {minimum} variants are needed so the customer "
                         f"does not repeat itself")
    if len(set(value)) != len(value):
        raise ValueError("the same line is listed twice; every variant must differ")
    for n, line in enumerate(value):
        bad = BANNED.search(line)
        if bad:
            raise Problem(f"{bad.group(0)!r}: the customer never swears or uses slurs; hostile personas can "
                          f"shout, complain and threaten a review instead", n)
    return list(value)


def reaction_lines(react: dict, minimum=MIN_VARIANTS) -> dict:
    """Lines for reactions to poor practice, by behaviour: each a list of `minimum` or more lines (scenarios and
    personas share it)."""
    for tag, v in react.items():
        if tag not in POOR_PRACTICE:
            raise Problem(f"reaction lines are for poor practice ({', '.join(POOR_PRACTICE)})", tag)
        try:
            _lines(v, minimum)
        except Problem as exc:
            raise Problem(str(exc), tag, *exc.keys) from None
        except ValueError as exc:
            raise Problem(str(exc), tag) from None
    return react


def _variants(cls, v):
    return _lines(v)


def _two_or_more(cls, v):
    return _lines(v, minimum=2)


def _number(lo, hi, kind=float, default=...):
    """A number field from lo to hi (whole, for kind int), checked by _Part."""
    what = "a whole number" if kind is int else "a number"
    return Field(default, description=f"{what} from {lo} to {hi}", bounds=(lo, hi, kind))


def _text(*choices):
    """A text field (one of `choices`, when given), checked by _Part."""
    return Field(..., description=f"one of {', '.join(choices)}" if choices else None, choices=choices)


class _Part(BaseModel):
    """A part of a scenario file: its number fields (_number) and text fields (_text) are checked here."""

    @validator("*", pre=True)
    def _checked(cls, v, field):
        extra = field.field_info.extra
        if "bounds" in extra:
            lo, hi, kind = extra["bounds"]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not float(v).is_integer()):
                raise ValueError(f"expected {'a whole number' if kind is int else 'a number'} from {lo} to {hi}, "
                                 f"got {v!r}")
            if not lo <= v <= hi:
                raise ValueError(f"{v} is outside {lo}..{hi}")
            return kind(v)
        if "choices" in extra:
            if not isinstance(v, str) or not v.strip():
                raise ValueError(f"expected text, got {v!r}")
            return (one_of(v, extra["choices"]) if extra["choices"] else v).strip()
        return v


class _Persona(_Part):
    name: str = _text()
    customer_type: str = Field(None, choices=CUSTOMER_TYPES)
    temper: float = _number(0, 1)
    patience: int = _number(2, 50, int)
    styles: Any = None  # more personas of bot/personas/<language>/ (coach/sim/persona.py)
    voice: Any = None  # how the customer sounds on the phone (coach/voice/speak.py, VoiceSettings)

    @validator("styles", pre=True, always=True)
    def _styles(cls, v):
        if v is None:
            return []
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise ValueError("expected a list of persona ids (bot/personas/<language>/<id>.yml)")
        return v

    @validator("voice", pre=True, always=True)
    def _voice(cls, v):
        from coach.voice.speak import VoiceSettings

        if v is None:
            return None
        if not isinstance(v, dict):
            raise ValueError("expected a mapping with engine, voice, pitch and/or rate")
        return VoiceSettings(**v).dict(exclude_none=True)


class _Fact(_Part):
    value: Union[str, int, float] = Field(..., description="what the customer says, e.g. the order number")
    ask: List[str] = Field(..., description="a list of words a staff question about this fact contains")
    say: List[str]

    class Config:
        expected = "a mapping with value, ask and say"

    @validator("ask", pre=True)
    def _ask(cls, ask):
        if not isinstance(ask, list) or not ask or not all(isinstance(a, str) and a.strip() for a in ask):
            raise ValueError("expected a list of words a staff question about this fact contains")
        return [a.lower() for a in ask]

    @validator("say", pre=True)
    def _say(cls, say):
        for n, line in enumerate(_lines(say, minimum=1)):
            if "{value}" not in line:
                raise Problem("a 'say' line must contain {value} where the fact goes", n)
        return say


def _alternatives(shows) -> tuple:
    """`shows` as alternatives of word groups: each alternative is "word|word" or a list of such groups."""
    if not isinstance(shows, list) or not shows:
        raise ValueError("expected a list of what shows this need is met, each item words separated by | or a list "
                         "of such groups that must all be in the reply (e.g. [refund|money back, twice|duplicate])")
    out = []
    for n, alt in enumerate(shows):
        groups = [alt] if isinstance(alt, str) else alt
        if not isinstance(groups, list) or not groups or not all(isinstance(g, str) for g in groups):
            raise Problem(f"expected words separated by | or a list of them, got {alt!r}", n)
        parsed = []
        for g in groups:
            words = tuple(w.strip().lower() for w in g.split("|"))
            if not all(words):
                raise Problem(f"{g!r} has an empty word; separate words with | (refund|money back)", n)
            parsed.append(words)
        out.append(tuple(parsed))
    return tuple(out)


class _Need(_Part):
    id: str = _text()
    by: List[str]
    ask: List[str]
    needs_time: Any = False
    shows: Any = None
    after: Any = None

    class Config:
        expected = "a mapping with id, by, ask and (for a need met by what is offered or asked) shows"

    @validator("shows", pre=True)
    def _shows(cls, shows):
        return None if shows is None else _alternatives(shows)

    @validator("by", pre=True)
    def _by(cls, by):
        by = [by] if isinstance(by, str) else by
        if not isinstance(by, list) or not by or any(b not in TAG_SET for b in by):
            raise ValueError(f"expected a list of behaviour tags ({', '.join(TAGS)}), got {by!r}")
        return by

    _check_ask = validator("ask", pre=True, allow_reuse=True)(_variants)

    def need(self, facts: dict) -> Need:
        shows = self.shows
        if shows is None and "information_request" in self.by:
            # asking for the facts the customer holds is what an information request is about here
            shows = ((tuple(sorted({w for f in facts.values() for w in f.ask})),),) if facts else ()
        return Need(self.id, tuple(self.by), tuple(self.ask), bool(self.needs_time), tuple(self.after or ()),
                    shows or ())


class _MoodLines(_Part):
    """Lines for every band of mood; a missing band is named with all of them."""

    class Config:
        fields = {b: {"description": f"all of {', '.join(BANDS)} are needed"} for b in BANDS}

    furious: List[str]
    angry: List[str]
    annoyed: List[str]
    calm: List[str]
    pleased: List[str]

    _check_lines = validator(*BANDS, pre=True, allow_reuse=True)(_variants)


class _Ending(_Part):
    lines: List[str]

    _check_lines = validator("lines", pre=True, allow_reuse=True)(_two_or_more)


class _Resolved(_Ending):
    min_mood: float = _number(-1, 1)


class _Escalated(_Ending):
    below_mood: float = _number(-1, 1)


class _Outcomes(_Part):
    resolved: _Resolved = Field(..., description="a mapping")
    escalated: _Escalated = Field(..., description="a mapping")
    hung_up: _Ending = Field(..., description="a mapping")


class _Phone(_Part):
    """How patient a caller is; every scenario can be practised on the phone, so all have defaults."""

    answer_within: float = _number(1, 120, default=PHONE_DEFAULTS["answer_within"])
    ring_patience: float = _number(5, 600, default=PHONE_DEFAULTS["ring_patience"])
    hold_patience: float = _number(5, 1800, default=PHONE_DEFAULTS["hold_patience"])
    transfer_resolves: Any = None

    def settings(self, channel: str) -> dict:
        given = self.__fields_set__
        out = {k: getattr(self, k) if k in given else PHONE_DEFAULTS[k] for k in PHONE_DEFAULTS}
        return {**out, "transfer_resolves": bool(self.transfer_resolves if "transfer_resolves" in given
                                                 else channel == "phone")}


class _ScenarioFile(_Part):
    """A scenario file (bot/scenarios/README.md); other top-level keys are ignored."""

    id: str = _text()
    version: Any = None
    language: str = Field("en", description="a language the detector has (coach/detect/lexicons/<code>/)")
    track: str = _text(*TRACKS)
    channel: str = _text(*CONVERSATION_CHANNELS)
    persona: _Persona = Field(..., description="a mapping")
    facts: Dict[str, _Fact] = {}
    needs: List[_Need] = None
    reactions: Dict[str, float] = Field(..., description="a mapping")
    reaction_lines: Dict[str, List[str]] = {}
    mood_lines: _MoodLines = Field(..., description="a mapping")
    outcomes: _Outcomes = Field(..., description="a mapping")
    phone: _Phone = None
    situation: Situation = None
    title: str = _text()
    difficulty: int = _number(1, 3, int)
    hostility: int = _number(0, 2, int, default=0)
    brief: str = _text()
    start_mood: float = _number(-1, 1)
    policy: dict = Field({}, description="a mapping")
    openings: List[str]
    off_topic: List[str] = Field(..., description="lines for an offer about another problem, 3 or more")

    _check_openings = validator("openings", "off_topic", pre=True, allow_reuse=True)(_variants)

    @validator("id")
    def _id(cls, sid):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", sid):
            raise ValueError(f"{sid!r}: use lowercase letters, digits and underscores")
        return sid

    @validator("language", pre=True, always=True)
    def _language(cls, code):
        from coach.detect.languages import languages

        known = languages()
        if code not in known:
            raise ValueError(f"{code!r} is not a language the detector has; expected one of {', '.join(known)}")
        from coach.standards.pack import pack_languages

        if code not in pack_languages():
            raise ValueError(f"{code!r} has no standards pack to score its sessions with (standards/{code}/pack.yml)")
        if not (Path(__file__).resolve().parent / "lines" / f"{code}.yml").exists():
            raise ValueError(f"{code!r} has no customer lines (coach/sim/lines/{code}.yml: copy en.yml and write it "
                             f"in that language)")
        return code

    @validator("persona")
    def _personas(cls, persona, values):
        from coach.sim.persona import PersonaError, load_persona

        language = values.get("language", "en")
        for n, pid in enumerate(persona.styles):
            try:
                load_persona(language, pid)
            except PersonaError as exc:
                raise Problem(str(exc), "styles", n) from None
        return persona

    @validator("version", pre=True, always=True)
    def _version(cls, v):
        if not isinstance(v, (int, str)) or isinstance(v, bool):
            raise ValueError("missing or not a number/text: bump it when the scenario changes")
        return v

    @validator("needs", pre=True, always=True)
    def _needs(cls, needs, values):
        if not isinstance(needs, list) or not needs:
            raise ValueError("expected a list of needs (id, by, ask) the staff must meet")
        seen, content = set(), False
        for n, nd in enumerate(needs):
            nid = nd.get("id") if isinstance(nd, dict) else None
            if isinstance(nid, str) and nid.strip() in seen:
                raise Problem(f"need {nid.strip()!r} is listed twice", n, "id")
            seen.add(nid.strip() if isinstance(nid, str) else nid)
            by = nd.get("by") if isinstance(nd, dict) else None
            by = [by] if isinstance(by, str) else by if isinstance(by, list) else []
            offered = [b for b in by if b in CONTENT_TAGS]
            if not offered or nd.get("shows") is not None:
                content = content or bool(offered)
                continue
            if offered == ["information_request"] and values.get("facts"):
                content = True  # asking about the customer's facts (their `ask` words) meets it
                continue
            raise Problem(f"need {nid!r} is met by {', '.join(offered)} but names no content: add `shows:`, the "
                          f"words that show it is met in this situation (e.g. shows: [refund|money back, "
                          f"twice|duplicate]), so that an offer about another problem does not satisfy the customer",
                          n, "id")
        ids = {nd.get("id") for nd in needs if isinstance(nd, dict)}
        for n, nd in enumerate(needs):
            after = nd.get("after") if isinstance(nd, dict) else None
            if after is not None and (not isinstance(after, list) or any(a not in ids or a == nd.get("id")
                                                                         for a in after)):
                raise Problem(f"expected a list of the other needs' ids ({', '.join(sorted(map(str, ids)))}) whose "
                              f"asks come first, got {after!r}", n, "after")
        if not content:
            raise ValueError("no need names content (what is offered, asked or arranged): at least one need must be "
                             "met by solution, next_steps, hold_or_transfer or information_request with `shows:`")
        return needs

    @validator("policy", pre=True)
    def _policy(cls, policy):
        for key, v in policy.items() if isinstance(policy, dict) else ():
            limit = isinstance(key, str) and key.startswith(("max_", "min_"))  # max_discount_percent: 10
            if limit and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise Problem(f"a limit is a number, got {v!r} (e.g. {key}: 10)", key)
        return policy

    @validator("reactions", pre=True)
    def _reactions(cls, reactions):
        for tag, v in reactions.items() if isinstance(reactions, dict) else ():
            if tag not in TAG_SET:
                raise Problem(f"unknown behaviour tag {tag!r}; expected one of {', '.join(TAGS)}", tag)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not -1 <= v <= 1:
                raise Problem(f"expected a number from -1 to 1, got {v!r}" if isinstance(v, bool) or not
                              isinstance(v, (int, float)) else f"{v} is outside -1..1", tag)
        return reactions

    @validator("reaction_lines", pre=True)
    def _reaction_lines(cls, lines):
        return reaction_lines(lines) if isinstance(lines, dict) else lines

    @root_validator(pre=True)
    def _phone_settings(cls, data):
        if data.get("channel") == "phone" and "phone" not in data:
            raise ValueError("missing required key 'phone' (a mapping: how patient the caller is)")
        return data

    @validator("phone", pre=True, always=True)
    def _phone(cls, phone):
        return {} if phone is None else phone

    @validator("situation", pre=True, always=True)
    def _situation(cls, situation):
        if situation is not None and not isinstance(situation, dict):
            raise ValueError("expected a mapping (public, needs_finding, offers, not_allowed)")
        return situation or {}

    def scenario(self, path: Path, raw: bytes, persona: dict) -> Scenario:
        from coach.sim.persona import load_persona

        outcomes = {name: getattr(self.outcomes, name).dict() for name in ("resolved", "escalated", "hung_up")}
        personas = [load_persona(self.language, pid) for pid in dict.fromkeys(self.persona.styles)]
        reactions, reaction_lines = dict(self.reactions), {t: list(v) for t, v in self.reaction_lines.items()}
        mood_lines = {b: list(getattr(self.mood_lines, b)) for b in BANDS}
        for p in personas:  # a persona's lines join the scenario's; its factors scale the scenario's reactions
            reactions.update({t: reactions[t] * f for t, f in p.reactions.items() if t in reactions})
            for tag, lines in p.react.items():
                reaction_lines.setdefault(tag, []).extend(x for x in lines if x not in reaction_lines[tag])
            for band in BANDS:
                mood_lines[band].extend(x for x in p.mood[band] if x not in mood_lines[band])
        persona = {**persona, "personas": [p.id for p in personas], "voice": self.persona.voice or {},
                   "temper": min(1.0, max(0.0, self.persona.temper + sum(p.temper for p in personas))),
                   "patience": max(2, self.persona.patience + sum(p.patience for p in personas))}
        digest = hashlib.sha256(raw + "".join(p.digest for p in personas).encode()).hexdigest()[:8]
        known = frozenset(re.findall(r"[^\W\d_]+", raw.decode("utf-8").lower()))
        return Scenario(
            id=self.id, version=f"{self.version}@{digest}", title=self.title, known_words=known,
            track=self.track, difficulty=self.difficulty, channel=self.channel, hostility=self.hostility,
            brief=self.brief, persona=persona, start_mood=self.start_mood,
            facts=[Fact(fid, str(f.value), tuple(f.ask), tuple(f.say)) for fid, f in self.facts.items()],
            policy=self.policy, openings=self.openings, needs=[n.need(self.facts) for n in self.needs],
            off_topic=self.off_topic,
            reactions=reactions, reaction_lines=reaction_lines, mood_lines=mood_lines, outcomes=outcomes,
            phone=self.phone.settings(self.channel), situation=self.situation.copy(update={"track": self.track}),
            language=self.language, path=str(path))


def load_scenario(path: Path | str) -> Scenario:
    """A scenario file, checked; a ScenarioError names file:line: key and what would be right."""
    path = Path(path)
    doc = read_yaml(path, ScenarioError, MAX_FILE_BYTES, what="a scenario")
    if not isinstance(doc.data, dict):
        raise ScenarioError(f"{path}:1: expected a mapping with id, title, track, ... (see bot/scenarios/README.md)")
    sc = validated(doc, _ScenarioFile, doc.data)
    if sc.id != path.stem:
        raise doc.error(("id",), f"{sc.id!r} does not match the file name {path.name!r}; name the file {sc.id}.yml")
    return sc.scenario(path, doc.raw, doc.data["persona"])


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
