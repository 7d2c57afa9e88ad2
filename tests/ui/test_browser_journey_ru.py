"""The Russian journey in a real browser (Debian's Chromium, the real panel, Rasa server and action server): a
trainee whose language is Russian practises a Russian scenario in a panel that speaks Russian, gets a Russian
scorecard with the phrases that broke a standard marked, and a Russian-speaking trainer of her team reviews the
session in Russian. Screenshots go to test-output/e2e/ (ru-*)."""

import re

from sqlalchemy import select

from coach.sim.play import load_script
from coach.storage import services as sv
from coach.storage.models import PracticeSession, Review
from tests.ui.conftest import person
from tests.ui.test_browser_journey import WAIT, choose, say, settle, shot, sign_in

SIGN_OUT, REPLY = "Выйти", "Ваш ответ клиенту"  # the panel's words in Russian


def test_a_russian_trainee_practises_and_a_russian_trainer_reviews_in_russian(browser, ui_servers, ui_db):
    with ui_db.uow() as w:  # a team of its own, so no other test's counts change
        team = sv.create_team(w, "Северная обжарка, Москва")
        for name, login, role in (("Ирина Орлова", "irina.orlova", "trainee"),
                                  ("Павел Иванов", "pavel.ivanov", "trainer")):
            sv.create_person(w, name=name, login=login, role=role, team_id=team, password="practise",
                             password_rounds=4, language="ru")
        w.commit()
    url = ui_servers.panel_url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(WAIT)

    sign_in(page, url, "irina.orlova", SIGN_OUT)
    page.get_by_role("heading", name="Тренировка").wait_for()
    choose(page, "Сценарий", "кофейни")
    shot(page, "ru-01-trainee-picks-a-scenario")
    page.get_by_role("button", name="Начать тренировку").click()
    page.get_by_test_id("stChatMessage").first.wait_for()
    poor = load_script("ru_late_order_small_customer", "poor")
    say(page, poor[0], 3, REPLY)
    say(page, poor[1], 5, REPLY)
    settle(page)
    if page.get_by_text("Сессия окончена").count() == 0:
        page.get_by_role("button", name="Закончить сессию").click()
    page.get_by_role("heading", name="Оценка сессии").wait_for()
    assert page.locator("mark").count() > 0, "the phrases that broke a standard are highlighted"
    assert page.get_by_text("Scorecard", exact=True).count() == 0, "the scorecard speaks Russian"
    shot(page, "ru-02-trainee-scorecard")
    irina = person(ui_db, "irina.orlova")
    with ui_db.reader() as r:
        mine = select(PracticeSession).where(PracticeSession.person_id == irina["id"])
        session = r.session.execute(mine).scalar_one()
        sid, scenario = session.id, session.scenario_id
    assert scenario == "ru_late_order_small_customer"
    page.get_by_role("link", name=re.compile(SIGN_OUT)).click()

    sign_in(page, url, "pavel.ivanov", SIGN_OUT)
    page.get_by_role("heading", name="Очередь проверки").wait_for()
    choose(page, "Или выберите сессию для проверки", f"#{sid} ")
    page.get_by_role("heading", name="Ваша проверка").wait_for()
    settle(page)
    shot(page, "ru-03-trainer-reviews")
    page.get_by_role("button", name="Утвердить").click()
    page.get_by_text(re.compile("Проверка сохранена")).wait_for()
    with ui_db.reader() as r:
        review = r.session.execute(select(Review).where(Review.session_id == sid)).scalar_one()
        assert review.status == "approved"
    ctx.close()
