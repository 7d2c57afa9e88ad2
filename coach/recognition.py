"""Employee of the month: the ranking behind the manager's decision, by the formula in standards/award_formula.yml.

`load_formula()` reads and checks the formula; `rank()` computes every candidate's figures for a month with
two grouped queries and one for the names (fast on 100,000 sessions); `explain()` gives the formula in plain
English for the page, `nomination_csv()` the figures as a spreadsheet, `winners()` the history of awards.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Float, String, and_, case, cast, func, select
from sqlalchemy.orm import aliased

from coach.standards.pack import read_yaml
from coach.storage.errors import InvalidRecord
from coach.storage.models import CHANNELS, Award, Person, PracticeSession, ScorecardRecord, Team
from coach.storage.services import _approved_overrides

DEFAULT_FORMULA = Path(__file__).resolve().parents[1] / "standards" / "award_formula.yml"
# the scenario tracks (coach.sim.scenario.TRACKS; not imported, the simulator loads spaCy)
TRACKS = ("phrasing", "telephone", "complaint")
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


# -- the formula file ------------------------------------------------------------------------------

def _number(doc, term, data, key, *, low, high, whole=False, low_open=False):
    keys = (term, key)
    if key not in data:
        raise doc.error((term,), f"missing required key '{key}' ({'a whole number' if whole else 'a number'} "
                                 f"from {low} to {high})")
    v = data[key]
    ok = not isinstance(v, bool) and isinstance(v, int if whole else (int, float))
    if not ok or not (low < v if low_open else low <= v) or v > high:
        what = "a whole number" if whole else "a number"
        bound = f"above {low} and at most {high}" if low_open else f"from {low} to {high}"
        raise doc.error(keys, f"expected {what} {bound}, got {v!r}")
    return v


def _names(doc, term, data, key, choices=None, *, allow_empty=True):
    """A list of names (optional when allow_empty: missing means none)."""
    like = f" (any of {', '.join(choices)})" if choices else ""
    if key not in data:
        if allow_empty:
            return ()
        raise doc.error((term,), f"missing required key '{key}' (a list of names{like})")
    v = data[key]
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise doc.error((term, key), f"expected a list of names{like}, got {v!r}")
    if not allow_empty and not v:
        raise doc.error((term, key), f"expected at least one name{like}")
    bad = [x for x in v if choices and x not in choices]
    if bad:
        raise doc.error((term, key), f"{', '.join(map(repr, bad))}: not one of {', '.join(choices)}")
    return tuple(v)


def _fill(doc, term, text, values):
    """The explain text with {placeholders} replaced by the term's settings; a misspelt one is an error."""
    try:
        return text.format_map(values)
    except KeyError as exc:
        raise doc.error((term, "explain"), f"unknown placeholder {{{exc.args[0]}}}; this term has "
                                           f"{', '.join('{' + k + '}' for k in sorted(values)) or 'none'}") from None
    except (ValueError, IndexError) as exc:
        raise doc.error((term, "explain"), f"{exc}; write literal braces as {{{{ and }}}}") from None


def _pct(x: float) -> str:
    return f"{x * 100:g}%"


def load_formula(path: Path | str = DEFAULT_FORMULA) -> Formula:
    """Read and check the award formula; a FormulaError names file:line: key and what would be right."""
    path = Path(path)
    if not path.is_file():
        raise FormulaError(f"{path}: no such formula file (the default is {DEFAULT_FORMULA})")
    doc = read_yaml(path, FormulaError, 100_000, what="an award formula")
    d = doc.data
    if not isinstance(d, dict):
        raise FormulaError(f"{path}:1: expected a mapping with version and the terms {', '.join(TERMS)}")
    unknown = sorted(set(map(str, d)) - {"version", "title", *TERMS})
    if unknown:
        raise doc.error((unknown[0],), f"unknown key; expected version, title, {', '.join(TERMS)}")
    version = d.get("version")
    if not isinstance(version, str) or not version.strip() or len(version) > MAX_VERSION:
        got = f"got {version!r}" if "version" in d else "missing"
        raise doc.error(("version",), f"{got}; expected a name of up to {MAX_VERSION} characters, e.g. eotm-v1 "
                                      f"(a changed formula gets a new one)")
    title = d.get("title", "Employee of the month")
    if not isinstance(title, str) or not title.strip():
        raise doc.error(("title",), f"expected text, got {title!r}")
    allowed = {"eligibility": {"min_sessions", "min_tracks", "tracks", "exclude_scenarios", "exclude_channels"},
               "score": set(), "difficulty": {"multipliers", "cap"}, "farming": {"max_share", "excess_weight"},
               "shrinkage": {"prior_weight"}, "improvement": {"points_per_point", "cap", "min_previous_sessions"},
               "ranking": set()}
    terms = {}
    for term in TERMS:
        t = d.get(term)
        if not isinstance(t, dict):
            got = f"got {t!r}" if term in d else "missing required term"
            raise doc.error((term,), f"{got}; expected a mapping with its settings and an explain text")
        extra = sorted(set(map(str, t)) - allowed[term] - {"explain"})
        if extra:
            raise doc.error((term, extra[0]), f"unknown key; {term} takes "
                                              f"{', '.join(sorted(allowed[term] | {'explain'}))}")
        if not isinstance(t.get("explain"), str) or not t["explain"].strip():
            raise doc.error((term, "explain") if "explain" in t else (term,),
                            "expected a plain-English explain text for the page")
        terms[term] = t

    e = terms["eligibility"]
    tracks = _names(doc, "eligibility", e, "tracks", TRACKS, allow_empty=False)
    min_sessions = _number(doc, "eligibility", e, "min_sessions", low=1, high=1000, whole=True)
    min_tracks = _number(doc, "eligibility", e, "min_tracks", low=1, high=len(tracks), whole=True)
    exclude_scenarios = _names(doc, "eligibility", e, "exclude_scenarios")
    exclude_channels = _names(doc, "eligibility", e, "exclude_channels", CHANNELS)

    dif = terms["difficulty"]
    m = dif.get("multipliers")
    if not isinstance(m, dict) or set(m) != {1, 2, 3}:
        raise doc.error(("difficulty", "multipliers") if "multipliers" in dif else ("difficulty",),
                        f"expected a factor for each difficulty, like {{1: 0.95, 2: 1.0, 3: 1.08}}, got {m!r}")
    for level, v in m.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 2:
            raise doc.error(("difficulty", "multipliers", str(level)), f"expected a factor above 0 and at most 2, "
                                                                      f"got {v!r}")
    multipliers = {k: float(m[k]) for k in (1, 2, 3)}
    cap = _number(doc, "difficulty", dif, "cap", low=1, high=100)

    far = terms["farming"]
    max_share = _number(doc, "farming", far, "max_share", low=0, high=1, low_open=True)
    excess_weight = _number(doc, "farming", far, "excess_weight", low=0, high=1)
    prior_weight = _number(doc, "shrinkage", terms["shrinkage"], "prior_weight", low=0, high=1000)
    imp = terms["improvement"]
    per_point = _number(doc, "improvement", imp, "points_per_point", low=0, high=10)
    imp_cap = _number(doc, "improvement", imp, "cap", low=0, high=100)
    min_prev = _number(doc, "improvement", imp, "min_previous_sessions", low=1, high=1000, whole=True)

    values = {
        "eligibility": {"min_sessions": min_sessions, "min_tracks": min_tracks, "tracks": ", ".join(tracks),
                        "exclude_scenarios": ", ".join(exclude_scenarios) or "none",
                        "exclude_channels": ", ".join(exclude_channels) or "none"},
        "score": {},
        "difficulty": {"multipliers": ", ".join(f"{k}: x{v:.2f}" for k, v in multipliers.items()), "cap": f"{cap:g}"},
        "farming": {"max_share": f"{max_share:g}", "max_share_pct": _pct(max_share),
                    "excess_weight": f"{excess_weight:g}", "excess_weight_pct": _pct(excess_weight)},
        "shrinkage": {"prior_weight": f"{prior_weight:g}"},
        "improvement": {"points_per_point": f"{per_point:g}", "cap": f"{imp_cap:g}",
                        "min_previous_sessions": min_prev},
        "ranking": {},
    }
    explain = {term: " ".join(_fill(doc, term, terms[term]["explain"], values[term]).split()) for term in TERMS}
    return Formula(version=version.strip(), title=title.strip(), min_sessions=min_sessions, min_tracks=min_tracks,
                   tracks=tracks, exclude_scenarios=exclude_scenarios, exclude_channels=exclude_channels,
                   multipliers=multipliers, cap=float(cap), max_share=float(max_share),
                   excess_weight=float(excess_weight), prior_weight=float(prior_weight),
                   points_per_point=float(per_point), improvement_cap=float(imp_cap), min_previous_sessions=min_prev,
                   explain=explain, path=str(path))


def explain(formula: Formula) -> list[str]:
    """The formula in plain English, one line per term, for the page."""
    return [f"{formula.title} (formula {formula.version})"] + [formula.explain[t] for t in TERMS]


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
    ov = _approved_overrides()
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


def rank(uow, period: str, formula: Formula | None = None, team_id: int | None = None) -> list[Candidate]:
    """Everyone who practised in the month (YYYY-MM), eligible candidates first by rank, then the others
    with the reason. The figures do not depend on team_id: it only selects whom to list."""
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
        out.append(_candidate(formula, period, prev_period, p, gs, prior, previous.get(pid)))
    return _ordered(out)


def _candidate(formula: Formula, period: str, prev_period: str, p, groups, prior: float, previous) -> Candidate:
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
        c.improvement_note = (f"no previous month to compare with: {prev_n} session{'s' * (prev_n != 1)} in "
                              f"{prev_period}, at least {formula.min_previous_sessions} needed")
    # the page shows the parts; the final score is exactly their (rounded) sum
    c.final = round(c.shrunk + c.improvement, 1)

    reasons = []
    if p.role != "trainee":
        reasons.append(f"a {p.role}, not a trainee")
    if not p.active:
        reasons.append("the account is not active")
    if n < formula.min_sessions:
        reasons.append(f"{n} session{'s' * (n != 1)} in {period}; at least {formula.min_sessions} needed")
    if len(c.tracks) < formula.min_tracks:
        reasons.append(f"{len(c.tracks)} track{'s' * (len(c.tracks) != 1)} ({', '.join(c.tracks)}); at least "
                       f"{formula.min_tracks} of {', '.join(formula.tracks)} needed")
    c.eligible, c.reason = not reasons, "; ".join(reasons) or None
    return c


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
