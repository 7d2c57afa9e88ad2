"""The phrase drill: turn a negative staff sentence into a positive one that keeps its meaning.

An answer passes when it keeps the key facts of the prompt (each group of `keys` in bot/drill/prompts.yml),
shows no negative phrasing, blame, dismissal or rudeness (the same detector the scorer uses), and offers
what can be done. The feedback says which of the three failed, with the words at fault, and shows the
model answer. Each language has its prompts file (bot/drill/prompts.yml in English, prompts_<lang>.yml for
the others, `language:` at its top) with its own offer words; the feedback is in the prompt's language
(coach/locale catalogs).
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import List, Tuple

from pydantic import BaseModel, Field, validator

from coach.detect.markup import straighten_quotes
from coach.i18n import say as _say  # the feedback in the prompt's language (coach/locale)
from coach.standards.pack import read_yaml
from coach.standards.schema import Problem, first_repeat, listed, nonempty_text, validated

PROMPTS = Path(__file__).resolve().parents[2] / "bot" / "drill" / "prompts.yml"
NEGATIVE = ("negative_phrasing", "blame", "dismissive", "rude")
OFFERS = ("solution", "next_steps", "offer_help", "hold_or_transfer")
MAX_ANSWER = 600


class DrillError(ValueError):
    """A prompt file or an answer that cannot be used; the message says what would be right."""


@dataclass(frozen=True)
class Prompt:
    id: str
    topic: str
    negative: str
    keys: tuple
    model: str
    also_good: tuple = ()
    bad: tuple = ()
    language: str = "en"
    offer_words: tuple = ()  # the file's words that show an offer ("can", "let me"; «могу», «давайте»)


@dataclass
class DrillResult:
    passed: bool
    kept_meaning: bool
    positive: bool
    offers: bool
    missing: list = field(default_factory=list)  # key groups not found: ["monday | weekday | ..."]
    problems: list = field(default_factory=list)  # [{"behavior", "text", "start", "end"}]
    feedback: list = field(default_factory=list)
    model: str = ""

    def as_dict(self):
        return asdict(self)


class _Prompt(BaseModel):
    """One prompt of bot/drill/prompts.yml: a negative sentence, the facts an answer must keep, a model answer."""

    id: str = Field(..., description="text")
    topic: str = ""
    negative: str = Field(..., description="text")
    keys: Tuple[Tuple[str, ...], ...] = Field(..., description="a list of groups, each a list of words or phrases")
    model: str = Field(..., description="text")
    also_good: Tuple[str, ...] = Field((), description="a list of answers that pass (text)")
    bad: Tuple[str, ...] = Field((), description="a list of answers that fail (text)")

    class Config:
        expected = "a mapping with id, negative, keys and model"

    @validator("id", "negative", "model", pre=True)
    def _text(cls, v):
        return nonempty_text(v).strip()

    @validator("keys", pre=True)
    def _keys(cls, keys, values):
        if not isinstance(keys, list) or not keys or not all(
                isinstance(g, list) and g and all(isinstance(a, (str, int)) for a in g) for g in keys):
            raise ValueError(f"expected a list of groups, each a list of words or phrases (prompt "
                             f"{values.get('id', '?')})")
        return tuple(tuple(str(a).lower() for a in g) for g in keys)

    @validator("also_good", "bad", pre=True)
    def _none(cls, v):
        return v or ()

    def prompt(self, language: str, offer_words: tuple) -> Prompt:
        return Prompt(self.id, self.topic, self.negative, self.keys, self.model, self.also_good, self.bad,
                      language, offer_words)


class _PromptsFile(BaseModel):
    language: str = Field("en", description="a language the detector has (coach/detect/lexicons/<code>/)")
    offer_words: Tuple[str, ...] = Field((), description="a list of words or phrases that show an offer")
    prompts: List[_Prompt] = None

    @validator("language", pre=True, always=True)
    def _language(cls, code):
        from coach.detect.languages import languages

        if code not in languages():
            raise ValueError(f"{code!r} is not a language the detector has; expected one of "
                             f"{', '.join(languages())}")
        return code

    @validator("offer_words", pre=True, always=True)
    def _offer_words(cls, words):
        if words is None or words == ():
            return ()
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ValueError("expected a list of words or phrases that show an offer (text)")
        return tuple(w.strip().lower() for w in words)

    @validator("prompts", pre=True, always=True)
    def _listed(cls, v):
        return listed(v, "'prompts:' with a list of prompts (id, negative, keys, model)")

    @validator("prompts")
    def _unique(cls, prompts):
        repeat = first_repeat(p.id for p in prompts)
        if repeat:
            raise Problem(f"{prompts[repeat[0]].id!r} is used twice; prompt ids must be unique", repeat[0], "id")
        return prompts


def load_prompts(path: Path | str = PROMPTS) -> list[Prompt]:
    """The drill's prompts; a DrillError names file:line: key and what would be right."""
    path = Path(path)
    if not path.is_file():
        raise DrillError(f"{path}: no drill prompts file")
    doc = read_yaml(path, DrillError, what="a drill prompts file")
    if not isinstance(doc.data, dict):
        raise doc.error((), "expected 'prompts:' with a list of prompts (id, negative, keys, model)")
    parsed = validated(doc, _PromptsFile, doc.data)
    return [p.prompt(parsed.language, parsed.offer_words) for p in parsed.prompts]


def load_all_prompts(folder: Path | str = PROMPTS.parent) -> list[Prompt]:
    """The prompts of every language: prompts.yml and prompts_<lang>.yml of the folder; ids are unique across
    them (a session remembers its prompts by id)."""
    out, seen = [], {}
    for path in sorted(Path(folder).glob("prompts*.yml")):
        for p in load_prompts(path):
            if p.id in seen:
                raise DrillError(f"{path}: prompt id {p.id!r} is used in {seen[p.id]} too; ids must be unique")
            seen[p.id] = path.name
            out.append(p)
    if not out:
        raise DrillError(f"{folder}: no drill prompts files (prompts.yml)")
    return out


def _words(text: str) -> set:
    return set(re.findall(r"[^\W_]+(?:'[^\W_]+)*", text))


def _has(text: str, alternative: str) -> bool:
    alt = re.escape(alternative).replace(r"\ ", r"\s+")
    return re.search(rf"(?<![^\W_]){alt}(?![^\W_])", text) is not None


def check_answer(prompt: Prompt, answer: str, detector=None) -> DrillResult:
    from coach.detect import shared_detector

    if not isinstance(answer, str) or not answer.strip():
        raise DrillError("the answer is empty; write how you would say it positively")
    if len(answer) > MAX_ANSWER:
        raise DrillError(f"the answer is {len(answer)} characters; keep it to one or two sentences "
                         f"(at most {MAX_ANSWER})")
    if detector is None or getattr(detector, "language", "en") != prompt.language:
        detector = shared_detector(language=prompt.language)
    det = detector.detect(answer, "")
    low = straighten_quotes(answer).lower()
    missing = [" | ".join(g) for g in prompt.keys if not any(_has(low, a) for a in g)]
    problems = [{"behavior": e.behavior, "text": e.text, "start": e.start, "end": e.end}
                for e in det.spans if e.behavior in NEGATIVE]
    offers = bool(set(det.behaviors) & set(OFFERS)) or any(_has(low, w) for w in prompt.offer_words)
    feedback, lang = [], prompt.language
    said, original = _words(low), _words(straighten_quotes(prompt.negative).lower())
    if said and len(said & original) / len(said | original) >= 0.75:  # the prompt, given back nearly as it was
        problems.append({"behavior": "negative_phrasing", "text": answer.strip(), "start": 0, "end": len(answer)})
    if missing:
        feedback.append(_say(lang, "Keep the facts of the original: say something about {facts}.",
                             facts="; ".join(f"'{m.split(' | ')[0]}'" for m in missing)))
    for p in problems:
        what = {"negative_phrasing": _say(lang, "still says what cannot be done"),
                "blame": _say(lang, "puts the fault on someone"), "dismissive": _say(lang, "brushes the customer off"),
                "rude": _say(lang, "sounds rude")}[p["behavior"]]
        feedback.append(_say(lang, "'{text}' {what}; say what you can do instead.", text=p["text"], what=what))
    if not offers:
        feedback.append(_say(lang, "Offer what can be done: an alternative, a next step or your help."))
    passed = not missing and not problems and offers
    if passed:
        feedback.append(_say(lang, "Well put: positive, and the customer knows what happens."))
    return DrillResult(passed=passed, kept_meaning=not missing, positive=not problems, offers=offers,
                       missing=missing, problems=problems, feedback=feedback, model=prompt.model)


def pick(prompts: list[Prompt], seed: int, n: int = 10, topic: str | None = None,
         language: str = "en") -> list[Prompt]:
    """A round of n prompts in `language`, the same for the same seed."""
    pool = [p for p in prompts if (topic is None or p.topic == topic) and p.language == language]
    if not pool:
        known = sorted({p.language for p in prompts})
        raise DrillError(f"no drill prompts in {language!r} (there are prompts in {', '.join(known)})"
                         if topic is None else f"no prompts on the topic {topic!r} in {language!r}")
    return random.Random(seed).sample(pool, min(n, len(pool)))
