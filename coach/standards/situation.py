"""The situation of a practice session, as the session-level standards need it: does the conversation start in
public, must the staff member find out what the customer needs, and what may they offer; and the better
phrasings a scorecard shows for this situation (`suggestions`, rule id -> phrasings), which name its real
limits and options where the pack's own suggestions must fit any conversation.

It comes from the scenario file (`situation:`, bot/scenarios/README.md) and can be given or overridden by a
transcript (`"situation": {...}`), so transcripts of sessions outside the product's scenarios are scored too.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

from pydantic import BaseModel, Field, ValidationError, validator

from coach.standards.schema import Problem, one_of

UNITS = ("%", "£", "$", "€", "₽", "₴", "kr")
RULE_ID = re.compile(r"[A-Z]{2}[0-9]{3}")
PLACEHOLDER = re.compile(r"\[[^\]]*\]")


class Offer(BaseModel):
    """The most that may be offered of one kind: an offer of more is a promise the company cannot keep."""

    what: str = Field(..., min_length=1, description="what is offered, in the message: 'discount', 'goodwill credit'")
    unit: str = Field(..., description="% or a currency sign")
    max: float = Field(..., ge=0)
    words: List[str] = Field(..., min_items=1, description="words near the amount that name this kind of offer")

    class Config:
        extra = "forbid"

    @validator("unit")
    def _unit(cls, v):
        return one_of(v, UNITS)

    @validator("words", each_item=True)
    def _word(cls, v):
        if not v.strip():
            raise ValueError("empty word")
        return v.lower()


class Situation(BaseModel):
    public: bool = Field(False, description="the conversation starts in a public channel (a social-media post)")
    needs_finding: bool = Field(False, description="the staff member must find out what the customer needs")
    offers: List[Offer] = Field(default_factory=list)
    not_allowed: List[str] = Field(default_factory=list, description="promises this situation does not allow "
                                                                        "(phrase templates)")
    suggestions: Dict[str, List[str]] = Field(default_factory=dict, description="rule id -> better phrasings for "
                                                                               "this situation")
    track: Optional[str] = None

    class Config:
        extra = "forbid"

    @validator("suggestions", pre=True)
    def _suggestions(cls, v):
        if v is None:
            return {}
        problems = suggestion_problems(v)
        if problems:
            keys, msg = problems[0]
            raise Problem(msg, *keys)
        return {rid: [lines] if isinstance(lines, str) else list(lines) for rid, lines in v.items()}


def suggestion_problems(value) -> list[tuple[tuple, str]]:
    """What is wrong with a `suggestions` map (rule id -> list of phrasings): (key path, message) per problem.
    Whether each id names a rule of the pack, and whether each phrasing passes that rule, needs the pack and
    the scorer: coach.standards.suggestions checks that."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return [((), f"expected a mapping of rule ids to lists of phrasings (CO017: [\"...\"]), "
                     f"got {type(value).__name__}")]
    out = []
    for rid, lines in value.items():
        if not isinstance(rid, str) or not RULE_ID.fullmatch(rid):
            out.append(((rid,), f"{rid!r} is not a standard's id; expected two capital letters and three digits, "
                                f"as in CO017 (coach standards list shows them all)"))
            continue
        if isinstance(lines, str):
            lines = [lines]
        if not isinstance(lines, list) or not lines:
            out.append(((rid,), f"expected a list of one or more phrasings (text), got {lines!r}"))
            continue
        for n, line in enumerate(lines):
            if not isinstance(line, str) or not line.strip():
                out.append(((rid, n), f"expected a phrasing (text), got {line!r}"))
            elif PLACEHOLDER.search(line):
                out.append(((rid, n), f"{PLACEHOLDER.search(line).group(0)!r} is a placeholder; write the "
                                      f"phrasing as the trainee would say it, with the situation's real details"))
        if len(set(map(str, lines))) != len(lines):
            out.append(((rid,), "the same phrasing is listed twice"))
    return out


class SituationError(ValueError):
    """A situation block that cannot be used: says which key and what is expected."""


def parse_situation(data, where: str) -> Situation:
    if data is None:
        return Situation()
    if not isinstance(data, dict):
        raise SituationError(f"{where}: expected a mapping (public, needs_finding, offers, not_allowed)")
    try:
        return Situation(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in (*first["loc"], *(first.get("ctx") or {}).get("keys", ())))
        raise SituationError(f"{where}.{loc}: {first['msg']}") from None


def merge(base: Situation, override: Situation | None, fields: set[str]) -> Situation:
    """`override`'s explicitly given fields over `base`."""
    if override is None:
        return base
    return base.copy(update={k: getattr(override, k) for k in fields})


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
}
# 1,500.50; 1 500; and a decimal comma, as Latvian, Russian, Ukrainian and Swedish write cents: 6,99; 1 450,50
_DIGITS = (r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d{1,2}(?!\d))?"
           r"|\d+(?:\.\d{1,2}|,\d{1,2}(?!\d))?")
_DECIMAL_COMMA = re.compile(r"[\d \u00a0]+,\d{1,2}")
_NUM = rf"({_DIGITS}|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + ")"
AMOUNT = re.compile(
    rf"(?P<cur>[£$€])\s?(?P<n1>{_DIGITS})"
    rf"|\b(?P<n2>{_NUM})\s?(?P<unit>%|per ?cent\b|pounds?\b|quid\b|euros?\b|dollars?\b|gbp\b|eur\b|usd\b"
    r"|₽|руб(?:\.|л[а-яё]*\b|\b)|процент[а-яё]*\b"
    r"|₴|грн\b|грив[а-яіїєґ]*\b|відсот[а-яіїєґ]*\b"
    r"|kronor\b|krona\b|kr\b\.?|sek\b|procent\w*"
    r"|€|eiro\b)",
    re.I,
)
_UNIT_OF = {"pound": "£", "pounds": "£", "quid": "£", "gbp": "£", "euro": "€", "euros": "€", "eur": "€",
            "dollar": "$", "dollars": "$", "usd": "$", "%": "%", "percent": "%", "per cent": "%", "₽": "₽",
            "₴": "₴", "kr": "kr", "procent": "%", "€": "€"}
# currency words by their stem, every form of the word one unit: roubles «500 руб.», «500 рублей»; hryvnias «500 грн»,
# «500 гривень»; kronor «500 kr», «500 kronor», «500 SEK»; euros «35 €», «35 eiro», «35 EUR»; percent in Swedish and
# Latvian «5 procent», «5 procentu», «5 procentiem»
_UNIT_STEMS = (("руб", "₽"), ("грн", "₴"), ("грив", "₴"), ("kr", "kr"), ("sek", "kr"), ("€", "€"), ("eiro", "€"),
               ("eur", "€"), ("procent", "%"))


def amounts(text: str):
    """(value, unit, start, end) of every amount of money or percentage in a text."""
    for m in AMOUNT.finditer(text):
        if m.group("cur"):
            unit, raw = m.group("cur"), m.group("n1")
        else:
            word = m.group("unit").lower().replace("per cent", "percent").replace("per  cent", "percent")
            word = next((unit for stem, unit in _UNIT_STEMS if word.startswith(stem)), word)
            unit, raw = _UNIT_OF.get(word, _UNIT_OF.get(word.rstrip("s"), "%")), m.group("n2")
        raw = raw.lower()
        if raw in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[raw])
        elif _DECIMAL_COMMA.fullmatch(raw):  # «6,99 €» is six euros ninety-nine, not 699
            value = float(re.sub(r"\s", "", raw).replace(",", "."))
        else:
            value = float(re.sub(r"[,\s]", "", raw))
        yield value, unit, m.start(), m.end()


# words that make an amount a price or a refund of what was paid, not an offer with a limit (unless a situation
# lists them among its offers' words): "with the voucher it comes to £616.55 each" states a price
PRICE_WORDS = {"refund", "refunded", "price", "priced", "cost", "costs", "pay", "paid", "charge", "charged", "fee",
               "worth", "total", "deposit", "bill", "instead of", "was", "now", "only", "for", "comes to", "come to",
               "comes out at", "works out at", "works out to", "down to", "each", "a month", "per month",
               "make it", "makes it", "making it", "bring it to", "brings it to", "bringing it to", "leaves you paying"}


# price words that make an amount a price only when they come before it
PRICE_WORDS_BEFORE = frozenset({"for"})


# an amount followed at once by one of these is what the customer pays, however near an offer's word stands before
# it ("5% off, £1,233.10 in total"); "£100 off in total" is still an offer of £100, "off" comes first
PRICED_AFTER = re.compile(r"[ \t]*(?:in total|total|altogether|all in|all told|each|apiece|a month|per month"
                           r"|a desk|per desk|a unit|per unit|including|inc\.? vat|incl\.? vat)(?![a-z])")


def offer_near(offers, unit, low, start, end, bounds=None, reach=40):
    """The offer named by the word nearest to the amount (within `reach` characters and the amount's sentence,
    `bounds`), in the amount's unit: "a refund of £189 and a £15 voucher" reads each amount with its own word, and
    "The Lite is £499. Two with the voucher..." does not read £499 as a voucher. On a tie an offer's word wins."""
    lo, hi = bounds or (0, len(low))
    lo, hi = max(lo, start - reach), min(hi, end + reach)
    offer_words = {w for offer in offers for w in offer.words}
    best_word, best_d = None, reach + 1
    for word in sorted(offer_words | PRICE_WORDS, key=lambda w: (w not in offer_words, w)):
        for m in re.finditer(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", low[lo:hi]):
            pos, stop = lo + m.start(), lo + m.end()
            if word in PRICE_WORDS_BEFORE and pos >= end and word not in offer_words:
                continue  # "two desks for £900" is a price; "a credit of 30% for the trouble" is still a credit
            d = start - stop if stop <= start else (pos - end if pos >= end else 0)
            if d < best_d:
                best_word, best_d = word, d
    if best_word is None:
        return None
    return next((o for o in offers if best_word in o.words and o.unit == unit), None)
