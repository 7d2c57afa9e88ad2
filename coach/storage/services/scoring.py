"""Scoring stored sessions: standards versions, scorecards with their findings, rescoring."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select, update

from coach.storage.errors import InvalidRecord, NotFound, UnknownStandardsVersion
from coach.storage.models import (
    SEVERITIES,
    FindingRecord,
    PracticeSession,
    ScorecardRecord,
    StandardsVersion,
    utcnow,
)
from coach.storage.services.common import as_utc, checked_text, get_record, one_of, turn_records
from coach.transcript import Transcript, Turn


def register_standards(uow, pack, detector_version: str) -> int:
    """Record a pack version (with its rules) so scorecards made with it can be stored and explained later.
    Registering the same version again returns the existing id."""
    found = uow.session.execute(select(StandardsVersion.id).where(
        StandardsVersion.pack_id == pack.id, StandardsVersion.version == pack.version,
        StandardsVersion.detector_version == detector_version)).scalar_one_or_none()
    if found is not None:
        return found
    rules = [{"id": r.id, "title": r.title, "category": r.category, "severity": r.severity, "weight": r.weight,
              "type": r.type} for r in pack.rules]
    sv = StandardsVersion(pack_id=pack.id, version=pack.version, detector_version=detector_version, rules=rules,
                          registered_at=utcnow())
    uow.session.add(sv)
    uow.session.flush()
    return sv.id


def _standards_version(uow, standards) -> StandardsVersion:
    if not isinstance(standards, dict) or not all(isinstance(standards.get(k), str)
                                                  for k in ("pack", "version", "detector")):
        raise InvalidRecord(f"scorecard 'standards' must be {{'pack', 'version', 'detector'}} strings, "
                            f"got {standards!r}")
    sv = uow.session.execute(select(StandardsVersion).where(
        StandardsVersion.pack_id == standards["pack"], StandardsVersion.version == standards["version"],
        StandardsVersion.detector_version == standards["detector"])).scalar_one_or_none()
    if sv is None:
        known = uow.session.execute(select(StandardsVersion.pack_id, StandardsVersion.version)
                                    .order_by(StandardsVersion.id.desc()).limit(3)).all()
        known_s = ", ".join(f"{p} @ {v}" for p, v in known) or "none yet"
        raise UnknownStandardsVersion(
            f"the scorecard was made with standards {standards['pack']} @ {standards['version']} (detector "
            f"{standards['detector']}), which this database has never registered (latest known: {known_s}); "
            f"register the pack first (services.register_standards, done by `coach rescore` and the bot at start)")
    return sv


def session_transcript(uow, session_id: int) -> Transcript:
    """The stored turns as a transcript the standards engine can score (turn i is the turn with seq i)."""
    s = get_record(uow, PracticeSession, session_id, "practice session")
    turns = [Turn(speaker=t.speaker, text=t.text if t.speaker != "system" else "", t=t.t,
                  event=t.event if t.speaker == "system" else None, voice=t.voice if t.speaker == "staff" else None)
             for t in turn_records(uow, session_id)]
    channel = "phone" if s.channel == "phone" else "chat"
    return Transcript(turns=turns, channel=channel, scenario=s.scenario_id,
                      meta={"session_id": s.id, "complaint": s.track == "complaint"})


def record_scorecard(uow, session_id: int, card, *, reason: str = "live") -> int:
    """Store a scorecard (an engine Scorecard or its as_dict()) as the session's current one; earlier
    scorecards stay, marked as history."""
    session = get_record(uow, PracticeSession, session_id, "practice session")
    d = card.as_dict() if hasattr(card, "as_dict") else card
    if not isinstance(d, dict):
        raise InvalidRecord(f"scorecard: expected a Scorecard or its dict, got {type(card).__name__}")
    overall = d.get("overall")
    if isinstance(overall, bool) or not isinstance(overall, int) or not 0 <= overall <= 100:
        raise InvalidRecord(f"scorecard 'overall': {overall!r}; expected a whole number from 0 to 100")
    sv = _standards_version(uow, d.get("standards"))
    weights = {r["id"]: r["weight"] for r in sv.rules}
    turns = turn_records(uow, session_id)
    rows = []
    for n, f in enumerate(d.get("findings") or []):
        where = f"scorecard findings[{n}]"
        if not isinstance(f, dict):
            raise InvalidRecord(f"{where}: expected an object, got {type(f).__name__}")
        if f.get("rule") not in weights:
            raise InvalidRecord(f"{where}: rule {f.get('rule')!r} is not in standards {sv.pack_id} @ {sv.version}")
        one_of(f.get("severity"), SEVERITIES, f"{where}.severity")
        idx = f.get("turn")
        if idx is not None and (isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < len(turns)):
            raise InvalidRecord(f"{where}: turn {idx!r} does not exist; session {session_id} has {len(turns)} turns")
        span = f.get("span") or {}
        rows.append(FindingRecord(
            turn_id=turns[idx].id if idx is not None else None, turn_seq=turns[idx].seq if idx is not None else None,
            rule_id=f["rule"], standards_version_id=sv.id, severity=f["severity"],
            category=f.get("category") or "", span_start=span.get("start"), span_end=span.get("end"),
            span_text=span.get("text"), message=checked_text(f.get("message"), f"{where}.message"),
            suggestion=f.get("suggestion"), fix=f.get("fix"), points=float(weights[f["rule"]])))
    uow.session.execute(update(ScorecardRecord).where(ScorecardRecord.session_id == session_id,
                                                      ScorecardRecord.is_current.is_(True)).values(is_current=False))
    rec = ScorecardRecord(session_id=session.id, standards_version_id=sv.id, overall=overall,
                          categories=d.get("categories") or {}, explanation=d.get("explanation") or [],
                          met=d.get("met") or [], missed=d.get("missed") or [],
                          not_applicable=d.get("not_applicable") or [], warnings=d.get("warnings") or [],
                          is_current=True, reason=reason, created_at=utcnow())
    uow.session.add(rec)
    uow.session.flush()
    for row in rows:
        row.scorecard_id = rec.id
    uow.session.add_all(rows)
    uow.session.flush()
    return rec.id


def score_session(uow, session_id: int, scorer, *, reason: str = "live") -> int:
    """Score the stored turns with the current standards and store the scorecard."""
    from coach.detect import detector_version

    transcript = session_transcript(uow, session_id)
    if not transcript.staff_turns:
        raise InvalidRecord(f"practice session {session_id} has no staff turn to score")
    register_standards(uow, scorer.pack, detector_version())
    return record_scorecard(uow, session_id, scorer.score(transcript), reason=reason)


def finding_dict(f: FindingRecord) -> dict:
    return {"id": f.id, "turn_seq": f.turn_seq, "rule": f.rule_id, "severity": f.severity, "category": f.category,
            "span": ({"start": f.span_start, "end": f.span_end, "text": f.span_text}
                     if f.span_start is not None else None),
            "message": f.message, "suggestion": f.suggestion, "fix": f.fix, "points": f.points}


def card_dict(c: ScorecardRecord) -> dict:
    sv = c.standards_version
    return {"id": c.id, "overall": c.overall, "categories": c.categories, "explanation": c.explanation,
            "met": c.met, "missed": c.missed, "not_applicable": c.not_applicable, "warnings": c.warnings,
            "is_current": c.is_current, "reason": c.reason, "created_at": c.created_at,
            "standards": {"pack": sv.pack_id, "version": sv.version, "detector": sv.detector_version}}


@dataclass
class RescorePlan:
    """The sessions a rescore scores again (`todo`: session id, its scorecard's standards version id and overall
    score, None when it has none) and the summary so far, which rescore_batch brings up to date."""

    standards_version_id: int
    todo: list[tuple[int, int | None, int | None]]
    versions: dict[int, tuple[str, str, str]]  # standards version id -> (pack version, detector version, pack id)
    summary: dict
    total_change: int = 0

    def batches(self, size: int = 200):
        """The sessions to score, `size` at a time: one unit of work each, so an interruption keeps what was done."""
        for start in range(0, len(self.todo), size):
            yield self.todo[start:start + size]


def plan_rescore(uow, standards_version_id: int, *, since, until=None, force: bool = False,
                 language: str | None = None) -> RescorePlan:
    """The completed sessions started in [since, until) to score again with a registered standards version
    (register_standards), only those held in `language` when it is given (a pack scores its own language). A
    session whose current scorecard already has that version is skipped (scoring is deterministic) unless force.
    Reads only."""
    since_dt, until_dt = as_utc(since, "since"), as_utc(until, "until")
    q = (select(PracticeSession.id, ScorecardRecord.standards_version_id, ScorecardRecord.overall)
         .outerjoin(ScorecardRecord, and_(ScorecardRecord.session_id == PracticeSession.id,
                                          ScorecardRecord.is_current.is_(True)))
         .where(PracticeSession.status == "completed", PracticeSession.started_at >= since_dt))
    if until_dt is not None:
        q = q.where(PracticeSession.started_at < until_dt)
    if language is not None:
        q = q.where(PracticeSession.language == language)
    rows = uow.session.execute(q.order_by(PracticeSession.id)).all()
    versions = {v.id: (v.version, v.detector_version, v.pack_id)
                for v in uow.session.execute(select(StandardsVersion)).scalars()}
    if standards_version_id not in versions:
        raise NotFound(f"there is no standards version with id {standards_version_id}; register the pack first")
    new = versions[standards_version_id]
    todo = [(sid, old_sv, old) for sid, old_sv, old in rows if force or old_sv != standards_version_id]
    summary = {"sessions": len(rows), "rescored": 0, "skipped": len(rows) - len(todo), "changed": 0,
               "mean_change": 0.0, "pack_changed": 0, "detector_changed": 0,
               "standards_version_id": standards_version_id, "pack": new[2], "version": new[0], "detector": new[1]}
    return RescorePlan(standards_version_id, todo, versions, summary)


def rescore_batch(uow, scorer, plan: RescorePlan, batch) -> None:
    """Score one batch of the plan's sessions again with `scorer` (whose standards are the plan's version) and
    count what changed in plan.summary. The old scorecards stay as history. The caller commits."""
    summary, versions = plan.summary, plan.versions
    new = versions[plan.standards_version_id]
    for sid, old_sv, old in batch:
        card_id = score_session(uow, sid, scorer, reason="rescore")
        overall = uow.session.get(ScorecardRecord, card_id).overall
        summary["rescored"] += 1
        if old is not None and overall != old:
            summary["changed"] += 1
            plan.total_change += overall - old
        if old_sv is not None and old_sv in versions:
            summary["pack_changed"] += versions[old_sv][0] != new[0]
            summary["detector_changed"] += versions[old_sv][1] != new[1]
    if summary["changed"]:
        summary["mean_change"] = round(plan.total_change / summary["changed"], 1)
