"""Personas: customer types from the source documents' typology (SOURCES.md section 5) that change how any
scenario's customer reacts and what it says, as data: bot/personas/<language>/<id>.yml.

A scenario's `persona.customer_type` (relationship_seeker, loyal, relationship_exploiter, one_time) names one, and
`persona.styles` may add others (newcomer, growing, lost, vip; bad_mood, long_caller, threatener, know_it_all,
shouter). Each shifts the temper and patience, scales the reactions to some behaviours, and adds six or more lines
to every move (mood bands, reactions to poor practice). The format is in
bot/personas/README.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

from pydantic import BaseModel, Field, validator

from coach.behaviors import TAG_SET
from coach.sim.scenario import BANDS, _lines, reaction_lines
from coach.standards.pack import read_yaml
from coach.standards.schema import Problem, validated

PERSONAS = Path(__file__).resolve().parents[2] / "bot" / "personas"
KINDS = ("customer_type", "activity", "difficult")
MIN_PERSONA_VARIANTS = 6
MAX_FILE_BYTES = 200_000


class PersonaError(ValueError):
    """A persona file that cannot be used, or a persona that does not exist (file, line and key named)."""


@dataclass(frozen=True)
class Persona:
    id: str
    language: str
    kind: str
    about: str
    temper: float  # added to the scenario's
    patience: int  # added to the scenario's
    reactions: dict  # behaviour -> factor on the scenario's reaction
    mood: dict  # band -> lines
    react: dict  # poor behaviour -> lines
    digest: str  # of the file, part of the scenario's version


def _six(value):
    return _lines(value, minimum=MIN_PERSONA_VARIANTS)


class _Mood(BaseModel):
    furious: List[str]
    angry: List[str]
    annoyed: List[str]
    calm: List[str]
    pleased: List[str]

    class Config:
        extra = "forbid"

    _check = validator(*BANDS, pre=True, allow_reuse=True)(lambda cls, v: _six(v))


class _Lines(BaseModel):
    mood: _Mood
    react: Dict[str, List[str]]

    class Config:
        extra = "forbid"

    @validator("react", pre=True)
    def _react(cls, react):
        if not isinstance(react, dict):
            raise ValueError("expected a mapping of poor behaviours to lines")
        return reaction_lines(react, MIN_PERSONA_VARIANTS)


class _PersonaFile(BaseModel):
    id: str
    language: str
    kind: str
    about: str = Field(..., min_length=1)
    temper: float = Field(0.0, ge=-0.5, le=0.5)
    patience: int = Field(0, ge=-5, le=10)
    reactions: Dict[str, float] = Field(default_factory=dict)
    lines: _Lines

    class Config:
        extra = "forbid"

    @validator("kind")
    def _kind(cls, v):
        if v not in KINDS:
            raise ValueError(f"{v!r} is not one of {', '.join(KINDS)}")
        return v

    @validator("reactions")
    def _reactions(cls, v):
        for tag, factor in v.items():
            if tag not in TAG_SET:
                raise Problem(f"unknown behaviour tag {tag!r}", tag)
            if not 0 <= factor <= 3:
                raise Problem(f"{factor} is outside 0..3 (a factor on the scenario's reaction)", tag)
        return v


def persona_ids(language: str) -> list[str]:
    return sorted(p.stem for p in (PERSONAS / language).glob("*.yml"))


@lru_cache(maxsize=None)
def load_persona(language: str, pid: str) -> Persona:
    """A persona of a language; a PersonaError says which exist when it does not, or what is wrong in its file."""
    path = PERSONAS / language / f"{pid}.yml"
    if not path.exists():
        known = persona_ids(language)
        raise PersonaError(f"no persona {pid!r} in {language!r}; expected one of {', '.join(known) or 'none'} "
                           f"(bot/personas/{language}/)")
    doc = read_yaml(path, PersonaError, MAX_FILE_BYTES, what="a persona")
    if not isinstance(doc.data, dict):
        raise PersonaError(f"{path}:1: expected a mapping with id, language, kind, about and lines")
    p = validated(doc, _PersonaFile, doc.data)
    if p.id != pid or p.language != language:
        raise doc.error(("id",), f"{p.id!r} ({p.language}) does not match the file bot/personas/{language}/{pid}.yml")
    lines = p.lines
    return Persona(pid, language, p.kind, p.about, p.temper, p.patience, dict(p.reactions),
                   {b: tuple(getattr(lines.mood, b)) for b in BANDS}, {t: tuple(v) for t, v in lines.react.items()},
                   hashlib.sha256(doc.raw).hexdigest()[:8])
