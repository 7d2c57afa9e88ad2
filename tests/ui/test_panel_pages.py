"""Every page, per role, on the demo company: it renders without an exception, shows what that role
needs, and refuses what the role may not see (checked on the server side, page by page)."""

import re
import time

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from coach.storage import services as sv
from coach.storage.models import AuditEntry, Award, Review
from tests.ui.conftest import APP, person

ROLE_PAGES = {
    "trainee": ["trainee/practise.py", "trainee/drill.py", "trainee/progress.py", "common/standards.py",
                "common/session.py"],
    "trainer": ["trainer/review.py", "trainer/calibration.py", "common/standards.py", "common/session.py"],
    "manager": ["trainer/review.py", "trainer/calibration.py", "manager/team.py", "manager/award.py",
                "common/standards.py"],
    "admin": ["admin/people.py", "manager/award.py", "common/standards.py", "trainee/practise.py"],
}
FORBIDDEN = {
    "trainee": ["trainer/review.py", "trainer/calibration.py", "manager/team.py", "manager/award.py",
                "admin/people.py"],
    "trainer": ["manager/award.py", "manager/team.py", "admin/people.py", "trainee/practise.py"],
    "manager": ["admin/people.py", "trainee/practise.py"],
}


def texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.error] + [e.value for e in at.info] + \
            [e.value for e in at.warning] + [e.value for e in at.success] + [e.value for e in at.caption]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("role,page", [(r, p) for r, ps in ROLE_PAGES.items() for p in ps])
def test_each_page_renders_for_its_role(signed_in, role, page):
    at = signed_in(role, page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"


@pytest.mark.parametrize("role,page", [(r, p) for r, ps in FORBIDDEN.items() for p in ps])
def test_a_page_of_another_role_is_refused_on_the_server(ui_db, role, page):
    # the page file itself is run with the role in the session state: the navigation is not what protects it
    at = AppTest.from_file(f"trainer_ui/{page}", default_timeout=60)
    p = person(ui_db, role)
    at.session_state["user"] = {k: p[k] for k in ("id", "name", "login", "role", "team_id")}
    at.session_state["seen_at"] = time.time()
    at.run()
    assert not at.exception
    assert any("this page is for" in e.value.lower() for e in at.error), texts(at)
    assert not at.dataframe and not at.chat_input, "nothing of the page is shown"


def test_the_menu_shows_only_the_pages_of_the_role(signed_in):
    at = signed_in("trainee")
    at.switch_page("trainer/review.py")  # not among the trainee's pages: the router falls back
    at.run()
    assert not any(t.value == "Review queue" for t in at.title)


def test_sign_in_with_a_wrong_password_then_the_right_one(ui_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="login").input("trainer")
    at.text_input(key="password").input("not the password")
    at.button[0].click()
    at.run()
    assert "user" not in at.session_state
    assert any("do not match" in e.value for e in at.error)
    at.text_input(key="password").input("practise")
    at.button[0].click()
    at.run()
    assert at.session_state["user"]["login"] == "trainer"
    assert any(t.value == "Review queue" for t in at.title)  # the trainer's first page


def test_sign_in_is_throttled_after_repeated_failures(ui_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    for _ in range(6):
        at.text_input(key="login").input("manager")
        at.text_input(key="password").input("guess-guess")
        at.button[0].click()
        at.run()
    assert any("Too many failed sign-ins" in e.value for e in at.error)
    at.text_input(key="password").input("practise")  # even the right password waits now
    at.button[0].click()
    at.run()
    assert "user" not in at.session_state


def test_an_idle_session_expires(signed_in):
    at = signed_in("trainee")
    at.session_state["seen_at"] = time.time() - 31 * 60
    at.run()
    assert "user" not in at.session_state
    assert any("signed out" in i.value for i in at.info)


def _sessions_of(db, login):
    with db.reader() as r:
        return sv.list_sessions(r, person_id=person(db, login)["id"], status="completed", limit=5)


def test_a_trainee_opens_their_own_session_but_not_someone_elses(ui_db, signed_in):
    mine = _sessions_of(ui_db, "trainee")[0]["id"]
    with ui_db.reader() as r:
        others = [s for s in sv.list_sessions(r, status="completed", limit=50)
                  if s["person_id"] != person(ui_db, "trainee")["id"]]
    at = signed_in("trainee")
    at.query_params["id"] = str(mine)
    at.switch_page("common/session.py")
    at.run()
    assert not at.exception and not at.error
    assert any(b.label.startswith("Retry from turn") for b in at.button)
    at.query_params["id"] = str(others[0]["id"])
    at.run()
    assert any("not among the sessions you can see" in e.value for e in at.error)
    at.query_params["id"] = "999999"
    at.run()
    assert any("not among the sessions you can see" in e.value for e in at.error), "no hint whether it exists"


def test_a_trainer_sees_only_their_teams_sessions(ui_db, signed_in):
    trainer = person(ui_db, "trainer")
    with ui_db.reader() as r:
        outside = [s for s in sv.list_sessions(r, status="completed", limit=200) if s["team_id"] != trainer["team_id"]]
    at = signed_in("trainer", "trainer/review.py")
    assert at.dataframe, texts(at)
    shown = at.dataframe[0].value
    assert set(shown["team"]) == {trainer["team"]}
    at.query_params["id"] = str(outside[0]["id"])
    at.switch_page("common/session.py")
    at.run()
    assert any("not among the sessions you can see" in e.value for e in at.error)


def _unreviewed_with_findings(db) -> dict:
    """A session of the trainer's team waiting for review, on which the machine found something."""
    trainer = person(db, "trainer")
    with db.reader() as r:
        queue = sv.list_sessions(r, team_id=trainer["team_id"], status="completed", review_status="unreviewed",
                                 limit=200)
        return next(d for d in (sv.session_detail(r, s["id"]) for s in queue) if d["findings"])


def _review_page(signed_in, session_id):
    at = signed_in("trainer", "trainer/review.py")
    at.session_state["review_session"] = session_id
    at.run()
    return at


def test_a_trainer_overrides_a_finding_and_the_score_and_approves(ui_db, signed_in):
    detail = _unreviewed_with_findings(ui_db)
    target, finding = detail, detail["findings"][0]
    at = _review_page(signed_in, target["id"])
    assert not at.exception
    at.radio(key=f"v_{finding['id']}").set_value("reject")
    at.text_input(key=f"r_{finding['id']}").input("the customer had asked for exactly this")
    new_score = min(100, detail["scorecard"]["overall"] + 7)
    at.number_input(key="override").set_value(new_score)
    at.text_input(key="override_reason").input("the rejected finding cost points it should not have")
    at.button(key="save_approved").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with ui_db.reader() as r:
        review = r.session.execute(select(Review).where(Review.session_id == target["id"])).scalar_one()
        assert review.status == "approved" and review.overall_override == new_score
        rejected = [(v.finding_id, v.verdict) for v in review.verdicts if v.verdict == "reject"]
        assert rejected == [(finding["id"], "reject")]
        assert r.session.execute(select(AuditEntry).where(AuditEntry.action == "review.save",
                                                          AuditEntry.entity_id == review.id)).first()
        card = sv.session_detail(r, target["id"])["scorecard"]
    assert card["overall"] == detail["scorecard"]["overall"], "the machine's score is kept"
    # the session page now shows both scores
    at.query_params["id"] = str(target["id"])
    at.switch_page("common/session.py")
    at.run()
    labels = {m.label: m.value for m in at.metric}
    assert labels["Score (machine)"] == str(detail["scorecard"]["overall"])
    assert labels["Trainer-approved"] == str(new_score)


def test_rejecting_a_finding_without_a_reason_is_explained_and_nothing_is_saved(ui_db, signed_in):
    target = _unreviewed_with_findings(ui_db)
    finding = target["findings"][0]
    at = _review_page(signed_in, target["id"])
    at.radio(key=f"v_{finding['id']}").set_value("reject")
    at.button(key="save_approved").click()
    at.run()
    assert not at.exception
    assert any("needs a reason" in e.value for e in at.error)
    with ui_db.reader() as r:
        assert not r.session.execute(select(Review).where(Review.session_id == target["id"])).first()


def test_the_phrase_checker_marks_what_breaks_a_standard(signed_in):
    at = signed_in("trainee", "common/standards.py")
    at.text_input(key="check_text").input("I can't do that, it's not my department.")
    at.run()
    assert not at.exception
    assert any("negative_phrasing" in m.value or "can't" in m.value for m in at.markdown)
    assert at.error, "a broken standard is shown"
    at.text_input(key="check_text").input("I'll put you through to the billing team, who can sort this out today.")
    at.run()
    assert not at.exception


def test_progress_shows_badges_and_what_to_work_on(signed_in):
    at = signed_in("trainee", "trainee/progress.py")
    assert not at.exception
    body = texts(at)
    assert "Badges" in [s.value for s in at.subheader]
    assert "What to work on" in [s.value for s in at.subheader]
    assert {m.label for m in at.metric} >= {"Sessions", "Practice streak", "Badges"}
    assert body


def test_a_russian_speaking_trainee_practises_in_russian_with_the_panel_in_russian(signed_in):
    """Olga (the demo's Russian-speaking trainee) sees her pages in Russian and her Russian scenarios first; the
    English trainees' pages stay English (the tests above)."""
    at = signed_in("olga.smirnova", "trainee/practise.py")
    assert not at.exception
    assert at.title[0].value == "Тренировка" and at.button(key="start").label == "Начать тренировку"
    assert at.selectbox(key="pick_language").value == "ru"
    assert at.selectbox(key="pick_scenario").value.startswith("ru_")
    assert at.selectbox(key="my_language").value == "ru"  # her own language, in the sidebar
    at = signed_in("olga.smirnova", "trainee/progress.py")
    assert not at.exception
    assert "Значки" in [s.value for s in at.subheader] and {m.label for m in at.metric} >= {"Сессии", "Значки"}
    assert "Ваши сессии" in [s.value for s in at.subheader]
    at = signed_in("olga.smirnova", "trainee/drill.py")
    assert at.selectbox(key="drill_language").value == "ru" and at.button(key="drill_start").label.startswith("Начать")


def test_a_person_changes_their_own_language_in_the_sidebar(ui_db, signed_in):
    at = signed_in("dmitri.volkov", "trainee/practise.py")  # no other test signs in as Dmitri
    try:
        assert at.title[0].value == "Тренировка"
        at.selectbox(key="my_language").set_value("en").run()
        assert not at.exception and at.title[0].value == "Practise"  # the page again, in English
        with ui_db.reader() as r:
            assert sv.find_person(r, "dmitri.volkov")["language"] == "en"
    finally:  # the shared demo company keeps him Russian-speaking
        with ui_db.uow() as w:
            dmitri = sv.find_person(w, "dmitri.volkov")["id"]
            sv.set_language(w, dmitri, "ru", actor_id=dmitri)
            w.commit()


def test_a_manager_picks_the_employee_of_the_month(ui_db, signed_in, undecided_award):
    at = signed_in("manager", "manager/award.py")
    assert not at.exception
    periods = at.selectbox(key="award_period").options
    # the first finished month without a decision and with eligible candidates
    for period in periods[1:]:
        at.selectbox(key="award_period").set_value(period)
        at.run()
        if any(w.key == "award_decide" for w in at.button):
            break
    else:
        pytest.fail("no month to decide in the demo company: " + texts(at))
    from coach import recognition

    with ui_db.reader() as r:
        ranked = {c.person_id: c for c in recognition.rank(r, period) if c.eligible}
    chosen = ranked[at.selectbox(key="award_pick").value]
    assert chosen.rank == 1, "the ranking proposes its first candidate"
    at.button(key="award_decide").click()
    at.run()
    assert any("write the reason" in e.value for e in at.error), "a decision needs a reason"
    at.text_area(key="award_reason").input("Steady, varied practice and the best complaint handling this month.")
    at.button(key="award_decide").click()
    at.run()
    assert not at.exception and not at.error
    with ui_db.reader() as r:
        award = r.session.execute(select(Award).where(Award.period == period)).scalar_one()
        assert award.person_id == chosen.person_id and award.formula_version == "eotm-v1"
        assert award.figures["final"] == chosen.final
        assert r.session.execute(select(AuditEntry).where(AuditEntry.action == "award.decide",
                                                          AuditEntry.entity_id == award.id)).first()
    assert any("is the employee of the month" in s.value for s in at.success)


def test_admin_adds_a_person_and_a_bad_password_is_explained(ui_db, signed_in):
    at = signed_in("admin", "admin/people.py")
    at.text_input(key="np_name").input("Rosa Diaz")
    at.text_input(key="np_login").input("rosa.diaz")
    at.text_input(key="np_password").input("short")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert any("at least 8 characters" in e.value for e in at.error)
    at.text_input(key="np_name").input("Rosa Diaz")
    at.text_input(key="np_login").input("rosa.diaz")
    at.text_input(key="np_password").input("long enough password")
    at.button[0].click()
    at.run()
    assert not at.exception and not at.error
    with ui_db.reader() as r:
        assert sv.find_person(r, "rosa.diaz")["role"] == "trainee"
        assert sv.check_password(r, "rosa.diaz", "long enough password")


def test_no_sessions_yet_says_what_to_do(ui_db, signed_in):
    with ui_db.uow() as w:
        team = sv.list_teams(w)[0]["id"]
        sv.create_person(w, name="New Hire", login="new.hire", role="trainee", team_id=team, password="practise",
                         password_rounds=4)
        w.commit()
    at = signed_in("new.hire", "trainee/progress.py")
    assert not at.exception
    assert any("No scored sessions yet" in i.value for i in at.info)


def test_admin_rescores_with_progress_and_the_history_is_kept(ui_db, signed_in):
    from datetime import date, timedelta

    from coach.storage.models import ScorecardRecord

    with ui_db.reader() as r:
        before = r.session.execute(select(ScorecardRecord.id)).scalars().all()
    at = signed_in("admin", "common/standards.py")
    at.date_input(key="rescore_since").set_value(date.today() - timedelta(days=3))
    at.button(key="rescore").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    import re

    message = next(s.value for s in at.success if "sessions scored again" in s.value)
    rescored, skipped = (int(x.replace(",", "")) for x in re.findall(r"([\d,]+) (?:sessions scored|already)", message))
    with ui_db.reader() as r:
        after = r.session.execute(select(ScorecardRecord.id)).scalars().all()
        # the admin's scorer is English: the sessions in other languages are scored with their own packs
        recent = len([s for s in sv.list_sessions(r, status="completed", since=date.today() - timedelta(days=3),
                                                  limit=1000) if sv.session_detail(r, s["id"])["language"] == "en"])
    assert set(before) <= set(after), "the old scorecards stay"
    assert len(after) - len(before) == rescored and rescored + skipped == recent


def test_a_russian_speaking_trainer_reviews_a_russian_session_in_russian(ui_db, signed_in):
    """Claire (the demo trainer of Olga's team) works in Russian: the review queue, a session and the standards
    page speak Russian, with the Russian pack; a finding is rejected with a reason given in Russian."""
    with ui_db.reader() as r:
        olga = sv.find_person(r, "olga.smirnova")["id"]
        # the queue opens on the unreviewed sessions
        ru_sessions = [s for s in sv.list_sessions(r, person_id=olga, status="completed", review_status="unreviewed",
                                                   limit=50) if s["scenario_id"].startswith("ru_")]
    assert ru_sessions, "the demo company has Olga's Russian sessions"
    at = signed_in("claire.dubois", "trainer/review.py")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Очередь проверки"
    at.selectbox(key="f_person").set_value(olga).run()
    at.selectbox(key="review_pick").set_value(ru_sessions[0]["id"]).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(b.label.endswith("Утвердить") for b in at.button), [b.label for b in at.button]
    at = signed_in("claire.dubois", "common/session.py")
    assert not at.exception and at.title[0].value == "Сессия"
    at = signed_in("claire.dubois", "common/standards.py")
    assert not at.exception and at.subheader[0].value == "Проверка фраз"
    assert any("(" in s.value and "версия" in s.value for s in at.subheader), [s.value for s in at.subheader]


def test_a_russian_speaking_manager_sees_the_employee_of_the_month_in_russian(ui_db, signed_in):
    """The formula's explanation, the reasons a person is not eligible, a count in its plural form and the
    certificate speak the manager's language; the figures are the same as in English."""
    with ui_db.uow() as w:
        lars = sv.find_person(w, "lars.eriksen")  # a manager no other test signs in as
        lars, language = lars["id"], lars["language"]
        sv.set_language(w, lars, "ru", actor_id=lars)
        w.commit()
    try:
        at = signed_in("lars.eriksen", "manager/award.py")
        assert not at.exception, [e.value for e in at.exception]
        shown = texts(at)
        assert "Сотрудник месяца (формула eotm-v1)" in shown and "не меньше 8" in shown, shown
        assert "Candidates are active trainees" not in shown
        for period in at.selectbox(key="award_period").options[1:]:  # a month with a reason to show
            at.selectbox(key="award_period").set_value(period).run()
            reasons = [r for r in at.dataframe[0].value["участвует"] if r != "да"]
            if reasons and any(b.key.startswith("pdf_") for b in at.button):
                break
        else:
            pytest.fail("no month with candidates and people not eligible in the demo company")
        assert all(r.startswith("нет: ") and re.search("[а-я]", r) and " needed" not in r for r in reasons), reasons
        assert re.search(r"\d+ сесси(я|и|й), направления: ", shown := texts(at)), shown
        button = next(b for b in at.button if b.key.startswith("pdf_"))
        button.click().run()
        assert not at.exception
        pdf = at.session_state["certificate"][1]
        title = re.search(rb"/Title <feff([0-9a-f]+)>", pdf)[1]
        assert bytes.fromhex(title.decode()).decode("utf-16-be").startswith(f"Сотрудник месяца {period}: ")
        assert re.search(rb"/BaseFont /[A-Z]+\+DejaVuSans", pdf)
    finally:  # the shared demo company keeps his language
        with ui_db.uow() as w:
            sv.set_language(w, lars, language, actor_id=lars)
            w.commit()
