"""Standards packs: YAML folders of rules, loaded and validated with file:line errors.

The format is documented in standards/README.md. A pack's version is a content hash of its files,
so every scorecard says exactly which standards produced it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

import yaml
from pydantic import BaseModel, Field, root_validator, validator

from coach import yamlload
from coach.behaviors import TAG_SET, TAGS
from coach.standards.schema import Problem, nonempty_text, one_of, validated
from coach.standards.situation import PLACEHOLDER
from coach.vocabulary import CONVERSATION_CHANNELS, SEVERITIES

CATEGORIES = ("phrasing", "telephone", "complaint", "courtesy")
RULE_TYPES = ("avoid", "substitution", "require", "sequence", "conditional", "timing", "limit", "offers", "outcome",
              "voice")
WINDOWS = ("first", "last", "any", "after_complaint", "before_hold", "before_transfer", "after_resume", "in_public",
           "after_customer", "before_customer", "leading_to_transfer")
APPLIES = ("channel", "complaint", "public", "needs_finding", "customer")
TIMING_MEASURES = ("answer", "reply", "hold", "wait")
LIMIT_MEASURES = ("words", "repeat", "caps", "exclamations")
# what a spoken reply is measured on (coach/voice): words a minute, pauses, talking over the caller, loudness
VOICE_MEASURES = ("pace", "dead_air", "talk_over", "loudness")
MAX_FILE_BYTES = 1_000_000
DEFAULT_SEVERITY_FACTORS = {"info": 0.5, "minor": 1.0, "major": 2.0, "critical": 3.0}

DEFAULT_PACK = Path(__file__).resolve().parents[2] / "standards" / "en"


def pack_folder(language: str) -> Path:
    """The standards pack of a language: standards/<language>/."""
    return DEFAULT_PACK.parent / language


@functools.lru_cache(maxsize=1)
def pack_languages() -> tuple[str, ...]:
    """The languages that have a standards pack (a folder of standards/ with pack.yml), read once per process."""
    return tuple(sorted(p.parent.name for p in DEFAULT_PACK.parent.glob("*/pack.yml")))


class PackError(ValueError):
    """A standards pack that cannot be used: names the file, line and key, and what is expected."""


@dataclass
class Rule:
    id: str
    name: str
    title: str
    category: str
    type: str
    severity: str
    weight: float
    message: str
    suggestions: list[str]
    source: str
    spec: dict
    applies: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)
    path: str = ""
    line: int = 0


@dataclass
class Pack:
    id: str
    name: str
    language: str
    version: str
    rules: list[Rule]
    jargon: list[str]
    categories: dict
    path: str
    category_weights: dict = field(default_factory=dict)
    severity_factors: dict = field(default_factory=lambda: dict(DEFAULT_SEVERITY_FACTORS))
    repeat_share: float = 0.5
    repeat_max: float = 3.0
    half_life: float = 60.0
    overlaps: list = field(default_factory=list)  # groups of standard ids one omission misses together
    overlap_share: float = 0.25  # what each further missed standard of a group costs, as a share of its cost

    def rule(self, rule_id):
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


class YamlDoc:
    """A parsed YAML file that can say on which line a key path stands (used for packs and scenarios)."""

    def __init__(self, path: Path, text: str, error_cls=PackError):
        self.path = path
        self.error_cls = error_cls
        self.raw: bytes = text.encode("utf-8")  # read_yaml replaces it with the bytes as read (content hashes)
        try:
            self.node = yamlload.compose(text)
            self.data = yamlload.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            problem = getattr(exc, "problem", None) or str(exc)
            raise error_cls(f"{path}:{line}: not valid YAML: {problem}") from None

    def line(self, *keys):
        node = self.node
        line = node.start_mark.line + 1 if node is not None else 1
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == str(key):
                        line = k.start_mark.line + 1
                        node = v
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def error(self, keys, msg):
        keys = tuple(keys)
        where = ".".join(str(k) for k in keys) if keys else "(top)"
        return self.error_cls(f"{self.path}:{self.line(*keys)}: {where}: {msg}")


_Doc = YamlDoc


def read_yaml(path: Path, error_cls=PackError, max_bytes: int = MAX_FILE_BYTES, what: str = "a rule file") -> YamlDoc:
    """A YAML file as a YamlDoc, refusing what is too big, binary or not UTF-8 with a message saying so."""
    size = path.stat().st_size
    if size > max_bytes:
        raise error_cls(f"{path}:1: file is {size:,} bytes; {what} should be well under {max_bytes:,}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error_cls(f"{path}:1: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    if "\x00" in text[:4096]:
        raise error_cls(f"{path}:1: looks like a binary file; {what} is UTF-8 YAML text")
    doc = YamlDoc(path, text, error_cls=error_cls)
    doc.raw = raw
    return doc


def _read(path: Path) -> YamlDoc:
    return read_yaml(path)


class Scoring(BaseModel):
    """pack.yml `scoring`: how missed standards turn into points lost (engine.py says how)."""

    severity_factors: Dict[str, float] = Field(default_factory=dict)
    repeat_share: float = Field(0.5, ge=0, le=2)
    repeat_max: float = Field(3.0, ge=1, le=10)
    half_life: float = Field(60.0, gt=0, le=1000)
    category_weights: Dict[str, float] = Field(default_factory=dict)
    overlaps: List[List[str]] = Field(default_factory=list)
    overlap_share: float = Field(0.25, ge=0, le=1)

    class Config:
        extra = "forbid"

    @validator("overlaps")
    def _overlaps(cls, v):
        seen: dict = {}
        for group in v:
            if len(group) < 2 or len(set(group)) != len(group):
                raise ValueError(f"{group}: an overlap names two or more different standard ids")
            for rule_id in group:
                if rule_id in seen:
                    raise ValueError(f"{rule_id} is in two overlaps ({seen[rule_id]} and {group}); join them into one")
                seen[rule_id] = group
        return v

    @validator("severity_factors")
    def _severities(cls, v):
        for sev, factor in v.items():
            if sev not in SEVERITIES:
                raise ValueError(f"{sev!r} is not a severity ({', '.join(SEVERITIES)})")
            if not 0 <= factor <= 10:
                raise ValueError(f"{sev}: expected a factor from 0 to 10, got {factor}")
        return v

    @validator("category_weights")
    def _categories(cls, v):
        for cat, w in v.items():
            if cat not in CATEGORIES:
                raise ValueError(f"{cat!r} is not a category ({', '.join(CATEGORIES)})")
            if w <= 0:
                raise ValueError(f"{cat}: expected a positive weight, got {w}")
        return v


class Names:
    """What rules may name: behaviour tags and the staff signals of the pack's language (a staff turn's marks),
    and the customer signals (for `applies.customer`, `after_customer` and `conditional.on: customer`)."""

    def __init__(self, language: str):
        from coach.detect.signals import signal_names

        signals = signal_names(language)
        self.staff = TAG_SET | set(signals["staff"])
        self.customer = set(signals["customer"])
        self._staff_list = list(TAGS) + list(signals["staff"])

    def check(self, value, side="staff", allow_empty=False):
        """`value` as a list of known names; a ValueError says which are unknown and what would be right."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or (not value and not allow_empty) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"expected a list of behaviour tags or signals, got {value!r}")
        known = self.staff if side == "staff" else self.customer
        unknown = [v for v in value if v not in known]
        if unknown:
            listed = self._staff_list if side == "staff" else sorted(self.customer)
            raise ValueError(f"unknown {'behaviour tag or signal' if side == 'staff' else 'customer signal'}(s) "
                             f"{', '.join(unknown)}; expected any of {', '.join(listed)}")
        return list(value)


# the Names of the pack being loaded: the rule models check names against the pack's language
_NAMES: ContextVar[Names] = ContextVar("names")
_MARKS = "a list of behaviour tags or signals"


def _staff_names(cls, v):
    return _NAMES.get().check(v)


def _customer_names(cls, v):
    return _NAMES.get().check(v, side="customer")


def _whole(v, what):
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ValueError(f"expected a whole number of {what}, got {v!r}")
    return v


class _Spec(BaseModel):
    """The type-specific part of a rule; `spec()` is the dict the checks read (only the keys given)."""

    def spec(self) -> dict:
        return self.dict(by_alias=True, exclude_unset=True)


class _Marks(_Spec):
    """The parts of a rule that name marks of staff turns: behaviors (one of), together (all of), except,
    the customer signals they follow, the window of the conversation and how soon (within)."""

    behaviors: List[str] = Field(None, description=_MARKS)
    together: List[str] = None
    except_: List[str] = Field(None, alias="except")
    customer: List[str] = None
    window: str = "any"
    within: int = None

    _staff = validator("behaviors", "together", "except_", pre=True, allow_reuse=True)(_staff_names)
    _customer = validator("customer", pre=True, allow_reuse=True)(_customer_names)

    @validator("window", pre=True)
    def _window(cls, v):
        return one_of(v, WINDOWS)

    @validator("within", pre=True)
    def _within(cls, v):
        return _whole(v, "staff replies")

    @root_validator(skip_on_failure=True)
    def _after_customer(cls, values):
        if values["window"] in ("after_customer", "before_customer") and values.get("customer") is None:
            raise ValueError(f"window {values['window']} needs 'customer': the customer signals it "
                             f"{'follows' if values['window'] == 'after_customer' else 'comes before'}")
        return values

    def spec(self) -> dict:
        return {**super().spec(), "window": self.window}


class _Condition(_Marks):
    """A condition on the session (a rule's `unless`): these marks somewhere in the window."""

    behaviors: List[str] = Field(..., description=_MARKS)

    class Config:
        expected = "a mapping with behaviors and window"


class _Require(_Condition):
    unless: _Condition = None

    def spec(self) -> dict:
        out = super().spec()
        return {**out, "unless": self.unless.spec()} if self.unless is not None else out


class _Avoid(_Marks):
    phrases: List[str] = None
    patterns: list = None
    unless: _Condition = None

    class Config:
        extra = "forbid"
        expected = "a mapping with at least one of behaviors, phrases, patterns"
        unknown_key = "unknown key; expected {sorted}"

    @root_validator(pre=True)
    def _something(cls, values):
        if not set(values) & {"behaviors", "phrases", "patterns"}:
            raise ValueError("expected a mapping with at least one of behaviors, phrases, patterns")
        return values

    @validator("phrases", pre=True)
    def _phrases(cls, ph):
        if not isinstance(ph, list) or not all(isinstance(p, str) and p.strip() for p in ph):
            raise ValueError("expected a list of phrases (text)")
        return ph

    @validator("patterns", pre=True)
    def _patterns(cls, pats):
        if not isinstance(pats, list) or not all(isinstance(p, list) and p and all(isinstance(t, dict) for t in p)
                                                 for p in pats):
            raise ValueError("expected a list of spaCy Matcher patterns (each a list of token mappings)")
        return pats

    def spec(self) -> dict:
        out = super().spec()
        return {**out, "unless": self.unless.spec()} if self.unless is not None else out


class _Substitution(_Spec):
    swap: Dict[str, str] = Field(..., description="a mapping: phrase to avoid -> what to say instead")
    except_: List[str] = Field(None, alias="except")

    _staff = validator("except_", pre=True, allow_reuse=True)(_staff_names)

    @validator("swap", pre=True)
    def _swap(cls, swap):
        if not isinstance(swap, dict) or not swap or not all(isinstance(k, str) and isinstance(v, str)
                                                              for k, v in swap.items()):
            raise ValueError("expected a mapping of phrase to avoid -> what to say instead (both text)")
        return swap


class _Sequence(_Spec):
    steps: List[List[str]] = Field(..., description="a list of two or more steps, each a list of behaviour tags")

    class Config:
        expected = "a mapping with steps"

    @validator("steps", pre=True)
    def _steps(cls, steps):
        if not isinstance(steps, list) or len(steps) < 2:
            raise ValueError("expected a list of two or more steps, each a list of behaviour tags")
        for i, step in enumerate(steps):
            try:
                _NAMES.get().check(step)
            except ValueError as exc:
                raise Problem(str(exc), i) from None
        return [_NAMES.get().check(step) for step in steps]


class _Conditional(_Spec):
    by: str = "staff"
    if_: List[str] = Field(..., alias="if", description=_MARKS)
    then: List[str] = Field(..., description=_MARKS)
    within: int = 0
    before: int = 0  # staff replies before the `if` that may show `then` too (a fix already given)

    class Config:
        expected = "a mapping with if, then and within"

    @validator("by", pre=True)
    def _by(cls, on):
        if on not in ("staff", "customer"):
            raise ValueError(f"{on!r}: expected staff (the default) or customer: who shows the `if` marks")
        return on

    @validator("if_", pre=True)
    def _if(cls, v, values):
        return _NAMES.get().check(v, side=values.get("by", "staff"))

    _then = validator("then", pre=True, allow_reuse=True)(_staff_names)

    @validator("within", pre=True)
    def _within(cls, v):
        return _whole(v, "following staff replies (0 = same reply)")

    @validator("before", pre=True)
    def _before(cls, v):
        return _whole(v, "earlier staff replies")

    def spec(self) -> dict:
        return {"if": self.if_, "then": self.then, "within": self.within, "before": self.before, "by": self.by}


def _measure(choices):
    def check(cls, measure):
        return one_of(measure, choices)
    return check


def _amount(v, positive):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (v <= 0 if positive else v < 0):
        raise ValueError(f"expected a positive number of seconds, got {v!r}" if positive else
                         f"expected a number >= 0, got {v!r}")
    return v


class _Timing(_Spec):
    measure: str = None
    max_seconds: float = None
    excused_by: List[str] = None  # reply: a wait the staff member announced first ("give me three minutes")
    after: List[str] = None  # wait: the staff replies that ask the customer to wait ("One moment.")

    class Config:
        expected = "a mapping with measure and max_seconds"

    _measure = validator("measure", pre=True, always=True, allow_reuse=True)(_measure(TIMING_MEASURES))

    @validator("max_seconds", pre=True, always=True)
    def _max(cls, v):
        return float(_amount(v, positive=True))

    _excused = validator("excused_by", pre=True, allow_reuse=True)(_staff_names)

    @validator("after", pre=True, always=True)
    def _after(cls, v, values):
        if v is None:
            if values.get("measure") == "wait":
                raise ValueError("measure wait needs after: the staff behaviours that ask the customer to wait, "
                                 "e.g. [hold_or_transfer]")
            return None
        return _staff_names(cls, v)

    def spec(self) -> dict:
        out = {"measure": self.measure, "max_seconds": self.max_seconds}
        return {**out, **{k: v for k, v in (("excused_by", self.excused_by), ("after", self.after)) if v}}


class _Limit(_Spec):
    measure: str = None
    max: Any = None

    class Config:
        expected = "a mapping with measure and max"

    _measure = validator("measure", pre=True, always=True, allow_reuse=True)(_measure(LIMIT_MEASURES))

    @validator("max", pre=True, always=True)
    def _max(cls, v):
        return _amount(v, positive=False)

    def spec(self) -> dict:
        return {"measure": self.measure, "max": self.max}


class _Voice(_Spec):
    """A standard on how a spoken reply sounds, with thresholds a company sets: pace (min/max words a minute,
    read on replies of at least min_words), dead_air (a pause inside a reply longer than max seconds), talk_over
    (speaking over the caller's line for longer than max seconds), loudness (too quiet or clipped)."""

    measure: str = None
    min: float = None
    max: float = None
    min_words: int = Field(6, ge=1, le=100)

    class Config:
        expected = "a mapping with measure (pace, dead_air, talk_over, loudness) and its min and/or max"

    _measure = validator("measure", pre=True, always=True, allow_reuse=True)(_measure(VOICE_MEASURES))

    @validator("min", "max", pre=True)
    def _bound(cls, v):
        return None if v is None else float(_amount(v, positive=False))

    @validator("max", always=True)
    def _needs(cls, v, values):
        m = values.get("measure")
        if m == "pace" and v is None and values.get("min") is None:
            raise ValueError("pace needs min and/or max words a minute (e.g. min: 100, max: 170)")
        if m in ("dead_air", "talk_over") and v is None:
            raise ValueError(f"{m} needs max: the longest acceptable, in seconds")
        if m == "pace" and v is not None and values.get("min") is not None and v <= values["min"]:
            raise ValueError(f"max ({v:g}) must be above min ({values['min']:g})")
        return v

    def spec(self) -> dict:
        return {k: v for k, v in {"measure": self.measure, "min": self.min, "max": self.max,
                                  "min_words": self.min_words}.items() if v is not None}


class _Outcome(_Spec):
    unsatisfied: List[str] = Field(..., description="customer signals")
    recorded: List[str] = Field(["escalated", "hung_up"], description="recorded outcomes that count as missed")
    last_turns: int = Field(2, ge=1, le=5, description="how many of the customer's last messages are read")

    class Config:
        expected = "a mapping with unsatisfied (and recorded, last_turns)"

    _customer = validator("unsatisfied", pre=True, allow_reuse=True)(_customer_names)

    @validator("recorded", each_item=True)
    def _outcomes(cls, v):
        if v not in ("escalated", "hung_up"):
            raise ValueError(f"{v!r} is not a recorded outcome of a missed session (escalated, hung_up)")
        return v


# rule type -> (the key holding its settings, their model, what the key holds); substitution's are top-level
SPECS = {
    "avoid": ("avoid", _Avoid, "a mapping with behaviors, phrases and/or patterns"),
    "substitution": (None, _Substitution, None),
    "require": ("require", _Require, "a mapping with behaviors and window"),
    "sequence": ("sequence", _Sequence, "a mapping with steps"),
    "conditional": ("conditional", _Conditional, "a mapping with if, then and within"),
    "timing": ("timing", _Timing, "a mapping with measure and max_seconds"),
    "limit": ("limit", _Limit, "a mapping with measure and max"),
    "outcome": ("outcome", _Outcome, "a mapping with unsatisfied: the customer signals of a bad ending"),
    "voice": ("voice", _Voice, "a mapping with measure (pace, dead_air, talk_over, loudness) and min/max"),
}


_TEXT_CHOICES = {"type": RULE_TYPES, "category": CATEGORIES, "severity": SEVERITIES}


def _text(*choices):
    return Field(..., description=f"one of {', '.join(choices)}" if choices else "text")


def _true_or_false(cls, v):
    if not isinstance(v, bool):
        raise ValueError(f"expected true or false, got {v!r}")
    return v


class _Applies(BaseModel):
    """When a rule applies: the channels, complaints, public conversations, needs-finding, customer signals."""

    channel: List[str] = None
    complaint: bool = None
    public: bool = None
    needs_finding: bool = None
    customer: List[str] = None

    class Config:
        extra = "forbid"
        expected = ("a mapping with channel (list of chat/phone), complaint, public, needs_finding (true/false) "
                    "and/or customer (customer signals)")
        unknown_key = "unknown key; expected channel (list of chat/phone), complaint, public, needs_finding " \
                      "(true/false) and/or customer (customer signals)"

    _flags = validator("complaint", "public", "needs_finding", pre=True, allow_reuse=True)(_true_or_false)
    _customer = validator("customer", pre=True, allow_reuse=True)(_customer_names)

    @validator("channel", pre=True)
    def _channel(cls, v):
        ch = [v] if isinstance(v, str) else v
        if not isinstance(ch, list) or not all(c in CONVERSATION_CHANNELS for c in ch):
            raise ValueError(f"expected a list of chat/phone, got {v!r}")
        return ch


class _Examples(BaseModel):
    pass_: list = Field(None, alias="pass")
    fail: list = None

    class Config:
        expected = "examples with 'pass' and 'fail' lists, two or more each"

    @validator("pass_", "fail", pre=True, always=True)
    def _examples(cls, ex, field):
        if not isinstance(ex, list) or len(ex) < 2:
            raise ValueError(f"expected a list of two or more {field.alias}ing examples")
        for i, item in enumerate(ex):
            if not isinstance(item, (str, dict)):
                raise Problem("an example is a staff reply (text) or a transcript (channel, turns)", i)
        return ex


class _RuleFile(BaseModel):
    """A rule file's common keys (standards/README.md); the type's own settings are a _Spec (SPECS)."""

    id: str = _text()
    type: str = _text(*RULE_TYPES)
    weight: float = None
    suggestions: List[str] = []
    applies: _Applies = None
    examples: _Examples = Field(..., description="examples with 'pass' and 'fail' lists, two or more each")
    name: str = _text()
    title: str = _text()
    category: str = _text(*CATEGORIES)
    severity: str = _text(*SEVERITIES)
    message: str = _text()
    source: str = _text()

    @validator("id", "type", "name", "title", "category", "severity", "message", "source", pre=True)
    def _text(cls, v, field):
        return nonempty_text(v, _TEXT_CHOICES.get(field.name, ()))

    @validator("id")
    def _id(cls, rid):
        if not re.fullmatch(r"[A-Z]{2}\d{3}", rid):
            raise ValueError(f"{rid!r} is not a rule id: two capital letters and three digits, e.g. PH001")
        return rid

    @validator("weight", pre=True, always=True)
    def _weight(cls, w):
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 < w <= 10:
            raise ValueError(f"expected a number from 1 to 10 (points in its category), got {w!r}")
        return w

    @validator("suggestions", pre=True, always=True)
    def _suggestions(cls, suggestions, values):
        suggestions = [suggestions] if isinstance(suggestions, str) else suggestions
        if not isinstance(suggestions, list) or not all(isinstance(s, str) for s in suggestions):
            raise ValueError("expected a list of better phrasings (text)")
        if values.get("type") != "substitution" and not suggestions:
            raise ValueError("missing: give at least one better way to say or do it")
        for n, text in enumerate(suggestions):
            placeholder = PLACEHOLDER.search(text)
            if placeholder:
                raise Problem(f"{placeholder.group(0)!r} is a placeholder; write the phrasing as a trainee would "
                              f"say it in any conversation (\"your reference number\"), standards/README.md: "
                              f"Suggestions", n)
        return suggestions

    @validator("applies", pre=True, always=True)
    def _no_applies(cls, v):
        return v or {}


def _spec(doc, data, rtype) -> dict:
    """The type-specific part of a rule, checked."""
    if rtype == "offers":
        if not isinstance(data.get("offers") or {}, dict) or data.get("offers"):
            raise doc.error(("offers",), "takes no settings: the limits come from the session's situation")
        return {}
    key, model, what = SPECS[rtype]
    if key is None:  # substitution: swap and except are top-level keys
        return validated(doc, model, data).spec()
    if key not in data:
        raise doc.error((), f"missing required key '{key}' ({what})")
    return validated(doc, model, data[key], (key,)).spec()


def _load_rule(path: Path, names: Names) -> Rule:
    doc = _read(path)
    data = doc.data
    if not isinstance(data, dict):
        raise PackError(f"{path}:1: a rule file must be a YAML mapping (id, title, type, ...), "
                        f"got {type(data).__name__}")
    token = _NAMES.set(names)
    try:
        r = validated(doc, _RuleFile, data)
        spec = _spec(doc, data, r.type)
    finally:
        _NAMES.reset(token)
    return Rule(id=r.id, name=r.name, title=r.title, category=r.category, type=r.type, severity=r.severity,
                weight=float(r.weight), message=r.message, suggestions=list(r.suggestions), source=r.source, spec=spec,
                applies=r.applies.dict(exclude_unset=True), examples=data["examples"], path=str(path),
                line=doc.line("id"))


class _Manifest(BaseModel):
    """pack.yml: the pack's id, name and language, how scoring works, its jargon and category names."""

    id: str = Field(..., description="text")
    name: str = Field(..., description="text")
    language: str = Field(..., description="text")
    scoring: Scoring = Field(None, description="a mapping: severity_factors, repeat_share, repeat_max, "
                                               "category_weights")
    jargon: List[Any] = []
    categories: Any = None

    @validator("id", "name", "language", pre=True)
    def _text(cls, v):
        return nonempty_text(v)

    @validator("scoring", pre=True, always=True)
    def _scoring(cls, v):
        return v or {}

    @validator("jargon", pre=True)
    def _jargon(cls, v):
        if not isinstance(v, list) or not all(isinstance(j, (str, int)) for j in v):
            raise ValueError("expected a list of words or abbreviations")
        return v


def pack_version(root: Path) -> str:
    """Content hash of every YAML file of the pack (names and bytes), 12 hex digits."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.yml")) + sorted(root.rglob("*.yaml")):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:12]


def load_pack(root: Path | str = DEFAULT_PACK) -> Pack:
    root = Path(root)
    if not root.is_dir():
        raise PackError(f"{root}: not a folder; a standards pack is a folder with pack.yml and rules/")
    manifest = root / "pack.yml"
    if not manifest.exists():
        raise PackError(f"{manifest}: missing; every pack needs pack.yml with id, name and language")
    doc = _read(manifest)
    if not isinstance(doc.data, dict):
        raise PackError(f"{manifest}:1: expected a mapping with id, name, language, scoring")
    m = validated(doc, _Manifest, doc.data)
    sc = m.scoring
    rule_files = sorted(p for p in (root / "rules").rglob("*") if p.suffix in (".yml", ".yaml"))
    if not rule_files:
        raise PackError(f"{root / 'rules'}: no rule files (*.yml); add one rule per file under rules/<category>/")
    rules, seen = [], {}
    names = Names(m.language)
    for path in rule_files:
        rule = _load_rule(path, names)
        if rule.id in seen:
            raise PackError(f"{path}:{rule.line}: id: {rule.id} is already used by {seen[rule.id]}; "
                            "rule ids must be unique")
        seen[rule.id] = path
        rules.append(rule)
    for group in sc.overlaps:
        unknown = [rule_id for rule_id in group if rule_id not in seen]
        if unknown:
            raise PackError(f"{root / 'pack.yml'}:{doc.line('scoring', 'overlaps')}: scoring.overlaps: no standard "
                            f"{', '.join(unknown)} in {root / 'rules'}; name the ids of the pack's standards")
    return Pack(
        id=m.id,
        name=m.name,
        language=m.language,
        version=pack_version(root),
        rules=rules,
        jargon=[str(j) for j in m.jargon],
        categories=m.categories or {c: c.title() for c in CATEGORIES},
        path=str(root),
        category_weights=dict(sc.category_weights),
        severity_factors={**DEFAULT_SEVERITY_FACTORS, **sc.severity_factors},
        repeat_share=sc.repeat_share,
        repeat_max=sc.repeat_max,
        half_life=sc.half_life,
        overlaps=[list(g) for g in sc.overlaps],
        overlap_share=sc.overlap_share,
    )
