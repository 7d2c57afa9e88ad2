"""Standards packs: YAML folders of rules, loaded and validated with file:line errors.

The format is documented in standards/README.md. A pack's version is a content hash of its files,
so every scorecard says exactly which standards produced it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from typing import Dict

import yaml
from pydantic import BaseModel, Field, ValidationError, validator

from coach.behaviors import TAG_SET, TAGS
from coach.standards.situation import PLACEHOLDER

CATEGORIES = ("phrasing", "telephone", "complaint", "courtesy")
SEVERITIES = ("info", "minor", "major", "critical")
RULE_TYPES = ("avoid", "substitution", "require", "sequence", "conditional", "timing", "limit", "offers", "outcome")
WINDOWS = ("first", "last", "any", "after_complaint", "before_hold", "before_transfer", "after_resume", "in_public",
           "after_customer")
APPLIES = ("channel", "complaint", "public", "needs_finding", "customer")
TIMING_MEASURES = ("answer", "reply", "hold")
LIMIT_MEASURES = ("words", "repeat", "caps", "exclamations")
MAX_FILE_BYTES = 1_000_000
DEFAULT_SEVERITY_FACTORS = {"info": 0.5, "minor": 1.0, "major": 2.0, "critical": 3.0}

DEFAULT_PACK = Path(__file__).resolve().parents[2] / "standards" / "en"


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
            self.node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
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

    class Config:
        extra = "forbid"

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


def _need(doc, data, key, kind, keys=()):
    if key not in data:
        raise doc.error(keys, f"missing required key '{key}' ({kind})")
    return data[key]


def _str(doc, data, key, keys=(), choices=None, required=True):
    if key not in data:
        if required:
            raise doc.error(keys, f"missing required key '{key}'" + (f" (one of {', '.join(choices)})" if choices else " (text)"))
        return None
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise doc.error((*keys, key), f"expected non-empty text, got {value!r}")
    if choices and value not in choices:
        raise doc.error((*keys, key), f"{value!r} is not one of {', '.join(choices)}")
    return value


class Names:
    """What rules may name: behaviour tags and the staff signals of the pack's language (a staff turn's marks),
    and the customer signals (for `applies.customer`, `after_customer` and `conditional.on: customer`)."""

    def __init__(self, language: str):
        from coach.detect.signals import signal_names

        signals = signal_names(language)
        self.staff = TAG_SET | set(signals["staff"])
        self.customer = set(signals["customer"])
        self._staff_list = list(TAGS) + list(signals["staff"])

    def check(self, doc, value, keys, side="staff", allow_empty=False):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or (not value and not allow_empty) or not all(isinstance(v, str) for v in value):
            raise doc.error(keys, f"expected a list of behaviour tags or signals, got {value!r}")
        known = self.staff if side == "staff" else self.customer
        unknown = [v for v in value if v not in known]
        if unknown:
            listed = self._staff_list if side == "staff" else sorted(self.customer)
            raise doc.error(keys, f"unknown {'behaviour tag or signal' if side == 'staff' else 'customer signal'}(s) "
                                  f"{', '.join(unknown)}; expected any of {', '.join(listed)}")
        return list(value)


def _marks(doc, spec, where, names, required=("behaviors",)):
    """The parts of a rule that name marks of staff turns: behaviors (one of), together (all of), except."""
    out = {}
    for key in ("behaviors", "together", "except"):
        if key in spec:
            out[key] = names.check(doc, spec[key], (*where, key))
        elif key in required:
            raise doc.error(where, f"missing '{key}' (a list of behaviour tags or signals)")
    if "customer" in spec:
        out["customer"] = names.check(doc, spec["customer"], (*where, "customer"), side="customer")
    window = spec.get("window", "any")
    if window not in WINDOWS:
        raise doc.error((*where, "window"), f"{window!r} is not one of {', '.join(WINDOWS)}")
    if window == "after_customer" and "customer" not in out:
        raise doc.error(where, "window after_customer needs 'customer': the customer signals it follows")
    out["window"] = window
    if "within" in spec:
        within = spec["within"]
        if not isinstance(within, int) or isinstance(within, bool) or within < 0:
            raise doc.error((*where, "within"), f"expected a whole number of staff replies, got {within!r}")
        out["within"] = within
    return out


def _validate_spec(doc, data, rtype, names):
    """Return the type-specific part of a rule, checked."""
    if rtype == "avoid":
        spec = _need(doc, data, "avoid", "a mapping with behaviors, phrases and/or patterns")
        if not isinstance(spec, dict) or not (set(spec) & {"behaviors", "phrases", "patterns"}):
            raise doc.error(("avoid",), "expected a mapping with at least one of behaviors, phrases, patterns")
        allowed = {"behaviors", "phrases", "patterns", "together", "except", "window", "customer", "within", "unless"}
        unknown = set(spec) - allowed
        if unknown:
            raise doc.error(("avoid",), f"unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(allowed))}")
        out = _marks(doc, spec, ("avoid",), names, required=())
        if "unless" in spec:
            if not isinstance(spec["unless"], dict):
                raise doc.error(("avoid", "unless"), "expected a mapping with behaviors (and together, window)")
            out["unless"] = _marks(doc, spec["unless"], ("avoid", "unless"), names)
        if "phrases" in spec:
            ph = spec["phrases"]
            if not isinstance(ph, list) or not all(isinstance(p, str) and p.strip() for p in ph):
                raise doc.error(("avoid", "phrases"), "expected a list of phrases (text)")
            out["phrases"] = ph
        if "patterns" in spec:
            pats = spec["patterns"]
            if not isinstance(pats, list) or not all(isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in pats):
                raise doc.error(("avoid", "patterns"), "expected a list of spaCy Matcher patterns (each a list of token mappings)")
            out["patterns"] = pats
        return out
    if rtype == "substitution":
        swap = _need(doc, data, "swap", "a mapping: phrase to avoid -> what to say instead")
        if not isinstance(swap, dict) or not swap or not all(isinstance(k, str) and isinstance(v, str) for k, v in swap.items()):
            raise doc.error(("swap",), "expected a mapping of phrase to avoid -> what to say instead (both text)")
        out = {"swap": swap}
        if "except" in data:
            out["except"] = names.check(doc, data["except"], ("except",))
        return out
    if rtype == "require":
        spec = _need(doc, data, "require", "a mapping with behaviors and window")
        if not isinstance(spec, dict):
            raise doc.error(("require",), "expected a mapping with behaviors and window")
        return _marks(doc, spec, ("require",), names)
    if rtype == "sequence":
        spec = _need(doc, data, "sequence", "a mapping with steps")
        steps = spec.get("steps") if isinstance(spec, dict) else None
        if not isinstance(steps, list) or len(steps) < 2:
            raise doc.error(("sequence", "steps"), "expected a list of two or more steps, each a list of behaviour tags")
        return {"steps": [names.check(doc, step, ("sequence", "steps", i)) for i, step in enumerate(steps)]}
    if rtype == "conditional":
        spec = _need(doc, data, "conditional", "a mapping with if, then and within")
        if not isinstance(spec, dict):
            raise doc.error(("conditional",), "expected a mapping with if, then and within")
        on = spec.get("by", "staff")
        if on not in ("staff", "customer"):
            raise doc.error(("conditional", "by"), f"{on!r}: expected staff (the default) or customer: who shows the `if` marks")
        cond = names.check(doc, _need(doc, spec, "if", "behaviour tags or signals", ("conditional",)), ("conditional", "if"),
                           side=on)
        then = names.check(doc, _need(doc, spec, "then", "behaviour tags or signals", ("conditional",)),
                           ("conditional", "then"))
        within = spec.get("within", 0)
        if not isinstance(within, int) or isinstance(within, bool) or within < 0:
            raise doc.error(("conditional", "within"), f"expected a whole number of following staff replies (0 = same reply), got {within!r}")
        return {"if": cond, "then": then, "within": within, "by": on}
    if rtype == "timing":
        spec = _need(doc, data, "timing", "a mapping with measure and max_seconds")
        if not isinstance(spec, dict):
            raise doc.error(("timing",), "expected a mapping with measure and max_seconds")
        measure = spec.get("measure")
        if measure not in TIMING_MEASURES:
            raise doc.error(("timing", "measure"), f"{measure!r} is not one of {', '.join(TIMING_MEASURES)}")
        mx = spec.get("max_seconds")
        if isinstance(mx, bool) or not isinstance(mx, (int, float)) or mx <= 0:
            raise doc.error(("timing", "max_seconds"), f"expected a positive number of seconds, got {mx!r}")
        return {"measure": measure, "max_seconds": float(mx)}
    if rtype == "limit":
        spec = _need(doc, data, "limit", "a mapping with measure and max")
        if not isinstance(spec, dict):
            raise doc.error(("limit",), "expected a mapping with measure and max")
        measure = spec.get("measure")
        if measure not in LIMIT_MEASURES:
            raise doc.error(("limit", "measure"), f"{measure!r} is not one of {', '.join(LIMIT_MEASURES)}")
        mx = spec.get("max")
        if isinstance(mx, bool) or not isinstance(mx, (int, float)) or mx < 0:
            raise doc.error(("limit", "max"), f"expected a number >= 0, got {mx!r}")
        return {"measure": measure, "max": mx}
    if rtype == "offers":
        spec = data.get("offers") or {}
        if not isinstance(spec, dict) or spec:
            raise doc.error(("offers",), "takes no settings: the limits come from the session's situation")
        return {}
    if rtype == "outcome":
        spec = _need(doc, data, "outcome", "a mapping with unsatisfied: the customer signals of a bad ending")
        if not isinstance(spec, dict):
            raise doc.error(("outcome",), "expected a mapping with unsatisfied")
        return {"unsatisfied": names.check(doc, _need(doc, spec, "unsatisfied", "customer signals", ("outcome",)),
                                           ("outcome", "unsatisfied"), side="customer")}
    raise AssertionError(rtype)


def _load_rule(path: Path, names: Names) -> Rule:
    doc = _read(path)
    data = doc.data
    if not isinstance(data, dict):
        raise PackError(f"{path}:1: a rule file must be a YAML mapping (id, title, type, ...), got {type(data).__name__}")
    rid = _str(doc, data, "id")
    if not re.fullmatch(r"[A-Z]{2}\d{3}", rid):
        raise doc.error(("id",), f"{rid!r} is not a rule id: two capital letters and three digits, e.g. PH001")
    rtype = _str(doc, data, "type", choices=RULE_TYPES)
    weight = data.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise doc.error(("weight",), f"expected a number from 1 to 10 (points in its category), got {weight!r}")
    suggestions = data.get("suggestions", [])
    if isinstance(suggestions, str):
        suggestions = [suggestions]
    if not isinstance(suggestions, list) or not all(isinstance(s, str) for s in suggestions):
        raise doc.error(("suggestions",), "expected a list of better phrasings (text)")
    if rtype not in ("substitution",) and not suggestions:
        raise doc.error(("suggestions",), "missing: give at least one better way to say or do it")
    for n, text in enumerate(suggestions):
        placeholder = PLACEHOLDER.search(text)
        if placeholder:
            raise doc.error(("suggestions", n), f"{placeholder.group(0)!r} is a placeholder; write the phrasing as "
                                                f"a trainee would say it in any conversation (\"your reference "
                                                f"number\"), standards/README.md: Suggestions")
    applies = data.get("applies") or {}
    if not isinstance(applies, dict) or set(applies) - set(APPLIES):
        raise doc.error(("applies",), "expected a mapping with channel (list of chat/phone), complaint, public, "
                                      "needs_finding (true/false) and/or customer (customer signals)")
    for key in ("public", "needs_finding"):
        if key in applies and not isinstance(applies[key], bool):
            raise doc.error(("applies", key), f"expected true or false, got {applies[key]!r}")
    if "customer" in applies:
        applies = {**applies, "customer": names.check(doc, applies["customer"], ("applies", "customer"), side="customer")}
    if "channel" in applies:
        ch = applies["channel"]
        ch = [ch] if isinstance(ch, str) else ch
        if not isinstance(ch, list) or not all(c in ("chat", "phone") for c in ch):
            raise doc.error(("applies", "channel"), f"expected a list of chat/phone, got {applies['channel']!r}")
        applies = {**applies, "channel": ch}
    if "complaint" in applies and not isinstance(applies["complaint"], bool):
        raise doc.error(("applies", "complaint"), f"expected true or false, got {applies['complaint']!r}")
    examples = data.get("examples")
    if not isinstance(examples, dict):
        raise doc.error(("examples",), "missing: give examples with 'pass' and 'fail' lists (two or more each)")
    for kind in ("pass", "fail"):
        ex = examples.get(kind)
        if not isinstance(ex, list) or len(ex) < 2:
            raise doc.error(("examples", kind), f"expected a list of two or more {kind}ing examples")
        for i, item in enumerate(ex):
            if not isinstance(item, (str, dict)):
                raise doc.error(("examples", kind, i), "an example is a staff reply (text) or a transcript (channel, turns)")
    return Rule(
        id=rid,
        name=_str(doc, data, "name"),
        title=_str(doc, data, "title"),
        category=_str(doc, data, "category", choices=CATEGORIES),
        type=rtype,
        severity=_str(doc, data, "severity", choices=SEVERITIES),
        weight=float(weight),
        message=_str(doc, data, "message"),
        suggestions=list(suggestions),
        source=_str(doc, data, "source"),
        spec=_validate_spec(doc, data, rtype, names),
        applies=applies,
        examples=examples,
        path=str(path),
        line=doc.line("id"),
    )


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
    data = doc.data
    if not isinstance(data, dict):
        raise PackError(f"{manifest}:1: expected a mapping with id, name, language, scoring")
    pid = _str(doc, data, "id")
    name = _str(doc, data, "name")
    language = _str(doc, data, "language")
    scoring = data.get("scoring") or {}
    if not isinstance(scoring, dict):
        raise doc.error(("scoring",), "expected a mapping: severity_factors, repeat_share, repeat_max, category_weights")
    try:
        sc = Scoring(**scoring)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise doc.error(("scoring", *first["loc"]), first["msg"]) from None
    jargon = data.get("jargon", [])
    if not isinstance(jargon, list) or not all(isinstance(j, (str, int)) for j in jargon):
        raise doc.error(("jargon",), "expected a list of words or abbreviations")
    categories = data.get("categories") or {c: c.title() for c in CATEGORIES}
    rule_files = sorted(p for p in (root / "rules").rglob("*") if p.suffix in (".yml", ".yaml"))
    if not rule_files:
        raise PackError(f"{root / 'rules'}: no rule files (*.yml); add one rule per file under rules/<category>/")
    rules, seen = [], {}
    names = Names(language)
    for path in rule_files:
        rule = _load_rule(path, names)
        if rule.id in seen:
            raise PackError(f"{path}:{rule.line}: id: {rule.id} is already used by {seen[rule.id]}; rule ids must be unique")
        seen[rule.id] = path
        rules.append(rule)
    return Pack(
        id=pid,
        name=name,
        language=language,
        version=pack_version(root),
        rules=rules,
        jargon=[str(j) for j in jargon],
        categories=categories,
        path=str(root),
        category_weights=dict(sc.category_weights),
        severity_factors={**DEFAULT_SEVERITY_FACTORS, **sc.severity_factors},
        repeat_share=sc.repeat_share,
        repeat_max=sc.repeat_max,
        half_life=sc.half_life,
    )
