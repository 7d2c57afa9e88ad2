"""The figures the panel's analytics pages show: trainer/machine calibration, badges, a trainee's progress
summary, and the managers' team heatmap and progress lines. Core side only: plain functions taking a unit
of work and returning plain dicts (like coach.storage.services).

Everything that spans many sessions is aggregated in SQL (GROUP BY over indexed columns); JSON columns are
read in Python only for bounded rows (one person's sessions, reviewed scorecards). Weeks are ISO weeks
(Monday 00:00 UTC); in SQL they come from nested CASEs over the week boundaries of the period, which work the
same on SQLite and PostgreSQL (their date truncation functions differ). Days are UTC days.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, List

from pydantic import BaseModel, Field, root_validator, validator
from sqlalchemy import String, and_, case, cast, distinct, func, literal_column, or_, select, union_all

from coach.behaviors import TAG_SET, TAGS
from coach.standards.pack import read_yaml
from coach.standards.schema import Problem, first_repeat, listed, nonempty_text, one_of, validated
from coach.storage import services as sv
from coach.storage.errors import InvalidRecord
from coach.storage.models import (
    OUTCOMES,
    FindingRecord,
    Person,
    PracticeSession,
    Review,
    ReviewVerdict,
    ScorecardRecord,
    StandardsVersion,
    Team,
    TurnRecord,
)
from coach.vocabulary import TRACKS

BADGES = Path(__file__).resolve().parents[1] / "standards" / "badges.yml"
REVIEWED = ("approved", "disputed")
MAX_WEEKS = 260  # the week CASE grows with the period; five years is more than any chart shows
NO_TEAM = "(no team)"


# -- helpers ---------------------------------------------------------------------------------------

def _rule_info(uow) -> dict[str, dict]:
    """rule id -> {title, category, severity} from the standards snapshots (the newest version wins)."""
    out = {}
    for rules in uow.session.execute(select(StandardsVersion.rules).order_by(StandardsVersion.id)).scalars():
        for r in rules or []:
            out[r["id"]] = {"title": r.get("title"), "category": r.get("category"), "severity": r.get("severity")}
    return out


def _week_label(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _weeks(since: datetime, until: datetime) -> list[datetime]:
    """Monday-midnight starts of the ISO weeks that overlap [since, until)."""
    if until <= since:
        raise InvalidRecord(f"until ({until:%Y-%m-%d}) must be after since ({since:%Y-%m-%d})")
    start = datetime.combine(_monday(since.date()), time.min, tzinfo=timezone.utc)
    weeks = []
    while start < until:
        weeks.append(start)
        start += timedelta(days=7)
    if len(weeks) > MAX_WEEKS:
        raise InvalidRecord(f"the period {since:%Y-%m-%d} to {until:%Y-%m-%d} has {len(weeks)} weeks; "
                            f"at most {MAX_WEEKS} can be shown at once")
    return weeks


def _week_index(column, weeks: list[datetime], lo: int = 0, hi: int | None = None):
    """SQL: the index in `weeks` of the week the time falls in (rows are already limited to the period).
    A binary search written as nested CASEs: a year takes six comparisons a row instead of up to 52."""
    hi = len(weeks) if hi is None else hi
    if hi - lo == 1:
        return literal_column(str(lo))
    mid = (lo + hi) // 2
    return case((column < weeks[mid], _week_index(column, weeks, lo, mid)), else_=_week_index(column, weeks, mid, hi))


def _period(since, until):
    s, u = sv.as_utc(since, "since"), sv.as_utc(until, "until")
    if s is None or u is None:
        raise InvalidRecord("since and until are both needed (the period shown)")
    return s, u


def _scored_sessions():
    """Completed sessions joined to their current scorecard (the base of every cross-session figure)."""
    return (select().select_from(PracticeSession)
            .join(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                        ScorecardRecord.is_current.is_(True)))
            .where(PracticeSession.status == "completed"))


# -- calibration -----------------------------------------------------------------------------------

def kappa(both: int, machine_only: int, trainer_only: int, neither: int) -> float | None:
    """Cohen's kappa of the 2x2 table machine x trainer (broken / not broken). None when it is undefined:
    both raters gave one and the same answer every time (expected agreement 1, kappa 0/0)."""
    n = both + machine_only + trainer_only + neither
    machine_yes, trainer_yes = both + machine_only, both + trainer_only
    if n == 0 or (machine_yes == trainer_yes and machine_yes in (0, n)):
        return None
    from sklearn.metrics import cohen_kappa_score  # slow to import; only the calibration page needs it

    cells = [(1, 1, both), (1, 0, machine_only), (0, 1, trainer_only), (0, 0, neither)]
    cells = [c for c in cells if c[2]]
    return float(cohen_kappa_score([c[0] for c in cells], [c[1] for c in cells], labels=[0, 1],
                                   sample_weight=[c[2] for c in cells]))


def _table(t: dict) -> dict:
    n = t["both"] + t["machine_only"] + t["trainer_only"] + t["neither"]
    k = kappa(t["both"], t["machine_only"], t["trainer_only"], t["neither"])
    return {"n": n, "agreement": round(100 * (t["both"] + t["neither"]) / n, 1) if n else None,
            "kappa": round(k, 3) if k is not None else None, "kappa_undefined": k is None and n > 0,
            "both": t["both"], "machine_only": t["machine_only"], "trainer_only": t["trainer_only"],
            "neither": t["neither"], "disagreements": t["machine_only"] + t["trainer_only"]}


def calibration(uow, since=None, until=None, team_id=None) -> dict:
    """How far trainers agree with the automatic score, per standard, over reviewed sessions (reviews
    approved or disputed) started in [since, until), of one team's trainees or all.

    Each review is compared with the scorecard it reviewed, for every rule of that scorecard's standards
    version except the ones that did not apply to the session (scorecard.not_applicable, unless the trainer
    added a finding of it). The machine says a rule is broken when the scorecard has a finding of it; the
    trainer says so when they did not reject every such finding (a finding without a verdict counts as
    agreed), or added one. Two trainers reviewing one scorecard are two comparisons.

    per_rule is sorted by lowest kappa, then lowest agreement, then most disagreements: the standards to
    discuss first. kappa is None (kappa_undefined) when both sides gave the same answer for every session:
    complete agreement, but no variation to measure it on. score: how far trainers' overall scores
    differ from the machine's (override - machine) over reviews with an override."""
    rv = _reviewed(since, until, team_id)
    tables = _agreement_tables(uow, rv)
    reviews, applicable = _applicable(uow, rv)
    info = _rule_info(uow)
    per_rule = []
    total = {"both": 0, "machine_only": 0, "trainer_only": 0, "neither": 0}
    for rule, n in applicable.items():
        if n <= 0:
            continue
        t = tables[rule]
        t["neither"] = max(0, n - t["both"] - t["machine_only"] - t["trainer_only"])
        for k in total:
            total[k] += t[k]
        meta = info.get(rule, {})
        per_rule.append({"rule_id": rule, "title": meta.get("title"), "category": meta.get("category"), **_table(t)})
    per_rule.sort(key=lambda d: (d["kappa"] if d["kappa"] is not None else 2.0, d["agreement"],
                                 -d["disagreements"], d["rule_id"]))
    diffs = [r.overall_override - r.overall for r in reviews.values() if r.overall_override is not None]
    score = {"reviews": len(diffs),
             "mean_abs_diff": round(sum(abs(d) for d in diffs) / len(diffs), 1) if diffs else None,
             "mean_diff": round(sum(diffs) / len(diffs), 1) if diffs else None}
    return {"reviews": len(reviews), "scorecards": len({r.scorecard_id for r in reviews.values()}),
            "overall": _table(total), "per_rule": per_rule, "score": score}


def _reviewed(since, until, team_id):
    """The reviews (approved or disputed) of sessions started in [since, until), of one team or all, with the
    scorecard each reviewed: a CTE."""
    q = (select(Review.id.label("review_id"), Review.scorecard_id, Review.overall_override,
                ScorecardRecord.overall, ScorecardRecord.standards_version_id, ScorecardRecord.not_applicable)
         .join(ScorecardRecord, ScorecardRecord.id == Review.scorecard_id)
         .where(Review.status.in_(REVIEWED)))
    if since is not None or until is not None or team_id is not None:
        q = q.join(PracticeSession, PracticeSession.id == Review.session_id)
    if since is not None:
        q = q.where(PracticeSession.started_at >= sv.as_utc(since, "since"))
    if until is not None:
        q = q.where(PracticeSession.started_at < sv.as_utc(until, "until"))
    if team_id is not None:
        q = q.join(Person, Person.id == PracticeSession.person_id).where(Person.team_id == team_id)
    return q.cte("reviewed")


def _agreement_tables(uow, rv) -> defaultdict:
    """Per rule: how many (review, rule) pairs both sides, only the machine, only the trainer call broken."""
    F, V = FindingRecord, ReviewVerdict
    in_rv = V.review_id.in_(select(rv.c.review_id))
    zero, one = literal_column("0"), literal_column("1")
    # per review and rule: the machine's findings, how many of them the trainer rejected, whether they added
    # one; then per rule, how many (review, rule) pairs fall in each cell of the table
    u = union_all(
        select(rv.c.review_id, F.rule_id, func.count().label("found"), zero.label("rejected"), zero.label("added"))
        .join(F, F.scorecard_id == rv.c.scorecard_id).group_by(rv.c.review_id, F.rule_id),
        select(V.review_id, V.rule_id, zero, func.count(distinct(V.finding_id)), zero)
        .where(V.verdict == "reject", in_rv).group_by(V.review_id, V.rule_id),
        select(V.review_id, V.rule_id, zero, zero, one).where(V.verdict == "add", in_rv)).subquery()
    p = (select(u.c.rule_id, func.sum(u.c.found).label("found"), func.sum(u.c.rejected).label("rejected"),
                func.max(u.c.added).label("added")).group_by(u.c.review_id, u.c.rule_id).subquery())

    def cell(cond):
        return func.sum(case((cond, 1), else_=0))

    tables = defaultdict(lambda: {"both": 0, "machine_only": 0, "trainer_only": 0, "neither": 0})
    for rule, both, m_only, t_only in uow.session.execute(
            select(p.c.rule_id, cell(and_(p.c.found > 0, or_(p.c.rejected < p.c.found, p.c.added > 0))),
                   cell(and_(p.c.found > 0, p.c.rejected >= p.c.found, p.c.added == 0)), cell(p.c.found == 0))
            .group_by(p.c.rule_id)):
        tables[rule].update(both=int(both), machine_only=int(m_only), trainer_only=int(t_only))
    return tables


def _applicable(uow, rv):
    """The reviews by id, and per rule how many of them it applied to: the reviews of each standards version,
    less those where it did not apply, plus those where the trainer added a finding of it anyway."""
    V = ReviewVerdict
    in_rv = V.review_id.in_(select(rv.c.review_id))
    versions = {v.id: set(r["id"] for r in v.rules or [])
                for v in uow.session.execute(select(StandardsVersion)).scalars()}
    reviews = {r.review_id: r for r in uow.session.execute(
        select(rv.c.review_id, rv.c.scorecard_id, rv.c.standards_version_id, rv.c.not_applicable,
               rv.c.overall_override, rv.c.overall))}
    applicable = Counter()
    for v_id, count in Counter(r.standards_version_id for r in reviews.values()).items():
        for rule in versions.get(v_id, ()):
            applicable[rule] += count
    for r in reviews.values():
        applicable.subtract(set(r.not_applicable or ()) & versions.get(r.standards_version_id, set()))
    for review_id, rule in uow.session.execute(select(V.review_id, V.rule_id).where(V.verdict == "add", in_rv)
                                               .distinct()):
        r = reviews[review_id]
        # the machine never flags a rule that did not apply: the trainer says it applied after all
        if rule in (r.not_applicable or ()) or rule not in versions.get(r.standards_version_id, ()):
            applicable[rule] += 1
    return reviews, applicable


# -- badges ----------------------------------------------------------------------------------------

class BadgeError(ValueError):
    """A badges file that cannot be used: names the file, line and key, and what is expected."""


KINDS = {
    "count": "N completed sessions matching the filter",
    "streak_without": "the last N matching sessions in a row without a finding of rule_ids / a staff reply "
                      "tagged with behaviors",
    "distinct_scenarios": "N different scenarios completed",
    "distinct_tracks": "N different tracks completed",
    "practice_days_streak": "N days in a row with a completed session",
}
FILTERS = ("track", "outcome", "min_score", "difficulty", "scenario")


@dataclass(frozen=True)
class Badge:
    id: str
    title: str
    description: str
    kind: str
    n: int
    where: dict = field(default_factory=dict)  # the filter: which sessions count
    rule_ids: list = field(default_factory=list)
    behaviors: list = field(default_factory=list)

    def matches(self, s: dict) -> bool:
        w = self.where
        return (("track" not in w or s["track"] == w["track"]) and ("outcome" not in w or s["outcome"] == w["outcome"])
                and ("min_score" not in w or s["score"] >= w["min_score"])
                and ("difficulty" not in w or s["difficulty"] == w["difficulty"])
                and ("scenario" not in w or s["scenario_id"] == w["scenario"]))


_FILTER_CHECKS = {
    "track": (lambda v: v in TRACKS, f"one of {', '.join(TRACKS)}"),
    "outcome": (lambda v: v in OUTCOMES, f"one of {', '.join(OUTCOMES)}"),
    "min_score": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100,
                  "a whole number from 0 to 100"),
    "difficulty": (lambda v: v in (1, 2, 3) and not isinstance(v, bool), "1, 2 or 3"),
    "scenario": (lambda v: isinstance(v, str) and v.strip(), "a scenario id, e.g. kept_waiting"),
}


class _BadgeRule(BaseModel):
    """A badge's rule: kind, target n, the optional filters, and for streak_without what breaks the streak."""

    kind: str
    n: int = Field(..., description="a whole number from 1: the target")
    track: Any = None
    outcome: Any = None
    min_score: Any = None
    difficulty: Any = None
    scenario: Any = None
    rule_ids: list = Field(default_factory=list)
    behaviors: list = Field(default_factory=list)

    class Config:
        extra = "forbid"

    @root_validator(pre=True)
    def _keys_of_kind(cls, rule):
        kind = rule.get("kind")
        allowed = set(FILTERS) | {"kind", "n"} | ({"rule_ids", "behaviors"} if kind == "streak_without" else set())
        unknown = sorted(set(rule) - allowed)
        if kind in KINDS and unknown:
            raise Problem(f"unknown key(s) {', '.join(unknown)} for kind {kind}; expected "
                          f"{', '.join(sorted(allowed - {'kind'}))}", unknown[0])
        return rule

    @validator("kind", pre=True)
    def _kind(cls, kind):
        return one_of(kind, KINDS)

    @validator("n", pre=True)
    def _n(cls, n, values):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            target = KINDS.get(values.get("kind"), "the number to reach")
            raise ValueError(f"expected a whole number from 1 (the target: {target}), got {n!r}")
        return n

    @validator(*FILTERS, pre=True)
    def _filter(cls, v, field):
        ok, expected = _FILTER_CHECKS[field.name]
        if not ok(v):
            raise ValueError(f"{v!r}: expected {expected}")
        return v

    @validator("rule_ids", pre=True)
    def _rule_ids(cls, v):
        if not isinstance(v, list) or not all(isinstance(r, str) and re.fullmatch(r"[A-Z]{2}\d{3}", r) for r in v):
            raise ValueError(f"expected a list of rule ids like CO010, got {v!r}")
        return v

    @validator("behaviors", pre=True)
    def _behaviors(cls, v):
        if not isinstance(v, list) or not all(isinstance(t, str) and t in TAG_SET for t in v):
            raise ValueError(f"expected a list of behaviour tags ({', '.join(TAGS)}), got {v!r}")
        return v

    @root_validator(skip_on_failure=True)
    def _streak(cls, rule):
        if rule["kind"] == "streak_without" and not rule["rule_ids"] and not rule["behaviors"]:
            raise ValueError("a streak_without badge needs rule_ids (standards, e.g. [CO010]) and/or behaviors "
                             "(behaviour tags, e.g. [blame])")
        return rule


_NEEDED = "every badge has an id, a title and a description"


class _Badge(BaseModel):
    id: str = Field(..., description=_NEEDED)
    title: str = Field(..., description=_NEEDED)
    description: str = Field(..., description=_NEEDED)
    rule: _BadgeRule = Field(..., description="a mapping with kind, n and optional filters, e.g. {kind: count, "
                                              "n: 10, track: complaint, outcome: resolved}")

    class Config:
        extra = "forbid"
        expected = "a mapping with id, title, description and rule"

    @validator("id", "title", "description", pre=True)
    def _text(cls, v):
        return nonempty_text(v)

    @validator("id")
    def _id(cls, v):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError(f"{v!r}: use lower-case letters, digits and _, e.g. first_resolved")
        return v

    def badge(self) -> Badge:
        r = self.rule
        where = {k: getattr(r, k) for k in FILTERS if k in r.__fields_set__}
        return Badge(self.id, self.title.strip(), self.description.strip(), r.kind, r.n, where, list(r.rule_ids),
                     list(r.behaviors))


class _BadgesFile(BaseModel):
    """standards/badges.yml: `badges:`, a list of badges with unique ids."""

    badges: List[_Badge] = None

    @validator("badges", pre=True, always=True)
    def _listed(cls, v):
        return listed(v, "'badges:' with a list of badges (id, title, description, rule)")

    @validator("badges")
    def _unique(cls, badges):
        repeat = first_repeat(b.id for b in badges)
        if repeat:
            i, first = repeat
            raise Problem(f"{badges[i].id!r} is already used by badges.{first}; badge ids must be unique", i, "id")
        return badges


_LOADED: dict[str, tuple] = {}  # path -> (mtime, size, badges): parsing takes ~25 ms, a page view should not


def load_badges(path: Path | str = BADGES) -> list[Badge]:
    """The badge definitions of a YAML file (format: standards/badges.yml). BadgeError names file:line: key.
    Read again when the file changes."""
    path = Path(path)
    if not path.is_file():
        raise BadgeError(f"{path}: no such file; the badges are defined in a YAML file like standards/badges.yml")
    stat = path.stat()
    cached = _LOADED.get(str(path))
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return list(cached[2])
    doc = read_yaml(path, BadgeError, what="a badges file")
    if not isinstance(doc.data, dict):
        raise doc.error((), "expected 'badges:' with a list of badges (id, title, description, rule)")
    out = [b.badge() for b in validated(doc, _BadgesFile, doc.data).badges]
    _LOADED[str(path)] = (stat.st_mtime_ns, stat.st_size, tuple(out))
    return out


def _broken_sessions(uow, person_id: int, rule_ids: set, behaviors: set) -> dict[int, set]:
    """session id -> the rule ids / behaviour tags of `rule_ids` / `behaviors` it shows (one person)."""
    out = defaultdict(set)
    if rule_ids:
        q = (_scored_sessions().add_columns(PracticeSession.id, FindingRecord.rule_id)
             .join(FindingRecord, FindingRecord.scorecard_id == ScorecardRecord.id)
             .where(PracticeSession.person_id == person_id, FindingRecord.rule_id.in_(rule_ids)).distinct())
        for sid, rule in uow.session.execute(q):
            out[sid].add(rule)
    for tag in behaviors:
        # behaviours are a JSON list; matching its text ('"blame"') works on SQLite JSON and PostgreSQL JSONB
        # alike and keeps the rows small (one person's staff turns, filtered in the database)
        q = (select(TurnRecord.session_id).join(PracticeSession, PracticeSession.id == TurnRecord.session_id)
             .where(PracticeSession.person_id == person_id, TurnRecord.speaker == "staff",
                    cast(TurnRecord.behaviors, String).like(f'%"{tag}"%')).distinct())
        for sid in uow.session.execute(q).scalars():
            out[sid].add(tag)
    return out


def _evaluate(badge: Badge, sessions: list[dict], broken: dict, today: date) -> tuple[int, datetime | None]:
    """(progress now, when the target was first reached) over the person's sessions in time order."""
    earned_at, value = None, 0
    seen, last_day = set(), None
    avoid = set(badge.rule_ids) | set(badge.behaviors)
    for s in sessions:
        if not badge.matches(s):
            continue
        if badge.kind == "count":
            value += 1
        elif badge.kind == "streak_without":
            value = 0 if broken.get(s["session_id"], set()) & avoid else value + 1
        elif badge.kind in ("distinct_scenarios", "distinct_tracks"):
            seen.add(s["scenario_id"] if badge.kind == "distinct_scenarios" else s["track"])
            value = len(seen)
        else:  # practice_days_streak
            day = s["started_at"].date()
            if day != last_day:
                value = value + 1 if last_day is not None and day - last_day == timedelta(days=1) else 1
                last_day = day
        if earned_at is None and value >= badge.n:
            earned_at = s["started_at"]
    if badge.kind == "practice_days_streak" and last_day is not None and (today - last_day).days > 1:
        value = 0  # a day has passed without practice: the current streak is over
    return value, earned_at


def badges(uow, person_id: int, definitions: list[Badge] | None = None, *, today: date | None = None) -> list[dict]:
    """Every badge with whether the person has earned it, when (the session that reached the target) and
    progress towards it: progress / target (the current run for streaks; the target once earned).
    Sessions count when completed and scored; scores are the trainer-approved ones where they exist."""
    definitions = load_badges() if definitions is None else definitions
    sessions = sv.progress(uow, person_id)  # one person's rows, in time order
    rule_ids = {r for b in definitions if b.kind == "streak_without" for r in b.rule_ids}
    tags = {t for b in definitions if b.kind == "streak_without" for t in b.behaviors}
    broken = _broken_sessions(uow, person_id, rule_ids, tags) if rule_ids or tags else {}
    today = today or datetime.now(timezone.utc).date()
    out = []
    for b in definitions:
        value, earned_at = _evaluate(b, sessions, broken, today)
        shown = b.n if earned_at is not None else min(value, b.n)
        out.append({"id": b.id, "title": b.title, "description": b.description, "kind": b.kind,
                    "earned": earned_at is not None, "earned_at": earned_at, "progress": shown, "target": b.n,
                    "fraction": round(shown / b.n, 3), "label": f"{shown}/{b.n}"})
    return out


# -- a trainee's progress --------------------------------------------------------------------------

def _streaks(days: set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days; the current run may end today or yesterday."""
    longest = run = 0
    prev = None
    for d in sorted(days):
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        longest, prev = max(longest, run), d
    current = 0
    d = today if today in days else today - timedelta(days=1)
    while d in days:
        current, d = current + 1, d - timedelta(days=1)
    return current, longest


def progress_summary(uow, person_id: int, since=None, *, top: int = 5, today: date | None = None) -> dict:
    """The "My progress" page: sessions over time, category means by ISO week, practice-day streaks, the
    standards broken most often (with the latest example and a better way to say it) and outcomes.
    Streaks are over all the person's sessions (UTC days), the rest over sessions started since `since`."""
    since_dt = sv.as_utc(since, "since")
    every = sv.progress(uow, person_id)
    rows = [r for r in every if since_dt is None or r["started_at"] >= since_dt]
    sessions = [{"session_id": r["session_id"], "started_at": r["started_at"], "date": r["started_at"].date(),
                 "score": r["score"], "machine": r["machine"], "scenario_id": r["scenario_id"], "track": r["track"],
                 "difficulty": r["difficulty"], "outcome": r["outcome"]} for r in rows]

    weekly = defaultdict(list)
    for r in rows:
        for cat, score in (r["categories"] or {}).items():
            weekly[(_monday(r["started_at"].date()), cat)].append(score)
    by_week = [{"week": _week_label(monday), "week_start": monday, "category": cat,
                "mean": round(sum(v) / len(v), 1), "sessions": len(v)}
               for (monday, cat), v in sorted(weekly.items())]

    today = today or datetime.now(timezone.utc).date()
    current, longest = _streaks({r["started_at"].date() for r in every}, today)

    # standards broken most: counted in SQL, then the latest finding of each (preferring one with words)
    base = (_scored_sessions().join(FindingRecord, FindingRecord.scorecard_id == ScorecardRecord.id)
            .where(PracticeSession.person_id == person_id))
    if since_dt is not None:
        base = base.where(PracticeSession.started_at >= since_dt)
    counts = uow.session.execute(base.add_columns(FindingRecord.rule_id, func.count().label("n"),
                                                  func.count(distinct(PracticeSession.id)).label("sessions"))
                                 .group_by(FindingRecord.rule_id)
                                 .order_by(func.count().desc(), FindingRecord.rule_id).limit(top)).all()
    examples = {}
    if counts:
        ranked = base.add_columns(
            FindingRecord.rule_id, FindingRecord.span_text, FindingRecord.suggestion, FindingRecord.message,
            PracticeSession.id.label("session_id"), PracticeSession.started_at,
            func.row_number().over(partition_by=FindingRecord.rule_id, order_by=[
                case((FindingRecord.span_text.is_(None), 1), else_=0), PracticeSession.started_at.desc(),
                FindingRecord.id.desc()]).label("pos")).where(
            FindingRecord.rule_id.in_([c.rule_id for c in counts])).subquery()
        for e in uow.session.execute(select(ranked).where(ranked.c.pos == 1)):
            examples[e.rule_id] = {"span_text": e.span_text, "suggestion": e.suggestion, "message": e.message,
                                   "session_id": e.session_id, "started_at": e.started_at}
    info = _rule_info(uow)
    most_broken = [{"rule_id": c.rule_id, "title": info.get(c.rule_id, {}).get("title"),
                    "category": info.get(c.rule_id, {}).get("category"), "count": c.n, "sessions": c.sessions,
                    "last_example": examples.get(c.rule_id)} for c in counts]
    return {"sessions": sessions, "categories_by_week": by_week,
            "streak": {"current": current, "longest": longest}, "most_broken": most_broken,
            "outcomes": dict(Counter(r["outcome"] for r in rows))}


# -- the managers' team dashboard ------------------------------------------------------------------

def team_heatmap(uow, since, until, team_id=None) -> list[dict]:
    """Standards broken by team and ISO week, for sessions started in [since, until): one row per team,
    week and rule with the findings, the sessions breaking it and the team's scored sessions that week.
    Every finding of the period is joined: with 100,000 sessions a year, a quarter of the whole company takes
    about 0.3-0.6 s, a year 1-3 s (one team: well under 0.1 s)."""
    since, until = _period(since, until)
    weeks = _weeks(since, until)

    def scoped(q):
        q = q.where(PracticeSession.started_at >= since, PracticeSession.started_at < until)
        return q.where(Person.team_id == team_id) if team_id is not None else q

    labels = [(_week_label(w.date()), w.date()) for w in weeks]
    week = _week_index(PracticeSession.started_at, weeks)
    base = _scored_sessions().join(Person, Person.id == PracticeSession.person_id)
    # the week column is computed in a subquery and grouped outside: PostgreSQL would not match a GROUP BY
    # CASE with its own bound parameters to the one in the SELECT list
    f = scoped(base.join(FindingRecord, FindingRecord.scorecard_id == ScorecardRecord.id)
               .add_columns(Person.team_id, week.label("week"), FindingRecord.rule_id,
                            PracticeSession.id.label("session_id"))).subquery()
    found = uow.session.execute(select(f.c.team_id, f.c.week, f.c.rule_id, func.count(),
                                       func.count(distinct(f.c.session_id)))
                                .group_by(f.c.team_id, f.c.week, f.c.rule_id)).all()
    s = scoped(base.add_columns(Person.team_id, week.label("week"))).subquery()
    sessions = {(t, w): n for t, w, n in uow.session.execute(
        select(s.c.team_id, s.c.week, func.count()).group_by(s.c.team_id, s.c.week))}
    teams = dict(uow.session.execute(select(Team.id, Team.name)).all())
    info = _rule_info(uow)
    rows = []
    for team, w, rule, n, breaking in found:
        total = sessions.get((team, w), 0)
        rows.append({"team_id": team, "team": teams.get(team, NO_TEAM), "week": labels[w][0],
                     "week_start": labels[w][1], "rule_id": rule, "title": info.get(rule, {}).get("title"),
                     "category": info.get(rule, {}).get("category"), "findings": n, "sessions_breaking": breaking,
                     "sessions": total, "share": round(breaking / total, 3) if total else None})
    rows.sort(key=lambda r: (r["team"], r["week_start"], -r["findings"], r["rule_id"]))
    return rows


def team_progress(uow, since, until, team_id=None, *, per: str = "person") -> list[dict]:
    """Mean score and sessions per ISO week in [since, until) (trainer-approved scores where they exist),
    per person (a line each) or, with per="team", per team (the company view: rows stay few however
    many people there are). People deleted on request are left out."""
    if per not in ("person", "team"):
        raise ValueError(f"per: {per!r}; expected 'person' or 'team'")
    since, until = _period(since, until)
    weeks = _weeks(since, until)
    labels = [(_week_label(w.date()), w.date()) for w in weeks]
    ov = sv.approved_overrides()
    q = (_scored_sessions().join(Person, Person.id == PracticeSession.person_id)
         .outerjoin(ov, ov.c.scorecard_id == ScorecardRecord.id)
         .add_columns(Person.id.label("person_id"), Person.name, Person.team_id,
                      _week_index(PracticeSession.started_at, weeks).label("week"),
                      func.coalesce(ov.c.override, ScorecardRecord.overall).label("score"))
         .where(PracticeSession.started_at >= since, PracticeSession.started_at < until, Person.deleted_at.is_(None)))
    if team_id is not None:
        q = q.where(Person.team_id == team_id)
    sub = q.subquery()
    teams = dict(uow.session.execute(select(Team.id, Team.name)).all())
    if per == "team":
        agg = uow.session.execute(select(sub.c.team_id, sub.c.week, func.avg(sub.c.score), func.count())
                                  .group_by(sub.c.team_id, sub.c.week).order_by(sub.c.team_id, sub.c.week)).all()
        return [{"team_id": team, "team": teams.get(team, NO_TEAM), "week": labels[w][0], "week_start": labels[w][1],
                 "mean": round(float(mean), 1), "sessions": n} for team, w, mean, n in agg]
    agg = uow.session.execute(select(sub.c.person_id, sub.c.name, sub.c.team_id, sub.c.week, func.avg(sub.c.score),
                                     func.count())
                              .group_by(sub.c.person_id, sub.c.name, sub.c.team_id, sub.c.week)
                              .order_by(sub.c.name, sub.c.person_id, sub.c.week)).all()
    return [{"person_id": pid, "name": name, "team_id": team, "team": teams.get(team, NO_TEAM),
             "week": labels[w][0], "week_start": labels[w][1], "mean": round(float(mean), 1), "sessions": n}
            for pid, name, team, w, mean, n in agg]
