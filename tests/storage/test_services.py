"""The service layer on SQLite and PostgreSQL: sessions turn by turn, scorecards, reviews, progress, errors."""

import base64
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from coach.storage import Conflict, InvalidRecord, NotFound, UnknownStandardsVersion
from coach.storage import services as sv
from coach.storage.models import AuditEntry, FindingRecord, Person, PracticeSession, ScorecardRecord, TurnRecord
from coach.storage.rescoring import rescore

from .conftest import GOOD_CHAT, POOR_CHAT


def count(db, model, *where):
    with db.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_a_session_is_recorded_turn_by_turn_and_scored(db, company, record):
    sid = record(company["anna"], POOR_CHAT, outcome="escalated")
    with db.reader() as uow:
        d = sv.session_detail(uow, sid)
    assert d["status"] == "completed" and d["outcome"] == "escalated" and d["final_mood"] == 0.4
    assert [t["seq"] for t in d["turns"]] == [0, 1, 2, 3]
    assert d["turns"][1]["text"] == POOR_CHAT["turns"][1]["text"]
    card = d["scorecard"]
    assert card["overall"] <= 40 and card["standards"]["pack"] == "en-default" and card["standards"]["detector"]
    rules = {f["rule"] for f in d["findings"]}
    assert len(rules) >= 3
    blame = next(f for f in d["findings"] if f["span"] and "should have" in f["span"]["text"])
    assert blame["turn_seq"] == 1 and blame["points"] > 0
    assert d["turns"][1]["text"][blame["span"]["start"]:blame["span"]["end"]] == blame["span"]["text"]


def test_a_retried_turn_is_stored_once_and_a_different_one_is_refused(db, company):
    with db.uow() as uow:
        sid = sv.start_session(uow, person_id=company["anna"], scenario_id="kept_waiting", scenario_version="1",
                               channel="chat")
        first = sv.append_turn(uow, sid, 0, speaker="customer", text="I've been waiting for an hour.")
        uow.commit()
    with db.uow() as uow:
        again = sv.append_turn(uow, sid, 0, speaker="customer", text="I've been waiting for an hour.")
        uow.commit()
    assert again == first
    assert count(db, TurnRecord, TurnRecord.session_id == sid) == 1
    with db.uow() as uow, pytest.raises(Conflict, match="already recorded as a different customer turn"):
        sv.append_turn(uow, sid, 0, speaker="customer", text="Something else entirely.")
    with db.uow() as uow, pytest.raises(InvalidRecord, match="arrived before turn 1"):
        sv.append_turn(uow, sid, 2, speaker="staff", text="Hello")
    assert count(db, TurnRecord, TurnRecord.session_id == sid) == 1


def test_turns_cannot_be_added_to_a_completed_session(db, company, record):
    sid = record(company["anna"])
    with db.uow() as uow, pytest.raises(Conflict, match="is completed; turns can only be added to an active"):
        sv.append_turn(uow, sid, len(GOOD_CHAT["turns"]), speaker="staff", text="One more thing")
    with db.uow() as uow, pytest.raises(Conflict, match="already completed"):
        sv.end_session(uow, sid)


def test_several_turns_are_recorded_at_once_or_not_at_all(db, company):
    with db.uow() as uow:
        sid = sv.start_session(uow, person_id=company["anna"], scenario_id="kept_waiting", scenario_version="1",
                               channel="chat")
        sv.append_turn(uow, sid, 0, speaker="customer", text="I've been waiting for an hour.")
        uow.commit()
    good = [{"seq": 1, "speaker": "staff", "text": "I'm sorry about the wait.", "t": 4.0, "behaviors": ["apology"]},
            {"seq": 2, "speaker": "customer", "text": "Well, what now?", "t": 9.5, "mood_after": -0.2}]
    bad_third = [*good, {"seq": 3, "speaker": "staff", "text": "hi", "mood_after": 3}]
    with db.uow() as uow, pytest.raises(InvalidRecord, match="from -1 .furious. to 1"):
        sv.append_turns(uow, sid, bad_third)
    with db.uow() as uow, pytest.raises(InvalidRecord, match="turn 1: unknown field.s. colour"):
        sv.append_turns(uow, sid, [{**good[0], "colour": "red"}])
    with db.uow() as uow, pytest.raises(InvalidRecord, match="turn 2 given where session .* continues with turn 1"):
        sv.append_turns(uow, sid, good[1:])
    assert count(db, TurnRecord, TurnRecord.session_id == sid) == 1  # nothing of a refused batch was written
    with db.uow() as uow:
        ids = sv.append_turns(uow, sid, good)
        uow.commit()
    with db.reader() as uow:
        turns = sv.session_turns(uow, sid)
    assert [t["id"] for t in turns[1:]] == ids and len(set(ids)) == 2
    assert [(t["seq"], t["speaker"], t["text"], t["t"]) for t in turns] == [
        (0, "customer", "I've been waiting for an hour.", turns[0]["t"]),
        (1, "staff", "I'm sorry about the wait.", 4.0), (2, "customer", "Well, what now?", 9.5)]
    assert turns[1]["behaviors"] == ["apology"] and turns[2]["mood_after"] == -0.2
    with db.uow() as uow, pytest.raises(Conflict, match="turn 1 given where session .* continues with turn 3"):
        sv.append_turns(uow, sid, good)  # not a retry path: numbers already used are refused
    with db.uow() as uow:
        sv.end_session(uow, sid)
        uow.commit()
    with db.uow() as uow, pytest.raises(Conflict, match="is completed; turns can only be added to an active"):
        sv.append_turns(uow, sid, [{"seq": 3, "speaker": "staff", "text": "One more thing"}])


@pytest.mark.parametrize("kwargs, message", [
    ({"speaker": "staff", "text": ""}, "is empty"),
    ({"speaker": "staff", "text": "   "}, "is empty"),
    ({"speaker": "staff", "text": "x" * 20_001}, "20,001 characters; at most 20,000"),
    ({"speaker": "staff", "text": "bin\x00ary"}, "NUL character"),
    ({"speaker": "staff", "text": 42}, "expected text, got int"),
    ({"speaker": "robot", "text": "hi"}, "'robot' is not one of customer, staff, system"),
    ({"speaker": "system", "event": "explode"}, "'explode' is not one of ring"),
    ({"speaker": "staff", "text": "hi", "event": "hold"}, "only system turns carry a call event"),
    ({"speaker": "staff", "text": "hi", "mood_after": 3}, "from -1 .furious. to 1"),
    ({"speaker": "staff", "text": "hi", "at": "yesterday"}, "not a date or time"),
])
def test_bad_turns_are_refused_with_what_would_be_right(db, company, kwargs, message):
    with db.uow() as uow:
        sid = sv.start_session(uow, person_id=company["anna"], scenario_id="x", scenario_version="1", channel="chat")
        uow.commit()
    with db.uow() as uow, pytest.raises(InvalidRecord, match=message):
        sv.append_turn(uow, sid, 0, **kwargs)
    assert count(db, TurnRecord) == 0


def test_unknown_ids_say_which_id(db, company):
    with db.uow() as uow:
        with pytest.raises(NotFound, match="no practice session with id 999"):
            sv.append_turn(uow, 999, 0, speaker="staff", text="Hello")
        with pytest.raises(NotFound, match="no person with id 999"):
            sv.start_session(uow, person_id=999, scenario_id="x", scenario_version="1", channel="chat")
        with pytest.raises(NotFound, match="no team with id 77"):
            sv.create_person(uow, name="X", login="x", role="trainee", team_id=77)
        with pytest.raises(InvalidRecord, match="must be a whole number"):
            sv.session_detail(uow, "12")
        with pytest.raises(NotFound, match="login 'ghost'"):
            sv.find_person(uow, "ghost")


def test_duplicate_logins_are_refused_and_nothing_is_written(db, company):
    people = count(db, Person)
    with db.uow() as uow:
        sv.create_team(uow, "Returns")
        with pytest.raises(Conflict, match="login 'anna' is already taken"):
            sv.create_person(uow, name="Anna Two", login="  ANNA ", role="trainee")
    # the whole unit of work rolled back, including the team created before the error
    assert count(db, Person) == people
    with db.reader() as uow:
        assert [t["name"] for t in sv.list_teams(uow)] == ["Customer care", "Telesales"]
    with db.uow() as uow, pytest.raises(InvalidRecord, match="'boss' is not one of trainee, trainer, manager, admin"):
        sv.create_person(uow, name="B", login="b", role="boss")
    with db.uow() as uow, pytest.raises(InvalidRecord, match="at least 8 characters"):
        sv.create_person(uow, name="B", login="b", role="trainee", password="short")


def test_passwords_are_hashed_and_checked(db, company):
    with db.reader() as uow:
        stored = uow.session.get(Person, company["anna"]).password_hash
        assert stored.startswith("$2") and "practise" not in stored
        assert sv.check_password(uow, "Anna", "practise")["id"] == company["anna"]
        assert sv.check_password(uow, "anna", "wrong-password") is None
        assert sv.check_password(uow, "nobody", "practise") is None


def test_a_scorecard_with_an_unregistered_standards_version_is_refused_whole(db, company, scorer):
    with db.uow() as uow:
        sid = sv.start_session(uow, person_id=company["anna"], scenario_id="x", scenario_version="1", channel="chat")
        for seq, turn in enumerate(GOOD_CHAT["turns"]):
            sv.append_turn(uow, sid, seq, speaker=turn["speaker"], text=turn["text"])
        uow.commit()
    card = scorer.score(sv_transcript(db, sid)).as_dict()
    card["standards"] = {**card["standards"], "version": "0123456789ab"}
    with db.uow() as uow:
        with pytest.raises(UnknownStandardsVersion, match="0123456789ab.*never registered"):
            sv.end_session(uow, sid, outcome="resolved", scorecard=card)
        uow.commit()  # what came before the error in this unit of work is kept, the failed call wrote nothing
    with db.reader() as uow:
        d = sv.session_detail(uow, sid)
    assert d["status"] == "active" and d["scorecard"] is None
    assert count(db, FindingRecord) == 0


def sv_transcript(db, sid):
    with db.reader() as uow:
        return sv.session_transcript(uow, sid)


def test_a_scorecard_naming_a_turn_or_rule_that_does_not_exist_is_refused(db, company, scorer, record):
    sid = record(company["anna"], end=False)
    card = scorer.score(sv_transcript(db, sid)).as_dict()
    with db.uow() as uow:
        sv.register_standards(uow, scorer.pack, card["standards"]["detector"])
        uow.commit()
    bad = {**card, "findings": [{"rule": "PH001", "severity": "minor", "turn": 40, "message": "m"}]}
    with db.uow() as uow, pytest.raises(InvalidRecord, match="turn 40 does not exist; session .* has 6 turns"):
        sv.record_scorecard(uow, sid, bad)
    bad = {**card, "findings": [{"rule": "ZZ999", "severity": "minor", "turn": 1, "message": "m"}]}
    with db.uow() as uow, pytest.raises(InvalidRecord, match="rule 'ZZ999' is not in standards en-default"):
        sv.record_scorecard(uow, sid, bad)
    with db.uow() as uow, pytest.raises(InvalidRecord, match="'overall': 130"):
        sv.record_scorecard(uow, sid, {**card, "overall": 130})
    assert count(db, ScorecardRecord) == 0


def test_rescoring_keeps_the_old_scorecards_and_says_what_changed(db, company, record, scorer, tmp_path):
    import shutil

    from coach.standards import DEFAULT_PACK, Scorer, load_pack

    s1 = record(company["anna"], GOOD_CHAT)
    s2 = record(company["omar"], POOR_CHAT)
    same = rescore(db, scorer, since="2000-01-01")
    assert same["sessions"] == 2 and same["rescored"] == 0 and same["skipped"] == 2
    # a company edits its pack: the courtesy category now counts double
    pack_dir = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, pack_dir)
    yml = (pack_dir / "pack.yml").read_text()
    (pack_dir / "pack.yml").write_text(yml.replace("courtesy: 1}", "courtesy: 3}"))
    edited = Scorer(load_pack(pack_dir))
    assert edited.pack.version != scorer.pack.version
    changed = rescore(db, edited, since="2000-01-01")
    assert changed["rescored"] == 2 and changed["pack_changed"] == 2 and changed["detector_changed"] == 0
    assert count(db, ScorecardRecord) == 4
    assert count(db, ScorecardRecord, ScorecardRecord.is_current.is_(True)) == 2
    with db.reader() as uow:
        d = sv.session_detail(uow, s2)
    assert d["scorecard"]["standards"]["version"] == edited.pack.version and d["scorecard"]["reason"] == "rescore"
    assert [h["standards"]["version"] for h in d["history"]] == [scorer.pack.version]
    # the finding rows of the old card are still there for the history view
    with db.reader() as uow:
        old_card = d["history"][0]["id"]
        assert uow.session.execute(select(func.count()).select_from(FindingRecord)
                                   .where(FindingRecord.scorecard_id == old_card)).scalar() > 0
    # only sessions in the period are touched
    later = rescore(db, scorer, since=datetime.now(timezone.utc) + timedelta(days=1))
    assert later["sessions"] == 0
    assert s1 != s2


def test_a_rescore_batch_writes_nothing_until_its_caller_commits(db, company, record, scorer):
    from coach.detect import detector_version

    record(company["anna"], GOOD_CHAT)
    with db.uow() as uow:
        version = sv.register_standards(uow, scorer.pack, detector_version())
        uow.commit()
    with db.reader() as uow:
        plan = sv.plan_rescore(uow, version, since="2000-01-01", force=True)
    assert plan.summary["sessions"] == 1 and len(plan.todo) == 1
    with db.uow() as uow:
        for batch in plan.batches():
            sv.rescore_batch(uow, scorer, plan, batch)
    assert plan.summary["rescored"] == 1
    assert count(db, ScorecardRecord) == 1, "left without commit: the unit of work rolled back"
    with db.uow() as uow:
        for batch in plan.batches():
            sv.rescore_batch(uow, scorer, plan, batch)
        uow.commit()
    assert count(db, ScorecardRecord) == 2


def test_reviews_override_findings_with_reasons_and_are_audited(db, company, record):
    sid = record(company["anna"], POOR_CHAT)
    with db.reader() as uow:
        d = sv.session_detail(uow, sid)
    machine = d["scorecard"]["overall"]
    f1, f2 = d["findings"][0]["id"], d["findings"][1]["id"]
    with db.uow() as uow:
        with pytest.raises(InvalidRecord, match="rejecting a finding needs a reason"):
            sv.record_review(uow, session_id=sid, reviewer_id=company["tess"],
                             verdicts=[{"finding_id": f1, "verdict": "reject"}])
        with pytest.raises(Conflict, match="is a trainee; only trainers"):
            sv.record_review(uow, session_id=sid, reviewer_id=company["omar"])
        with pytest.raises(InvalidRecord, match="a changed overall score needs a reason"):
            sv.record_review(uow, session_id=sid, reviewer_id=company["tess"], overall_override=60)
        with pytest.raises(NotFound, match="finding 424242 is not on the current scorecard"):
            sv.record_review(uow, session_id=sid, reviewer_id=company["tess"],
                             verdicts=[{"finding_id": 424242, "verdict": "agree"}])
    with db.uow() as uow:
        rid = sv.record_review(uow, session_id=sid, reviewer_id=company["tess"], status="pending",
                               verdicts=[{"finding_id": f1, "verdict": "agree"}])
        uow.commit()
    with db.uow() as uow:
        again = sv.record_review(
            uow, session_id=sid, reviewer_id=company["tess"], status="approved", comment="Coached on blame.",
            overall_override=machine + 10, overall_reason="Second finding is the company wording",
            verdicts=[{"finding_id": f1, "verdict": "agree"},
                      {"finding_id": f2, "verdict": "reject", "reason": "Company wording"},
                      {"verdict": "add", "rule": "CP004", "turn_seq": 3, "reason": "No apology at all"}])
        uow.commit()
    assert again == rid
    with db.reader() as uow:
        d = sv.session_detail(uow, sid)
        entries = uow.session.execute(select(AuditEntry.before, AuditEntry.after, AuditEntry.actor_id)
                                      .where(AuditEntry.action == "review.save").order_by(AuditEntry.id)).all()
    assert d["scorecard"]["overall"] == machine  # the machine's score stays visible and unchanged
    review = d["reviews"][0]
    assert review["status"] == "approved" and review["overall_override"] == machine + 10
    assert [v["verdict"] for v in review["verdicts"]] == ["agree", "reject", "add"]
    assert len(entries) == 2 and entries[0].before is None
    assert entries[1].before["status"] == "pending" and entries[1].after["status"] == "approved"
    assert entries[1].after["machine_overall"] == machine and entries[1].actor_id == company["tess"]
    with db.reader() as uow:
        assert sv.progress(uow, company["anna"])[0]["score"] == machine + 10


def test_list_filters_progress_and_leaderboard(db, company, record):
    now = datetime.now(timezone.utc)
    old = now - timedelta(days=60)
    a1 = record(company["anna"], POOR_CHAT, started_at=old)
    a2 = record(company["anna"], GOOD_CHAT, started_at=now - timedelta(days=2))
    o1 = record(company["omar"], GOOD_CHAT, started_at=now - timedelta(days=1), track="phrasing")
    with db.uow() as uow:
        sv.record_review(uow, session_id=o1, reviewer_id=company["tess"], status="approved")
        uow.commit()
    with db.reader() as uow:
        assert [s["id"] for s in sv.list_sessions(uow)] == [o1, a2, a1]
        assert [s["id"] for s in sv.list_sessions(uow, team_id=company["care"])] == [a2, a1]
        assert [s["id"] for s in sv.list_sessions(uow, max_score=50)] == [a1]
        assert [s["id"] for s in sv.list_sessions(uow, min_score=80, review_status="unreviewed")] == [a2]
        assert [s["id"] for s in sv.list_sessions(uow, review_status="approved")] == [o1]
        recent = sv.list_sessions(uow, since=now - timedelta(days=30), person_id=company["anna"])
        assert [s["id"] for s in recent] == [a2]
        assert sv.list_sessions(uow, scenario_id="nope") == []
        with pytest.raises(InvalidRecord, match="'maybe' is not one of unreviewed"):
            sv.list_sessions(uow, review_status="maybe")
        prog = sv.progress(uow, company["anna"], since=now - timedelta(days=180))
        assert [p["session_id"] for p in prog] == [a1, a2] and prog[0]["score"] < prog[1]["score"]
        assert set(prog[1]["categories"]) >= {"phrasing", "complaint", "courtesy"}
        board = sv.leaderboard(uow, since=now - timedelta(days=30), until=now + timedelta(days=1))
        assert [r["person_id"] for r in board] == [company["omar"], company["anna"]] or \
            board[0]["mean"] == board[1]["mean"]
        assert {r["person_id"]: r["sessions"] for r in board} == {company["omar"]: 1, company["anna"]: 1}
        team_board = sv.leaderboard(uow, since=old - timedelta(days=1), until=now + timedelta(days=1),
                                    team_id=company["care"])
        assert len(team_board) == 1 and team_board[0]["sessions"] == 2


def test_idle_sessions_are_marked_abandoned_and_can_be_resumed(db, company, record):
    sid = record(company["anna"], end=False)
    with db.uow() as uow:
        assert sv.abandon_stale(uow, timedelta(minutes=30)) == []
        later = datetime.now(timezone.utc) + timedelta(hours=1)
        assert sv.abandon_stale(uow, timedelta(minutes=30), now=later) == [sid]
        uow.commit()
    with db.uow() as uow:
        state = sv.resume_session(uow, sid)
        uow.commit()
    assert state["status"] == "active" and state["next_seq"] == len(GOOD_CHAT["turns"])
    assert [t["text"] for t in state["turns"]] == [t["text"] for t in GOOD_CHAT["turns"]]


def test_export_and_delete_a_person(db, company, record):
    secret = "My name is Anna and my phone is 0770 900 123"
    transcript = {**GOOD_CHAT, "turns": GOOD_CHAT["turns"] + [
        {"speaker": "customer", "text": "One more question."}, {"speaker": "staff", "text": secret}]}
    sid = record(company["anna"], transcript, conversation_id="rasa-anna-1")
    other = record(company["omar"], POOR_CHAT)
    with db.uow() as uow:
        sv.record_review(uow, session_id=sid, reviewer_id=company["tess"], status="approved",
                         comment="Anna did well", overall_override=90, overall_reason="Anna's tone was right")
        sv.record_award(uow, period="2026-10", person_id=company["anna"], decided_by=company["meg"],
                        reason="Anna resolved every complaint", formula_version="v1", figures={"mean": 90})
        exported = sv.export_person(uow, company["anna"])
        uow.commit()
    assert exported["person"]["login"] == "anna" and "password_hash" not in str(exported)
    assert len(exported["practice_sessions"]) == 1
    assert exported["practice_sessions"][0]["turns"][-1]["text"] == secret
    assert exported["awards"][0]["reason"] == "Anna resolved every complaint"
    card_before = count(db, ScorecardRecord)

    with db.uow() as uow:
        summary = sv.delete_person(uow, company["anna"])
        uow.commit()
    assert summary["sessions"] == 1 and summary["turns_erased"] == len(transcript["turns"])
    dump = _all_text(db)
    # the whole number: "0770" alone turns up by chance in a timestamp's microseconds ("07:27:31.077045")
    for word in ("Anna", "0770 900 123", "anna"):
        assert word not in dump, f"{word!r} survived the deletion"
    # aggregate history stays: the session, its score and its findings' rules
    assert count(db, ScorecardRecord) == card_before
    with db.reader() as uow:
        d = sv.session_detail(uow, sid)
        assert d["person"].startswith("Deleted person") and d["scorecard"]["overall"] >= 0
        assert sv.session_detail(uow, other)["turns"][1]["text"] == POOR_CHAT["turns"][1]["text"]
        assert uow.session.get(PracticeSession, sid).rasa_conversation_id is None
    with db.uow() as uow:  # the login is free again
        sv.create_person(uow, name="Anna Neu", login="anna", role="trainee")
        with pytest.raises(Conflict, match="already deleted"):
            sv.delete_person(uow, company["anna"])
    assert count(db, AuditEntry, AuditEntry.action == "person.delete") == 1


def _all_text(db):
    """Every value of every table, as one string (to look for personal data)."""
    from coach.storage.models import Base

    out = []
    with db.reader() as uow:
        for table in Base.metadata.sorted_tables:
            for row in uow.session.execute(select(table)):
                out.append(repr(tuple(row)))
    return "\n".join(out)


def test_a_spoken_reply_keeps_its_measures_and_the_call_is_scored_on_them(db, company):
    with db.uow() as uow:
        sid = sv.start_session(uow, person_id=company["anna"], scenario_id="phone_answer_hold_transfer",
                               scenario_version="1", channel="phone")
        sv.append_turn(uow, sid, 0, speaker="customer", text="Hello, I'm calling about my dishwasher repair.")
        sv.append_turn(uow, sid, 1, speaker="staff", text="Right, let me see, the engineer is booked for Thursday.",
                       voice={"words_per_minute": 228.0, "silences": [{"start": 1.2, "end": 6.0}],
                              "too_quiet": False, "duration_s": 9.5, "unknown": "dropped"})
        uow.commit()
    with db.reader() as uow:
        turn = sv.session_detail(uow, sid)["turns"][1]
        transcript = sv.session_transcript(uow, sid)
    assert turn["voice"]["words_per_minute"] == 228.0 and "unknown" not in turn["voice"]
    assert transcript.turns[1].voice["silences"] == [{"start": 1.2, "end": 6.0}]
    assert transcript.turns[0].voice is None
    with db.uow() as uow, pytest.raises(InvalidRecord, match="only a staff turn"):
        sv.append_turn(uow, sid, 2, speaker="customer", text="Hm.", voice={"words_per_minute": 100})
    with db.uow() as uow, pytest.raises(InvalidRecord, match="must be a number >= 0"):
        sv.append_turn(uow, sid, 2, speaker="staff", text="Hm.", voice={"words_per_minute": "fast"})


def test_a_recording_is_kept_only_when_the_company_allows_it_exported_and_erased(db, company):
    from coach.voice.speak import say

    wav = say("Good morning, this is Anna speaking.")
    with db.uow() as uow:
        admin = sv.create_person(uow, name="Ada Min", login="ada", role="admin")
        sid = sv.start_session(uow, person_id=company["anna"], scenario_id="phone_answer_hold_transfer",
                               scenario_version="1", channel="phone")
        sv.append_turn(uow, sid, 0, speaker="staff", text="good morning this is anna speaking",
                       voice={"words_per_minute": 150, "duration_s": 2.2, "silences": []})
        assert sv.keep_recording(uow, sid, 0, wav) is None  # off by default: nothing of the voice is stored
        assert sv.recording(uow, sid, 0) is None
        with pytest.raises(Conflict, match="only admins"):
            sv.set_setting(uow, "voice.recordings", actor_id=company["tess"], keep=True)
        sv.set_setting(uow, "voice.recordings", actor_id=admin, keep=True)
        kept = sv.keep_recording(uow, sid, 0, wav)
        assert kept and sv.keep_recording(uow, sid, 0, wav) == kept  # the same reply sent again: kept once
        with pytest.raises(InvalidRecord, match="no staff turn 5"):
            sv.keep_recording(uow, sid, 5, wav)
        with pytest.raises(InvalidRecord, match="WAV file"):
            sv.keep_recording(uow, sid, 0, b"not sound")
        uow.commit()
    with db.reader() as uow:
        assert sv.recording(uow, sid, 0) == wav and sv.session_detail(uow, sid)["turns"][0]["recorded"] is True
    with db.uow() as uow:
        exported = sv.export_person(uow, company["anna"])
        uow.commit()
    (session,) = exported["practice_sessions"]
    assert base64.b64decode(session["recordings"][0]["wav_base64"]) == wav
    with db.uow() as uow:
        summary = sv.delete_person(uow, company["anna"])
        uow.commit()
    assert summary["recordings_deleted"] == 1
    with db.reader() as uow:
        assert sv.recording(uow, sid, 0) is None
