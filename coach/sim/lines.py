"""What any customer says in a language whatever the scenario, and how a promised length of time is read in it:
coach/sim/lines/<language>.yml, checked when first read (file and key named in the error)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coach import yamlload
from coach.sim.scenario import MIN_VARIANTS, ScenarioError

LINES = Path(__file__).resolve().parent / "lines"


@dataclass(frozen=True)
class CustomerLines:
    language: str
    duration: re.Pattern  # a promised length of time: groups `n` (the number) and `unit`
    numbers: dict  # number words -> numbers
    units: dict  # a unit's other spellings -> the unit
    contradiction: tuple  # said when the trainee gives another length of time: {before}, {now}
    address: re.Pattern | None = None  # how staff address a customer by name: group `name`
    not_names: frozenset = frozenset()  # words the address pattern finds that are not names
    wrong_name: tuple = ()  # said when the staff call the customer by another name: {name}
    brush_off: tuple = ()  # said at the second brush-off in a row (a reply that promises or soothes, and says nothing)
    introduces: tuple = ()  # how staff give their own name: patterns with the group `name` (a name the customer may
    # not know without being confused)
    everyday: frozenset = frozenset()  # beginnings of words any customer's case uses ("order", "deliver", «заказ»):
    # they name no one's situation in particular
    beyond_policy: tuple = ()  # said, pleasantly surprised, to an offer beyond what the situation allows: {amount}
    still_open: tuple = ()  # said once to the staff's goodbye while a need is still open
    goodbye: tuple = ()  # said to the staff's goodbye otherwise
    acknowledgements: frozenset = frozenset()  # words that only acknowledge ("okay", «хорошо»): one such opening
    # in a message is enough
    still_off: tuple = ()  # said, briefly, to a reply that is still not about its case after it noticed a mix-up
    wait_ok: tuple = ()  # said when the staff ask it to hold on or to be put through: it agrees
    fixes: tuple = ()  # word beginnings that do or offer something ("will", "can", "refund", «могу»): a reply read as a
    # fix with none of them only explains what went wrong
    farewell: tuple = ()  # words that say goodbye ("bye", "have a good day"): a reply whose last sentence has one ends
    beyond_policy_upset: tuple = ()  # said instead while annoyed or worse: it takes it grudgingly ({amount})
    beyond_policy_by: dict = None  # a persona or customer type -> its own lines for it ({amount}): a haggler pushes on
    held_to: tuple = ()  # said after noticing an offered amount that dropped: it holds the trainee to the first
    # ({before}) instead of going on to its next question
    first_offer_by: dict = None  # a persona or customer type -> what it says to the first fix offered: a haggler takes
    # it as a start and pushes on
    stonewalled: tuple = ()  # said instead of a third question in a row to replies that moved nothing: it says it is
    # getting nowhere rather than rephrasing the same question again

    def own_names(self, text: str) -> set[str]:
        """The names the trainee introduces themself (or a colleague) by in `text`."""
        return {m.group("name") for p in self.introduces for m in p.finditer(text)}

    def is_everyday(self, word: str) -> bool:
        """Is `word` one any customer's case uses (it begins with an everyday word)?"""
        low = word.lower()
        return any(low == w if len(w) <= 2 else low.startswith(w) for w in self.everyday)

    def wrong_names(self, text: str, names) -> list[str]:
        """The names `text` addresses the customer by that are none of `names` (alike in their first three
        letters counts as the same: Ольга, Оля)."""
        if self.address is None:
            return []
        mine = {n.lower()[:3] for n in names}
        found = (m.group("name") for m in self.address.finditer(text))
        return [n for n in found if n.lower() not in self.not_names and n.lower()[:3] not in mine]

    def durations(self, text: str) -> list[tuple[str, int, str, int]]:
        """Every length of time in `text`: (unit, number, the words as written, where it starts)."""
        out = []
        for m in self.duration.finditer(text):
            raw = m.group("n").lower()
            n = int(raw) if raw.isdigit() else self.numbers.get(raw)
            if n is not None:
                unit = m.group("unit").lower()
                out.append((self.units.get(unit, unit), n, m.group(0), m.start()))
        return out


@lru_cache(maxsize=None)
def customer_lines(language: str) -> CustomerLines:
    path = LINES / f"{language}.yml"
    if not path.exists():
        raise ScenarioError(f"{path}: no customer lines for language {language!r}; copy lines/en.yml and write it "
                            f"in that language")
    with open(path, encoding="utf-8") as fh:
        doc = yamlload.safe_load(fh)
    if not isinstance(doc, dict):
        raise ScenarioError(f"{path}:1: expected a mapping with duration, numbers and contradiction")
    try:
        duration = re.compile(doc.get("duration", ""), re.I)
    except re.error as exc:
        raise ScenarioError(f"{path}: duration: not a regular expression ({exc})") from None
    if not {"n", "unit"} <= set(duration.groupindex):
        raise ScenarioError(f"{path}: duration: needs the groups (?P<n>...) and (?P<unit>...)")
    said = doc.get("contradiction")
    if not isinstance(said, list) or len(said) < MIN_VARIANTS or not all(
            isinstance(x, str) and "{before}" in x and "{now}" in x for x in said):
        raise ScenarioError(f"{path}: contradiction: expected {MIN_VARIANTS} or more lines, each with {{before}} "
                            f"and {{now}}")
    numbers, units = doc.get("numbers") or {}, doc.get("units") or {}
    if not isinstance(numbers, dict) or not all(isinstance(v, int) for v in numbers.values()):
        raise ScenarioError(f"{path}: numbers: expected a mapping of number words to whole numbers")
    address, wrong = None, tuple(doc.get("wrong_name") or ())
    if doc.get("address"):
        try:
            address = re.compile(doc["address"], re.M)
        except re.error as exc:
            raise ScenarioError(f"{path}: address: not a regular expression ({exc})") from None
        if "name" not in address.groupindex or len(wrong) < MIN_VARIANTS or not all(
                isinstance(x, str) and "{name}" in x for x in wrong):
            raise ScenarioError(f"{path}: address needs the group (?P<name>...) and wrong_name {MIN_VARIANTS} or "
                                f"more lines, each with {{name}}")
    return CustomerLines(language, duration, {str(k).lower(): v for k, v in numbers.items()},
                         {str(k).lower(): str(v).lower() for k, v in dict(units).items()}, tuple(said), address,
                         frozenset(str(w).lower() for w in doc.get("not_names") or ()), wrong, *_listening(path, doc),
                         *_answers(path, doc), *_surprise(path, doc),
                         _line_list(path, doc, "held_to", "{before}", "each with {before}: said after an offered "
                                                                      "amount dropped, holding the trainee to it"),
                         _by_kind(path, doc, "first_offer_by", None),
                         _line_list(path, doc, "stonewalled", None, "no placeholders: said instead of a third "
                                                                    "question in a row to replies that moved nothing"))


def words_of(text: str) -> str:
    """`text` as lowercase words in any alphabet, joined by spaces: how replies, lines and listed words compare."""
    return " ".join(re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.lower().replace("’", "'")))


def _line_list(path: Path, doc: dict, key: str, fill: str | None, what: str) -> tuple:
    """A list of at least MIN_VARIANTS customer lines, each with the placeholder `fill` (or with none)."""
    said = doc.get(key)
    if not isinstance(said, list) or len(said) < MIN_VARIANTS or not all(
            isinstance(x, str) and x.strip() and (fill in x if fill else "{" not in x) for x in said):
        raise ScenarioError(f"{path}: {key}: expected {MIN_VARIANTS} or more lines, {what}")
    return tuple(said)


def _word_list(path: Path, doc: dict, key: str, what: str) -> list[str]:
    """A non-empty list of words or phrases."""
    listed = doc.get(key)
    if not isinstance(listed, list) or not listed or not all(isinstance(w, str) and w.strip() for w in listed):
        raise ScenarioError(f"{path}: {key}: expected a list of {what}")
    return listed


def _answers(path: Path, doc: dict) -> tuple:
    """What any customer says to an offer beyond the limits, to the staff's goodbye, to a reply still not about its
    case and to being asked to hold on; the words that only acknowledge and those that say goodbye. Returns
    (beyond_policy, still_open, goodbye, acknowledgements, still_off, wait_ok, fixes, farewell)."""
    said = [_line_list(path, doc, key, fill, what) for key, fill, what in (
        ("beyond_policy", "{amount}", "each with {amount}: said to an offer beyond the limits"),
        ("still_open", None, "no placeholders: said once to a goodbye while a need is open"),
        ("goodbye", None, "no placeholders: said to the staff's goodbye"),
        ("still_off", None, "no placeholders: said to a reply still not about its case"),
        ("wait_ok", None, "no placeholders: said when asked to hold on or to be put through"))]
    acks = _word_list(path, doc, "acknowledgements", "words that only acknowledge (okay, fine, right, ...)")
    words = [tuple(words_of(w) for w in _word_list(path, doc, key, what)) for key, what in (
        ("fixes", "word beginnings that do or offer something (will, can, refund, ...)"),
        ("farewell", "words that say goodbye (bye, have a good day, ...)"))]
    return (*said[:3], frozenset(w.strip().lower() for w in acks), *said[3:], *words)


def _surprise(path: Path, doc: dict) -> tuple:
    """How a customer takes an offer beyond the limits when it is not simply pleased: grudgingly while upset
    (beyond_policy_upset), or in the way of its persona or customer type (beyond_policy_by: a haggler pushes on, a
    know-it-all asks why). Returns (beyond_policy_upset, beyond_policy_by)."""
    def checked(key, said):
        return _line_list(path, {key: said}, key, "{amount}", "each with {amount}")

    by = doc.get("beyond_policy_by") or {}
    if not isinstance(by, dict):
        raise ScenarioError(f"{path}: beyond_policy_by: expected a mapping of persona ids or customer types to lines")
    return (checked("beyond_policy_upset", doc.get("beyond_policy_upset")),
            {str(k): checked(f"beyond_policy_by.{k}", v) for k, v in by.items()})


def _by_kind(path: Path, doc: dict, key: str, fill: str | None) -> dict:
    """A mapping of persona ids or customer types to their own lines (MIN_VARIANTS or more each)."""
    by = doc.get(key) or {}
    if not isinstance(by, dict):
        raise ScenarioError(f"{path}: {key}: expected a mapping of persona ids or customer types to lines")
    what = f"each with {fill}" if fill else "no placeholders"
    return {str(k): _line_list(path, {f"{key}.{k}": v}, f"{key}.{k}", fill, what) for k, v in by.items()}


def _listening(path: Path, doc: dict) -> tuple:
    """What tells the customer a reply is about it or about nobody: its brush-off lines, the patterns of the trainee
    giving a name, the everyday words. Returns (brush_off, introduces, everyday)."""
    brush = _line_list(path, doc, "brush_off", None, "no placeholders: said when the trainee brushes the customer "
                                                     "off twice in a row")
    patterns = []
    for n, text in enumerate(doc.get("introduces") or ()):
        try:
            pattern = re.compile(str(text))
        except re.error as exc:
            raise ScenarioError(f"{path}: introduces.{n}: not a regular expression ({exc})") from None
        if "name" not in pattern.groupindex:
            raise ScenarioError(f"{path}: introduces.{n}: needs the group (?P<name>...)")
        patterns.append(pattern)
    everyday = _word_list(path, doc, "everyday", "word beginnings any customer's case uses (order, deliver, today, "
                                                 "...)")
    return brush, tuple(patterns), frozenset(w.strip().lower() for w in everyday)
