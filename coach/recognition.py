"""Employee of the month: the ranking behind the manager's decision, by the formula in standards/award_formula.yml.

`load_formula()` reads and checks the formula; `rank()` computes every candidate's figures for a month with
two grouped queries and one for the names (fast on 100,000 sessions); `explain()` gives the formula in plain
words for the page, `nomination_csv()` the figures as a spreadsheet, `winners()` the history of awards.

The explanation and the reasons a person is not eligible are said in the language asked for (coach/i18n.py: the
catalogs of coach/locale), numbers in that locale's format. The formula's explain texts are data: each one, on one
line with its {placeholders}, is the message id of its translation (coach/locale/<lang>/LC_MESSAGES/coach.po), and
a text without one is said in English.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Tuple

from babel.numbers import format_decimal, format_percent, get_decimal_symbol
from pydantic import BaseModel, Field, validator
from sqlalchemy import Float, String, and_, case, cast, func, select
from sqlalchemy.orm import aliased

from coach.i18n import locale, number
from coach.i18n import say as _say
from coach.i18n import say_n as _say_n
from coach.standards.pack import read_yaml
from coach.standards.schema import Problem, validated
from coach.storage.errors import InvalidRecord
from coach.storage.models import Award, Person, PracticeSession, ScorecardRecord, Team
from coach.storage.services import approved_overrides
from coach.vocabulary import CHANNELS, TRACKS

DEFAULT_FORMULA = Path(__file__).resolve().parents[1] / "standards" / "award_formula.yml"
TERMS = ("eligibility", "score", "difficulty", "farming", "shrinkage", "improvement", "ranking")
MAX_VERSION = 40  # awards.formula_version


class FormulaError(ValueError):
    """An award formula file that cannot be used: names the file, line and key, and what is expected."""


@dataclass(frozen=True)
class Formula:
    version: str
    title: str
    min_sessions: int
    min_tracks: int
    tracks: tuple[str, ...]
    exclude_scenarios: tuple[str, ...]
    exclude_channels: tuple[str, ...]
    multipliers: dict  # difficulty (1, 2, 3) -> factor
    cap: float
    max_share: float
    excess_weight: float
    prior_weight: float
    points_per_point: float
    improvement_cap: float
    min_previous_sessions: int
    explain: dict  # term -> plain-English text, placeholders filled in
    path: str = ""
    texts: dict = field(default_factory=dict)  # term -> the explain text on one line, its placeholders unfilled


# -- the formula file ------------------------------------------------------------------------------

def _bounded(v, low, high, *, whole=False, low_open=False):
    """`v` if it is a number (whole, if asked) from low to high (above low, if low_open); else the error."""
    ok = not isinstance(v, bool) and isinstance(v, int if whole else (int, float))
    if not ok or not (low < v if low_open else low <= v) or v > high:
        what = "a whole number" if whole else "a number"
        bound = f"above {low} and at most {high}" if low_open else f"from {low} to {high}"
        raise ValueError(f"expected {what} {bound}, got {v!r}")
    return v


def _number(low, high, *, whole=False, low_open=False, default=...):
    """A required number field of a term, checked by _bounded; its description is what the error shows."""
    what = "a whole number" if whole else "a number"
    return Field(default, description=f"{what} from {low} to {high}",
                 bounds=dict(low=low, high=high, whole=whole, low_open=low_open))


def _names(choices=None, *, allow_empty=True):
    """A validator of a list of names (any of `choices` when given)."""
    like = f" (any of {', '.join(choices)})" if choices else ""

    def check(cls, v):
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise ValueError(f"expected a list of names{like}, got {v!r}")
        if not allow_empty and not v:
            raise ValueError(f"expected at least one name{like}")
        bad = [x for x in v if choices and x not in choices]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))}: not one of {', '.join(choices)}")
        return tuple(v)
    return check


class _Term(BaseModel):
    """A term of the formula: its settings (number fields made by _number) and a plain-English explain text."""

    explain: str = Field(..., description="a plain-English explain text for the page")

    class Config:
        extra = "forbid"
        unknown_key = "unknown key; {parent} takes {sorted}"

    @validator("*", pre=True)
    def _numbers(cls, v, field):
        bounds = field.field_info.extra.get("bounds")
        return _bounded(v, **bounds) if bounds else v

    @validator("explain", pre=True)
    def _explain(cls, v):
        if not isinstance(v, str) or not v.strip():
            raise ValueError("expected a plain-English explain text for the page")
        return v


class _Eligibility(_Term):
    exclude_channels: Tuple[str, ...] = ()
    exclude_scenarios: Tuple[str, ...] = ()
    min_sessions: int = _number(1, 1000, whole=True)
    tracks: Tuple[str, ...] = Field(..., description=f"a list of names (any of {', '.join(TRACKS)})")
    min_tracks: int = Field(..., description=f"a whole number from 1 to {len(TRACKS)}")

    _tracks = validator("tracks", pre=True, allow_reuse=True)(_names(TRACKS, allow_empty=False))
    _scenarios = validator("exclude_scenarios", pre=True, allow_reuse=True)(_names())
    _channels = validator("exclude_channels", pre=True, allow_reuse=True)(_names(CHANNELS))

    @validator("min_tracks", pre=True)
    def _min_tracks(cls, v, values):  # at most the number of tracks that count
        return _bounded(v, 1, len(values.get("tracks", TRACKS)), whole=True)


class _Difficulty(_Term):
    cap: float = _number(1, 100)
    multipliers: Dict[int, float] = Field(..., description="a factor for each difficulty, like "
                                                           "{1: 0.95, 2: 1.0, 3: 1.08}")

    @validator("multipliers", pre=True)
    def _multipliers(cls, m):
        if not isinstance(m, dict) or set(m) != {1, 2, 3}:
            raise ValueError(f"expected a factor for each difficulty, like {{1: 0.95, 2: 1.0, 3: 1.08}}, got {m!r}")
        for level, v in m.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 2:
                raise Problem(f"expected a factor above 0 and at most 2, got {v!r}", level)
        return {k: float(m[k]) for k in (1, 2, 3)}


class _Farming(_Term):
    excess_weight: float = _number(0, 1)
    max_share: float = _number(0, 1, low_open=True)


class _Shrinkage(_Term):
    prior_weight: float = _number(0, 1000)


class _Improvement(_Term):
    cap: float = _number(0, 100)
    min_previous_sessions: int = _number(1, 1000, whole=True)
    points_per_point: float = _number(0, 10)


def _term(cls, v):
    if not isinstance(v, dict):
        raise ValueError(f"{'missing required term' if v is None else f'got {v!r}'}; expected a mapping with "
                         f"its settings and an explain text")
    return v


class _FormulaFile(BaseModel):
    """standards/award_formula.yml: a version, a title and the terms, each a mapping with an explain text."""

    version: str = None
    title: str = "Employee of the month"
    eligibility: _Eligibility = None
    score: _Term = None
    difficulty: _Difficulty = None
    farming: _Farming = None
    shrinkage: _Shrinkage = None
    improvement: _Improvement = None
    ranking: _Term = None

    class Config:
        extra = "forbid"

    _terms = validator(*TERMS, pre=True, always=True, allow_reuse=True)(_term)

    @validator("version", pre=True, always=True)
    def _version(cls, v):
        if not isinstance(v, str) or not v.strip() or len(v) > MAX_VERSION:
            raise ValueError(f"{'missing' if v is None else f'got {v!r}'}; expected a name of up to {MAX_VERSION} "
                             f"characters, e.g. eotm-v1 (a changed formula gets a new one)")
        return v.strip()

    @validator("title", pre=True)
    def _title(cls, v):
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"expected text, got {v!r}")
        return v.strip()


def _fill(doc, term, text, values):
    """The explain text with {placeholders} replaced by the term's settings; a misspelt one is an error."""
    try:
        return text.format_map(values)
    except KeyError as exc:
        raise doc.error((term, "explain"), f"unknown placeholder {{{exc.args[0]}}}; this term has "
                                           f"{', '.join('{' + k + '}' for k in sorted(values)) or 'none'}") from None
    except (ValueError, IndexError) as exc:
        raise doc.error((term, "explain"), f"{exc}; write literal braces as {{{{ and }}}}") from None


def _settings(f: Formula, language: str = "en") -> dict:
    """term -> the values its explain text's {placeholders} take, numbers in the language's format and the names
    of tracks and channels in its words."""
    where = locale(language)

    def num(x):
        return number(x, language)

    def pct(x):
        return format_percent(x, locale=where, decimal_quantization=False)

    # "1: x0.95, 2: x1.00" (English); where the decimal mark is a comma, "1: x0,95; 2: x1,00"
    sep = "; " if get_decimal_symbol(where) == "," else ", "
    words = lambda names: ", ".join(_say(language, n) for n in names) or _say(language, "none")  # noqa: E731
    return {
        "eligibility": {"min_sessions": num(f.min_sessions), "min_tracks": num(f.min_tracks),
                        "tracks": words(f.tracks), "exclude_scenarios": ", ".join(f.exclude_scenarios)
                        or _say(language, "none"), "exclude_channels": words(f.exclude_channels)},
        "score": {},
        "difficulty": {"multipliers": sep.join(f"{k}: x{format_decimal(v, format='0.00', locale=where)}"
                                               for k, v in f.multipliers.items()), "cap": num(f.cap)},
        "farming": {"max_share": num(f.max_share), "max_share_pct": pct(f.max_share),
                    "excess_weight": num(f.excess_weight), "excess_weight_pct": pct(f.excess_weight)},
        "shrinkage": {"prior_weight": num(f.prior_weight)},
        "improvement": {"points_per_point": num(f.points_per_point), "cap": num(f.improvement_cap),
                        "min_previous_sessions": num(f.min_previous_sessions)},
        "ranking": {},
    }


def load_formula(path: Path | str = DEFAULT_FORMULA) -> Formula:
    """Read and check the award formula; a FormulaError names file:line: key and what would be right."""
    path = Path(path)
    if not path.is_file():
        raise FormulaError(f"{path}: no such formula file (the default is {DEFAULT_FORMULA})")
    doc = read_yaml(path, FormulaError, 100_000, what="an award formula")
    if not isinstance(doc.data, dict):
        raise FormulaError(f"{path}:1: expected a mapping with version and the terms {', '.join(TERMS)}")
    f = validated(doc, _FormulaFile, doc.data)
    e, d, imp = f.eligibility, f.difficulty, f.improvement
    formula = Formula(version=f.version, title=f.title, min_sessions=e.min_sessions, min_tracks=e.min_tracks,
                      tracks=e.tracks, exclude_scenarios=e.exclude_scenarios, exclude_channels=e.exclude_channels,
                      multipliers=d.multipliers, cap=float(d.cap), max_share=float(f.farming.max_share),
                      excess_weight=float(f.farming.excess_weight), prior_weight=float(f.shrinkage.prior_weight),
                      points_per_point=float(imp.points_per_point), improvement_cap=float(imp.cap),
                      min_previous_sessions=imp.min_previous_sessions, explain={}, path=str(path),
                      texts={term: " ".join(getattr(f, term).explain.split()) for term in TERMS})
    values = _settings(formula)  # a misspelt placeholder is refused here, with the file's line
    return replace(formula, explain={term: _fill(doc, term, text, values[term])
                                     for term, text in formula.texts.items()})


def explain(formula: Formula, language: str = "en") -> list[str]:
    """The formula in plain words in `language`, one line per term, for the page. A term whose explain text has no
    translation, or one whose placeholders differ from the text's, is said in English."""
    values = _settings(formula, language)
    lines = [_say(language, "{title} (formula {version})", title=_say(language, formula.title),
                  version=formula.version)]
    for term in TERMS:
        text = formula.texts.get(term)
        try:
            lines.append(_say(language, text).format_map(values[term]) if text else formula.explain[term])
        except (KeyError, ValueError, IndexError):
            lines.append(text.format_map(values[term]))
    return lines


# -- the ranking -----------------------------------------------------------------------------------

@dataclass
class Candidate:
    person_id: int
    name: str
    team: str | None
    team_id: int | None
    period: str
    formula_version: str
    eligible: bool = False
    reason: str | None = None  # why not eligible
    sessions: int = 0  # counted sessions of the month
    tracks: list[str] = field(default_factory=list)
    mean_raw: float = 0.0  # session scores (trainer-approved where there is one)
    mean_adjusted: float = 0.0  # after the difficulty factors
    weighted_sessions: float = 0.0  # after the farming guard
    weighted_mean: float = 0.0
    prior: float = 0.0  # the company mean of the month
    shrunk: float = 0.0
    previous_sessions: int = 0
    previous_mean: float | None = None
    improvement: float = 0.0
    improvement_note: str | None = None
    farming: dict = field(default_factory=dict)  # the person's most practised scenario: share, weight
    final: float = 0.0
    rank: int | None = None  # eligible candidates only
    session_ids: list[int] = field(default_factory=list)

    def figures(self) -> dict:
        """The candidate's numbers, JSON-ready, for storing with an award (services.record_award)."""
        return {"formula_version": self.formula_version, "period": self.period, "rank": self.rank,
                "eligible": self.eligible, "reason": self.reason, "sessions": self.sessions, "tracks": self.tracks,
                "mean_raw": self.mean_raw, "mean_adjusted": self.mean_adjusted,
                "weighted_sessions": self.weighted_sessions, "weighted_mean": self.weighted_mean,
                "prior": self.prior, "shrunk": self.shrunk, "previous_sessions": self.previous_sessions,
                "previous_mean": self.previous_mean, "improvement": self.improvement,
                "improvement_note": self.improvement_note, "farming": dict(self.farming), "final": self.final,
                "session_ids": list(self.session_ids)}


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """'2026-11' -> [2026-11-01, 2026-12-01) in UTC."""
    try:
        start = datetime.strptime(period, "%Y-%m").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        raise InvalidRecord(f"period: {period!r}; expected a month like 2026-11") from None
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def previous_month(period: str) -> str:
    start, _ = month_bounds(period)
    return f"{start.year - 1}-12" if start.month == 1 else f"{start.year}-{start.month - 1:02d}"


def _counted(formula: Formula, since: datetime, until: datetime) -> list:
    """The conditions for a session to count: completed in the month, in a track, not a drill."""
    conds = [PracticeSession.status == "completed", PracticeSession.started_at >= since,
             PracticeSession.started_at < until, PracticeSession.track.in_(formula.tracks)]
    if formula.exclude_scenarios:
        conds.append(PracticeSession.scenario_id.not_in(formula.exclude_scenarios))
    if formula.exclude_channels:
        conds.append(PracticeSession.channel.not_in(formula.exclude_channels))
    # only first attempts count: a retry from turn N replays an earlier session's start, and is for learning
    conds.append(PracticeSession.retry_of_id.is_(None))
    return conds


def _scores(formula: Formula):
    """SQL expressions: a session's score (approved override, else machine) and its difficulty-adjusted score."""
    ov = approved_overrides()
    raw = cast(func.coalesce(ov.c.override, ScorecardRecord.overall), Float)  # PostgreSQL's avg is numeric
    factor = case(*[(PracticeSession.difficulty == k, v) for k, v in formula.multipliers.items()], else_=1.0)
    adjusted = case((raw * factor > formula.cap, formula.cap), else_=raw * factor)
    return ov, raw, adjusted


def _joined(q, ov):
    return (q.select_from(PracticeSession)
            .join(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                        ScorecardRecord.is_current.is_(True)))
            .outerjoin(ov, ov.c.scorecard_id == ScorecardRecord.id))


def _id_list(uow, column):
    """All the group's session ids as one comma-separated string (the SQL function differs per database)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, String), ",")
    return func.group_concat(column, ",")


def rank(uow, period: str, formula: Formula | None = None, team_id: int | None = None, *,
         language: str = "en") -> list[Candidate]:
    """Everyone who practised in the month (YYYY-MM), eligible candidates first by rank, then the others
    with the reason (in `language`, as the note on the improvement). The figures do not depend on team_id: it
    only selects whom to list."""
    formula = formula or load_formula()
    since, until = month_bounds(period)
    prev_period = previous_month(period)
    prev_since, prev_until = month_bounds(prev_period)
    ov, raw, adjusted = _scores(formula)

    # 1. this month, per person and scenario: counts, score sums and the session ids
    q = _joined(select(PracticeSession.person_id, PracticeSession.scenario_id, PracticeSession.track,
                       func.count().label("n"), func.sum(raw).label("raw"), func.sum(adjusted).label("adj"),
                       _id_list(uow, PracticeSession.id).label("ids")), ov)
    groups = uow.session.execute(q.where(*_counted(formula, since, until)).group_by(
        PracticeSession.person_id, PracticeSession.scenario_id, PracticeSession.track)).all()
    # 2. the previous month, per person (for improvement)
    q2 = _joined(select(PracticeSession.person_id, func.count().label("n"), func.sum(adjusted).label("adj")), ov)
    previous = {r.person_id: (r.n, float(r.adj)) for r in uow.session.execute(
        q2.where(*_counted(formula, prev_since, prev_until)).group_by(PracticeSession.person_id))}
    # the people who practised in the month (a subquery, not a list of ids: a company may have thousands)
    month = select(PracticeSession.person_id).where(*_counted(formula, since, until))
    people = {p.id: p for p in uow.session.execute(
        select(Person.id, Person.name, Person.role, Person.active, Person.deleted_at, Person.team_id,
               Team.name.label("team")).outerjoin(Team, Team.id == Person.team_id).where(Person.id.in_(month)))}

    by_person: dict[int, list] = {}
    for g in groups:
        by_person.setdefault(g.person_id, []).append(g)
    # the prior: every trainee's counted sessions of the month, the deleted and inactive included
    trainee_groups = [g for g in groups if people[g.person_id].role == "trainee"] or groups  # or whoever practised
    n_all = sum(g.n for g in trainee_groups)
    prior = sum(float(g.adj) for g in trainee_groups) / n_all if n_all else 0.0

    out = []
    for pid, gs in by_person.items():
        p = people[pid]
        if p.deleted_at is not None:  # erased on request: their sessions stay in the prior, they are not listed
            continue
        if team_id is not None and p.team_id != team_id:
            continue
        out.append(_candidate(formula, period, prev_period, p, gs, prior, previous.get(pid), language))
    return _ordered(out)


def _candidate(formula: Formula, period: str, prev_period: str, p, groups, prior: float, previous,
               language: str = "en") -> Candidate:
    c = Candidate(person_id=p.id, name=p.name, team=p.team, team_id=p.team_id, period=period,
                  formula_version=formula.version)
    n = sum(g.n for g in groups)
    raw_sum, adj_sum = sum(float(g.raw) for g in groups), sum(float(g.adj) for g in groups)
    c.sessions, c.tracks = n, sorted({g.track for g in groups})
    c.session_ids = sorted(int(i) for g in groups for i in str(g.ids).split(","))
    c.mean_raw, c.mean_adjusted = round(raw_sum / n, 1), round(adj_sum / n, 1)

    # farming guard: the sessions of a scenario beyond max_share of the person's sessions count at
    # excess_weight; the scenario's sessions share that weight equally (its mean is unchanged, its weight drops).
    # Farming is repetition: a scenario's first session always counts fully (two sessions, two scenarios: 50% each)
    allowed = max(formula.max_share * n, 1.0)
    w_n = w_sum = 0.0
    for g in groups:
        weight = g.n if g.n <= allowed else allowed + formula.excess_weight * (g.n - allowed)
        w_n += weight
        w_sum += float(g.adj) * weight / g.n
    top = max(groups, key=lambda g: (g.n, g.scenario_id))
    top_weight = top.n if top.n <= allowed else allowed + formula.excess_weight * (top.n - allowed)
    c.farming = {"scenario": top.scenario_id, "sessions": top.n, "share": round(top.n / n, 2),
                 "counted_as": round(top_weight, 2), "reduced": top.n > allowed}
    c.weighted_sessions, c.weighted_mean = round(w_n, 2), round(w_sum / w_n, 1)

    # small-sample correction: shrink the mean towards the company mean with prior_weight pseudo-sessions
    k = formula.prior_weight
    c.prior = round(prior, 1)
    c.shrunk = round((w_sum + k * prior) / (w_n + k), 1)

    prev_n, prev_sum = previous or (0, 0.0)
    c.previous_sessions = prev_n
    if prev_n >= formula.min_previous_sessions:
        c.previous_mean = round(prev_sum / prev_n, 1)
        bonus = (adj_sum / n - prev_sum / prev_n) * formula.points_per_point
        c.improvement = round(max(-formula.improvement_cap, min(formula.improvement_cap, bonus)), 1)
    else:
        c.improvement_note = _say_n(language, "no previous month to compare with: {n} session in {period}, at "
                                    "least {min} needed", "no previous month to compare with: {n} sessions in "
                                    "{period}, at least {min} needed", prev_n, period=prev_period,
                                    min=formula.min_previous_sessions)
    # the page shows the parts; the final score is exactly their (rounded) sum
    c.final = round(c.shrunk + c.improvement, 1)

    c.eligible, c.reason = _eligibility(formula, period, p, n, c.tracks, language)
    return c


def _eligibility(formula: Formula, period: str, p, n: int, tracks: list[str], language: str):
    """(eligible, the reasons why not in `language`, or None)."""
    reasons = []
    if p.role != "trainee":
        reasons.append({"trainer": _say(language, "a trainer, not a trainee"),
                        "manager": _say(language, "a manager, not a trainee"),
                        "admin": _say(language, "an admin, not a trainee")}.get(
            p.role, _say(language, "{role}, not a trainee", role=p.role)))
    if not p.active:
        reasons.append(_say(language, "the account is not active"))
    if n < formula.min_sessions:
        reasons.append(_say_n(language, "{n} session in {period}; at least {min} needed",
                              "{n} sessions in {period}; at least {min} needed", n, period=period,
                              min=formula.min_sessions))
    if len(tracks) < formula.min_tracks:
        words = lambda names: ", ".join(_say(language, x) for x in names)  # noqa: E731
        reasons.append(_say_n(language, "{n} track ({tracks}); at least {min} of {all} needed",
                              "{n} tracks ({tracks}); at least {min} of {all} needed", len(tracks),
                              tracks=words(tracks), min=formula.min_tracks, all=words(formula.tracks)))
    return not reasons, "; ".join(reasons) or None


def _ordered(candidates: list[Candidate]) -> list[Candidate]:
    key = lambda c: (-c.final, -c.sessions, c.name.casefold(), c.person_id)  # noqa: E731
    eligible = sorted((c for c in candidates if c.eligible), key=key)
    for i, c in enumerate(eligible):  # equal final scores share a rank (1, 2, 2, 4)
        c.rank = eligible[i - 1].rank if i and c.final == eligible[i - 1].final else i + 1
    return eligible + sorted((c for c in candidates if not c.eligible), key=key)


# -- exports and history ---------------------------------------------------------------------------

CSV_COLUMNS = ("rank", "person_id", "name", "team", "eligible", "reason", "sessions", "tracks", "mean_raw",
               "mean_adjusted", "farming_scenario", "farming_share", "farming_counted_as", "weighted_sessions",
               "weighted_mean", "prior", "shrunk", "previous_sessions", "previous_mean", "improvement",
               "improvement_note", "final", "formula_version", "period", "session_ids")


def _cell(value) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ would start a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def nomination_csv(candidates: list[Candidate]) -> str:
    """One row per candidate with every figure and the session ids behind them."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for c in candidates:
        w.writerow([c.rank if c.rank is not None else "", c.person_id, _cell(c.name), _cell(c.team),
                    "yes" if c.eligible else "no", _cell(c.reason), c.sessions, " ".join(c.tracks), c.mean_raw,
                    c.mean_adjusted, _cell(c.farming.get("scenario")), c.farming.get("share"),
                    c.farming.get("counted_as"), c.weighted_sessions, c.weighted_mean, c.prior, c.shrunk,
                    c.previous_sessions, "" if c.previous_mean is None else c.previous_mean, c.improvement,
                    _cell(c.improvement_note), c.final, _cell(c.formula_version), c.period,
                    " ".join(map(str, c.session_ids))])
    return buf.getvalue()


def winners(uow, *, kind: str = "employee_of_the_month") -> list[dict]:
    """The awards decided so far, newest period first, with the names of the winner and the decider."""
    winner, decider = aliased(Person), aliased(Person)
    q = (select(Award, winner.name.label("name"), Team.name.label("team"), decider.name.label("decided_by_name"))
         .join(winner, winner.id == Award.person_id).outerjoin(Team, Team.id == winner.team_id)
         .join(decider, decider.id == Award.decided_by)
         .where(Award.kind == kind).order_by(Award.period.desc()))
    return [{"period": a.period, "kind": a.kind, "person_id": a.person_id, "name": name, "team": team,
             "reason": a.reason, "decided_by": by, "decided_by_id": a.decided_by, "decided_at": a.decided_at,
             "formula_version": a.formula_version, "figures": a.figures}
            for a, name, team, by in uow.session.execute(q)]
