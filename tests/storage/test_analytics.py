"""The panel's analytics on SQLite and PostgreSQL: calibration, badges, a trainee's progress, team dashboards.
Sessions are recorded through the services and scored by the real engine; expected figures are worked out
by hand from the two transcripts of conftest (GOOD_CHAT: findings CO008, CT001, CT014; POOR_CHAT: two CO010
blame findings, five CO011, and more)."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from coach import analytics as an
from coach.storage import InvalidRecord
from coach.storage import services as sv
from coach.storage.models import TurnRecord

from .conftest import GOOD_CHAT, POOR_CHAT

UTC = timezone.utc
# the machine's scores of the two transcripts (worked out from their findings: GOOD_CHAT misses CO008, CT001 and
# CT014, 12.2 points, CT014 at a quarter as the same brisk register as CT001; POOR_CHAT loses 223.8, CO002 and CO008
# at a quarter as the same omission as CO001, PH010 as the same as PH011, CO007, CT003 and CT014 as the same register
# as CT001): 100 x 0.5^(12.2/60) and 100 x 0.5^(223.8/60)
GOOD_SCORE, POOR_SCORE = 87, 8
MON = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # Monday of ISO week 2026-W45


def at(days, hours=0):
    return MON + timedelta(days=days, hours=hours)


def review(db, sid, reviewer, *, status="approved", reject=None, add=(), agree_all=False, override=None):
    """A review of a session: reject={"CO010": 1} rejects the first finding of CO010; add=["CO010"] adds one."""
    with db.uow() as uow:
        findings = sv.session_detail(uow, sid)["findings"]
        verdicts, left = [], dict(reject or {})
        for f in findings:
            if left.get(f["rule"], 0) > 0:
                left[f["rule"]] -= 1
                verdicts.append({"finding_id": f["id"], "verdict": "reject", "reason": "fine in context"})
            elif agree_all:
                verdicts.append({"finding_id": f["id"], "verdict": "agree"})
        verdicts += [{"verdict": "add", "rule": r, "turn_seq": 1, "reason": "missed"} for r in add]
        machine = sv.session_detail(uow, sid)["scorecard"]["overall"]
        rid = sv.record_review(uow, session_id=sid, reviewer_id=reviewer, status=status, verdicts=verdicts,
                               overall_override=None if override is None else machine + override,
                               overall_reason="checked on review" if override is not None else None)
        if status == "approved" and sv.needs_second_approver(uow, machine,
                                                             None if override is None else machine + override):
            # four eyes: a change of more than 10 points counts once a manager approves it too
            sv.approve_review(uow, rid, approver_id=sv.list_people(uow, role="manager")[0]["id"])
        uow.commit()


def by_rule(result):
    return {r["rule_id"]: r for r in result["per_rule"]}


# -- calibration -----------------------------------------------------------------------------------

def test_kappa_of_textbook_tables():
    # the textbook table: 20 both yes, 5 and 10 split, 15 both no: p_o = 0.7, p_e = 0.5, kappa = 0.4
    assert an.kappa(20, 5, 10, 15) == pytest.approx(0.4)
    assert an.kappa(7, 0, 0, 3) == pytest.approx(1.0)
    assert an.kappa(0, 5, 5, 0) == pytest.approx(-1.0)
    # one rater constant, the other not: p_o = p_e, kappa 0
    assert an.kappa(0, 0, 3, 7) == pytest.approx(0.0)
    # both raters constant and the same: expected agreement 1, kappa 0/0 is undefined
    assert an.kappa(0, 0, 0, 9) is None and an.kappa(9, 0, 0, 0) is None and an.kappa(0, 0, 0, 0) is None


def test_calibration_per_rule_and_overall(db, company, record):
    tess = company["tess"]
    p1, p2, p3 = (record(company["anna"], POOR_CHAT, started_at=at(i)) for i in range(3))
    g1, g2 = (record(company["anna"], GOOD_CHAT, started_at=at(3 + i)) for i in range(2))
    ignored = record(company["anna"], POOR_CHAT, started_at=at(6))
    review(db, p1, tess)                                   # no verdicts: every finding counts as agreed
    review(db, p2, tess, reject={"CO010": 1}, agree_all=True)  # one of two blame findings rejected: broken
    review(db, p3, tess, reject={"CO010": 2}, override=20)  # both rejected: the trainer says not broken
    review(db, g1, tess, add=["CO010"], override=-5)  # the trainer saw blame the machine missed
    review(db, g2, tess, status="disputed")
    review(db, ignored, tess, status="pending", reject={"CO011": 5})  # pending reviews do not count

    with db.reader() as uow:
        cal = an.calibration(uow)
    assert cal["reviews"] == 5 and cal["scorecards"] == 5
    rules = by_rule(cal)
    # CO010, machine x trainer: p1 yes/yes, p2 yes/yes, p3 yes/no, g1 no/yes, g2 no/no
    # p_o = 3/5; both say yes 3/5 of the time: p_e = 0.6^2 + 0.4^2 = 0.52; kappa = 0.08 / 0.48 = 1/6
    blame = rules["CO010"]
    cells = (blame["n"], blame["both"], blame["machine_only"], blame["trainer_only"], blame["neither"])
    assert cells == (5, 2, 1, 1, 1)
    assert blame["agreement"] == 60.0 and blame["kappa"] == pytest.approx(1 / 6, abs=1e-3)
    assert blame["title"] == "Never blame the customer, a colleague or a partner" and blame["category"] == "complaint"
    # the rule trainers disagree on comes first; the pending review's rejections changed nothing
    assert cal["per_rule"][0]["rule_id"] == "CO010"
    assert rules["CO011"]["kappa"] == 1.0 and rules["CO011"]["both"] == 3 and rules["CO011"]["neither"] == 2
    # CT001 is found in every session and nobody disagreed: kappa undefined, said so, listed after the others
    ct001 = rules["CT001"]
    assert ct001["kappa"] is None and ct001["kappa_undefined"] and ct001["agreement"] == 100.0
    assert cal["per_rule"][-1]["kappa"] is None
    # telephone rules never applied to these chats: not counted at all
    assert not [r for r in rules if r.startswith("TE")]
    overall = cal["overall"]
    assert overall["machine_only"] == 1 and overall["trainer_only"] == 1
    assert overall["n"] == sum(r["n"] for r in cal["per_rule"]) and 0 < overall["kappa"] < 1
    # overall scores: +20 and -5 against the machine
    assert cal["score"] == {"reviews": 2, "mean_abs_diff": 12.5, "mean_diff": 7.5}

    with db.reader() as uow:
        assert an.calibration(uow, team_id=company["sales"])["per_rule"] == []
        assert an.calibration(uow, since=at(3))["reviews"] == 2
        assert an.calibration(uow, until=at(1))["reviews"] == 1


def test_perfect_agreement_gives_kappa_one(db, company, record):
    for i, transcript in enumerate([POOR_CHAT, GOOD_CHAT, POOR_CHAT, GOOD_CHAT]):
        sid = record(company["anna"], transcript, started_at=at(i))
        review(db, sid, company["tess"], agree_all=i % 2 == 0)
    with db.reader() as uow:
        cal = an.calibration(uow)
    assert cal["overall"]["kappa"] == 1.0 and cal["overall"]["agreement"] == 100.0
    assert all(r["kappa"] in (1.0, None) and r["disagreements"] == 0 for r in cal["per_rule"])
    assert by_rule(cal)["CO010"]["kappa"] == 1.0 and cal["score"]["reviews"] == 0


# -- badges ----------------------------------------------------------------------------------------

def badges_file(tmp_path, body):
    path = tmp_path / "badges.yml"
    path.write_text("badges:\n" + body)
    return path


def test_the_shipped_badges_load_and_name_real_standards(pack):
    badges = {b.id: b for b in an.load_badges()}
    assert {"first_resolved", "complaints_resolved_10", "no_blame_20", "practice_streak_5", "all_tracks",
            "hard_90"} <= set(badges)
    assert badges["complaints_resolved_10"].where == {"track": "complaint", "outcome": "resolved"}
    blame = badges["no_blame_20"]
    assert blame.kind == "streak_without" and blame.n == 20 and blame.rule_ids == ["CO010"]
    assert pack.rule("CO010").spec["behaviors"] == ["blame"]  # CO010 is the standard that catches blame


def test_a_badge_is_earned_exactly_at_its_threshold(db, company, record, tmp_path):
    defs = an.load_badges(badges_file(tmp_path, """
  - {id: resolved_3, title: Three, description: d, rule: {kind: count, n: 3, track: complaint, outcome: resolved}}
  - {id: hard_90, title: Hard, description: d, rule: {kind: count, n: 1, difficulty: 3, min_score: 85}}
  - {id: tracks, title: Tracks, description: d, rule: {kind: distinct_tracks, n: 2}}
"""))
    anna = company["anna"]
    record(anna, GOOD_CHAT, started_at=at(0))
    record(anna, GOOD_CHAT, started_at=at(1), outcome="escalated")  # not resolved: does not count
    record(anna, GOOD_CHAT, started_at=at(2), track="phrasing")      # another track: does not count
    record(anna, GOOD_CHAT, started_at=at(3))
    with db.reader() as uow:
        got = {b["id"]: b for b in an.badges(uow, anna, defs)}
    assert not got["resolved_3"]["earned"] and got["resolved_3"]["earned_at"] is None
    assert (got["resolved_3"]["progress"], got["resolved_3"]["target"], got["resolved_3"]["label"]) == (2, 3, "2/3")
    assert not got["hard_90"]["earned"]  # GOOD_CHAT scores 86, but at difficulty 2
    assert got["tracks"]["earned"] and got["tracks"]["earned_at"] == at(2)
    record(anna, GOOD_CHAT, started_at=at(4), difficulty=3)
    with db.reader() as uow:
        got = {b["id"]: b for b in an.badges(uow, anna, defs)}
    assert got["resolved_3"]["earned"] and got["resolved_3"]["earned_at"] == at(4)
    assert got["resolved_3"]["label"] == "3/3" and got["resolved_3"]["fraction"] == 1.0
    assert got["hard_90"]["earned"] and got["hard_90"]["earned_at"] == at(4)
    with db.reader() as uow:  # somebody else's sessions do not count
        assert not any(b["earned"] for b in an.badges(uow, company["omar"], defs))


def test_streak_badges_break_on_a_finding_a_behaviour_or_a_missed_day(db, company, record, tmp_path):
    defs = an.load_badges(badges_file(tmp_path, """
  - {id: no_blame, title: No blame, description: d, rule: {kind: streak_without, n: 2, rule_ids: [CO010]}}
  - {id: no_blame_tag, title: No blame tag, description: d, rule: {kind: streak_without, n: 2, behaviors: [blame]}}
  - {id: days_3, title: Three days, description: d, rule: {kind: practice_days_streak, n: 3}}
"""))
    anna = company["anna"]
    record(anna, GOOD_CHAT, started_at=at(0))
    poor = record(anna, POOR_CHAT, started_at=at(1))  # blame: both streaks start again
    record(anna, GOOD_CHAT, started_at=at(1, 2))     # a second session the same day is the same practice day
    tagged = record(anna, GOOD_CHAT, started_at=at(3))  # day 2 missed: the day streak starts again
    with db.uow() as uow:  # the detector's tags (the test recorder stores none): blame in POOR_CHAT's first
        # reply, and in a reply of a good session that no standard flagged
        for sid, tags in ((poor, ["blame", "dismissive"]), (tagged, ["empathy", "blame"])):
            uow.session.execute(update(TurnRecord).where(TurnRecord.session_id == sid, TurnRecord.seq == 1)
                                .values(behaviors=tags))
        uow.commit()
    with db.reader() as uow:
        got = {b["id"]: b for b in an.badges(uow, anna, defs, today=at(3).date())}
    assert got["no_blame"]["earned"] and got["no_blame"]["earned_at"] == at(3)
    assert not got["no_blame_tag"]["earned"] and got["no_blame_tag"]["progress"] == 0
    assert not got["days_3"]["earned"] and got["days_3"]["progress"] == 1
    record(anna, GOOD_CHAT, started_at=at(4))
    record(anna, GOOD_CHAT, started_at=at(5))
    with db.reader() as uow:
        got = {b["id"]: b for b in an.badges(uow, anna, defs, today=at(5).date())}
        later = {b["id"]: b for b in an.badges(uow, anna, defs, today=at(9).date())}
    assert got["no_blame_tag"]["earned"] and got["no_blame_tag"]["earned_at"] == at(5)
    assert got["days_3"]["earned"] and got["days_3"]["earned_at"] == at(5)
    # once earned, a badge stays earned when the streak is over
    assert later["days_3"]["earned"] and later["days_3"]["label"] == "3/3"


@pytest.mark.parametrize("body, where, message", [
    ("  - {id: a, title: A, description: d, rule: {kind: sometimes, n: 3}}", "badges.0.rule.kind",
     "'sometimes' is not one of count, streak_without"),
    ("  - {id: a, title: A, description: d, rule: {kind: count, n: 0}}", "badges.0.rule.n",
     "expected a whole number from 1"),
    ("  - {id: a, title: A, description: d, rule: {kind: count, n: 2, track: sales}}", "badges.0.rule.track",
     "'sales': expected one of phrasing, telephone, complaint"),
    ("  - {id: a, title: A, description: d, rule: {kind: count, n: 2, colour: red}}", "badges.0.rule.colour",
     "unknown key(s) colour for kind count"),
    ("  - {id: a, title: A, description: d, rule: {kind: streak_without, n: 2, behaviors: [shouting]}}",
     "badges.0.rule.behaviors", "expected a list of behaviour tags"),
    ("  - {id: a, title: A, description: d, rule: {kind: streak_without, n: 2}}", "badges.0.rule",
     "needs rule_ids"),
    ("  - {id: a, description: d, rule: {kind: count, n: 2}}", "badges.0", "missing required key 'title'"),
    ("  - {id: Big Badge, title: A, description: d, rule: {kind: count, n: 2}}", "badges.0.id",
     "use lower-case letters"),
    ("  - {id: a, title: A, description: d, rule: {kind: count, n: 1}}\n"
     "  - {id: a, title: B, description: d, rule: {kind: count, n: 2}}", "badges.1.id", "already used by badges.0"),
    ("  nothing: here", "badges", "expected 'badges:' with a list"),
])
def test_bad_badge_files_say_file_line_and_key(tmp_path, body, where, message):
    path = badges_file(tmp_path, body)
    with pytest.raises(an.BadgeError) as err:
        an.load_badges(path)
    text = str(err.value)
    assert text.startswith(f"{path}:") and f": {where}: " in text and message in text, text
    line = int(text[len(str(path)) + 1:].split(":")[0])
    assert 1 <= line <= len(path.read_text().splitlines())


def test_a_badge_file_that_is_not_yaml_says_where(tmp_path):
    path = badges_file(tmp_path, "  - {id: a, title: [unclosed\n")
    with pytest.raises(an.BadgeError, match=rf"{path}:\d+: not valid YAML"):
        an.load_badges(path)
    with pytest.raises(an.BadgeError, match="no such file"):
        an.load_badges(tmp_path / "missing.yml")


# -- a trainee's progress --------------------------------------------------------------------------

def test_progress_summary(db, company, record):
    anna = company["anna"]
    # Mon, Tue, (Wed missed), Thu, Fri, Sat; then the next week's Monday
    days = [0, 1, 3, 4, 5, 7]
    ids = [record(anna, POOR_CHAT if d in (0, 7) else GOOD_CHAT, started_at=at(d),
                  outcome="escalated" if d in (0, 7) else "resolved") for d in days]
    with db.reader() as uow:
        s = an.progress_summary(uow, anna, today=at(7).date())
        sat = an.progress_summary(uow, anna, today=at(5).date())
        gone = an.progress_summary(uow, anna, today=at(10).date())
        recent = an.progress_summary(uow, anna, since=at(3), today=at(7).date())
        cards = {sid: sv.session_detail(uow, sid)["scorecard"]["categories"] for sid in ids}
    assert [x["session_id"] for x in s["sessions"]] == ids and s["sessions"][0]["date"] == date(2026, 11, 2)
    assert s["sessions"][1]["score"] == GOOD_SCORE and s["sessions"][0]["track"] == "complaint"
    # the missed Wednesday breaks the streak: Mon-Tue (2) and Thu-Fri-Sat (3); Sunday missed too
    assert s["streak"] == {"current": 1, "longest": 3}
    assert sat["streak"]["current"] == 3
    assert gone["streak"] == {"current": 0, "longest": 3}
    assert recent["streak"] == s["streak"]  # streaks are over all sessions, not only the period
    # category means per ISO week, from the scorecards' categories
    weeks = {(w["week"], w["category"]): w for w in s["categories_by_week"]}
    w45 = [cards[sid]["complaint"] for sid in ids[:5]]
    assert weeks[("2026-W45", "complaint")]["mean"] == round(sum(w45) / 5, 1)
    assert weeks[("2026-W45", "complaint")]["sessions"] == 5
    assert weeks[("2026-W46", "complaint")]["mean"] == cards[ids[5]]["complaint"]
    assert weeks[("2026-W46", "complaint")]["week_start"] == date(2026, 11, 9)
    # the standards broken most: CO011 five times in each POOR session
    top = s["most_broken"][0]
    assert (top["rule_id"], top["count"], top["sessions"]) == ("CO011", 10, 2)
    assert top["title"] and top["last_example"]["session_id"] == ids[5]
    assert top["last_example"]["span_text"] and top["last_example"]["suggestion"]
    assert s["outcomes"] == {"escalated": 2, "resolved": 4}
    with db.reader() as uow:  # somebody who never practised
        assert an.progress_summary(uow, company["omar"]) == {
            "sessions": [], "categories_by_week": [], "streak": {"current": 0, "longest": 0}, "most_broken": [],
            "outcomes": {}}
    assert recent["outcomes"] == {"escalated": 1, "resolved": 3} and len(recent["sessions"]) == 4
    assert {r["rule_id"] for r in recent["most_broken"]} >= {"CO011", "CO010"}


# -- the team dashboard ----------------------------------------------------------------------------

def test_team_heatmap_and_progress_by_week(db, company, record):
    anna, omar, tess = company["anna"], company["omar"], company["tess"]
    sunday_late = datetime(2026, 11, 8, 23, 30, tzinfo=UTC)   # still ISO week 45
    monday_early = datetime(2026, 11, 9, 0, 10, tzinfo=UTC)   # week 46
    a1 = record(anna, POOR_CHAT, started_at=at(0))
    record(anna, GOOD_CHAT, started_at=sunday_late)
    record(anna, POOR_CHAT, started_at=monday_early)
    record(omar, POOR_CHAT, started_at=at(2))
    record(omar, POOR_CHAT, started_at=at(-1))  # before the period
    record(anna, POOR_CHAT, started_at=at(0), end=False)  # not completed: not counted
    review(db, a1, tess, override=30)  # approved 30 instead of the machine's 7

    since, until = MON, MON + timedelta(days=14)
    with db.reader() as uow:
        heat = an.team_heatmap(uow, since, until)
        care_only = an.team_heatmap(uow, since, until, team_id=company["care"])
        prog = an.team_progress(uow, since, until)
    cell = {(r["team"], r["week"], r["rule_id"]): r for r in heat}
    c45 = cell[("Customer care", "2026-W45", "CO010")]
    assert (c45["findings"], c45["sessions_breaking"], c45["sessions"], c45["share"]) == (2, 1, 2, 0.5)
    assert c45["week_start"] == date(2026, 11, 2) and c45["title"].startswith("Never blame")
    assert cell[("Customer care", "2026-W45", "CT001")]["findings"] == 2  # in both sessions
    c46 = cell[("Customer care", "2026-W46", "CO010")]
    assert (c46["findings"], c46["sessions"]) == (2, 1)
    s45 = cell[("Telesales", "2026-W45", "CO010")]
    assert (s45["findings"], s45["sessions"]) == (2, 1)  # omar's session before the period is left out
    assert ("Telesales", "2026-W46", "CO010") not in cell
    assert {r["team"] for r in care_only} == {"Customer care"}
    assert len(care_only) == len([r for r in heat if r["team"] == "Customer care"])

    lines = {(r["name"], r["week"]): r for r in prog}
    assert lines[("Anna Berg", "2026-W45")]["sessions"] == 2
    assert lines[("Anna Berg", "2026-W45")]["mean"] == (POOR_SCORE + 30 + GOOD_SCORE) / 2  # the approved score counts
    assert lines[("Anna Berg", "2026-W46")] == {
        "person_id": anna, "name": "Anna Berg", "team_id": company["care"], "team": "Customer care",
        "week": "2026-W46", "week_start": date(2026, 11, 9), "mean": float(POOR_SCORE), "sessions": 1}
    assert lines[("Omar Said", "2026-W45")]["sessions"] == 1 and len(prog) == 3
    with db.reader() as uow:
        per_team = {(r["team"], r["week"]): r for r in an.team_progress(uow, since, until, per="team")}
    # a team's week is the mean over its sessions, not over its people's means
    assert per_team[("Customer care", "2026-W45")]["sessions"] == 2
    assert per_team[("Customer care", "2026-W45")]["mean"] == (POOR_SCORE + 30 + GOOD_SCORE) / 2
    assert per_team[("Telesales", "2026-W45")]["sessions"] == 1 and len(per_team) == 3


def test_team_dashboard_periods_are_checked(db, company):
    with db.reader() as uow:
        with pytest.raises(InvalidRecord, match="until .* must be after since"):
            an.team_heatmap(uow, MON, MON)
        with pytest.raises(InvalidRecord, match="at most 260 can be shown"):
            an.team_progress(uow, MON - timedelta(days=3650), MON)
        with pytest.raises(InvalidRecord, match="since and until are both needed"):
            an.team_heatmap(uow, None, MON)
        assert an.team_heatmap(uow, MON, MON + timedelta(days=1)) == []
