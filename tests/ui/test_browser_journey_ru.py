"""The Russian journey in a real browser (Debian's Chromium, the real panel, Rasa server and action server), in a
panel that speaks Russian at every step (no word in Latin letters on the page):
- a trainee whose language is Russian practises a Russian scenario by chat, gets a Russian scorecard with her
  phrases marked and better Russian wording, and a Russian-speaking trainer of her team reviews it in Russian;
- the same trainee takes a Russian phone call (it rings, she answers, replies, asks to put the caller on hold,
  holds, takes the caller back, and hangs up), with its Russian scorecard, then does a round of the phrase drill
  in Russian with Russian feedback.
Screenshots go to test-output/e2e/ (ru-*)."""

import re

import pytest
from sqlalchemy import select

from coach import resources
from coach.sim.play import load_script
from coach.storage import services as sv
from coach.storage.models import PracticeSession, Review
from tests.ui.conftest import person
from tests.ui.test_browser_journey import WAIT, choose, say, settle, shot, sign_in

SIGN_OUT, REPLY = "Выйти", "Ваш ответ клиенту"  # the panel's words in Russian
OVER, END, SCORECARD = "Сессия окончена", "Закончить сессию", "Оценка сессии"
DRILL_ANSWER = "Ваш позитивный вариант"

# The words the page shows, with the element (data-testid) each is in: its rendered text nodes, less the Material
# icons (ligatures such as "call" or "pause", drawn as a symbol and never read), Streamlit's own SVG titles
# ("Delete" on a multiselect's chip) and its screen-reader-only texts (the date picker's "Press the down arrow
# key...", boxes of no size: Streamlit's words, which the product cannot translate). Inputs' values and
# placeholders are not text nodes; a chart or a table grid is drawn on a canvas.
VISIBLE_TEXT = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
    const out = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent.closest('svg, style, script') || !parent.checkVisibility()) continue;
        if (getComputedStyle(parent).fontFamily.includes('Material Symbols')) continue;
        const box = parent.getBoundingClientRect();
        if (box.width < 2 || box.height < 2) continue;
        const where = parent.closest('[data-testid]');
        out.push([node.textContent, where ? where.dataset.testid : parent.tagName]);
    }
    return out;
}"""
WORD = re.compile(r"[\w']+")  # a word, an identifier (ru_late_order_small_customer) or a number
ABBREVIATION = re.compile(r"[A-Z]{2,5}")  # QR, SMS, CVV: written in Latin capitals in Russian too


def latin_words(page) -> dict:
    """The words in Latin letters the page shows, each with the element it is in. Nothing of a Russian panel is
    written in them: the panel's words come from the Russian catalog, the customer, the scenario, the standards
    and the drill speak Russian, and the trainee typed Russian. A word with digits (a rule's id, TE002) is not
    English, nor an abbreviation Russian writes in Latin capitals (a drill's «QR-код», «SMS»)."""
    settle(page)
    found = {}
    for text, where in page.evaluate(VISIBLE_TEXT):
        for word in WORD.findall(text):
            if re.search(r"[A-Za-z]{2}", word) and not re.search(r"\d", word) and not ABBREVIATION.fullmatch(word):
                found.setdefault(word, where)
    return found


def speaks_russian(page, where: str):
    english = latin_words(page)
    assert not english, f"{where}: the page shows words in English (word: the element it is in): {english}"


def heading(page, name):
    page.get_by_role("heading", name=name).wait_for()


def ended(page) -> bool:
    settle(page)
    return page.get_by_text(OVER).count() > 0


@pytest.fixture(scope="module")
def russian_team(ui_db):
    """A team of its own, so no other test's counts change: a Russian-speaking trainee and her trainer."""
    with ui_db.uow() as w:
        team = sv.create_team(w, "Северная обжарка, Москва")
        for name, login, role in (("Ирина Орлова", "irina.orlova", "trainee"),
                                  ("Павел Иванов", "pavel.ivanov", "trainer")):
            sv.create_person(w, name=name, login=login, role=role, team_id=team, password="practise",
                             password_rounds=4, language="ru")
        w.commit()
    return person(ui_db, "irina.orlova")


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    p = ctx.new_page()
    p.set_default_timeout(WAIT)
    yield p
    ctx.close()


def session_of(ui_db, person_id, *where) -> dict:
    """The one session of the person that matches `where`, with its turns, scorecard and findings."""
    with ui_db.reader() as r:
        [sid] = r.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == person_id, *where)
                                  ).scalars().all()
        return sv.session_detail(r, sid)


def russian_scorecard(page, detail: dict, where: str):
    """The scorecard on the page: the trainee's words that broke a standard marked, and the better Russian
    wording of the findings shown."""
    heading(page, SCORECARD)
    spans = {f["span"]["text"] for f in detail["findings"] if f["span"]}
    marked = set(page.locator("mark").all_inner_texts())
    assert marked & spans, f"{where}: the words that broke a standard are marked: {marked} of {spans}"
    better = [f.get("fix") or f["suggestion"] for f in detail["findings"] if f.get("fix") or f["suggestion"]]
    assert better and all(re.search("[а-яё]", b, re.I) for b in better), better
    for b in better:
        page.get_by_text(b).first.wait_for()
    page.get_by_text("Лучше:").first.wait_for()
    speaks_russian(page, where)


def test_a_russian_trainee_practises_by_chat_and_a_russian_trainer_reviews_in_russian(page, ui_servers, ui_db,
                                                                                       russian_team):
    url = ui_servers.panel_url
    sign_in(page, url, "irina.orlova", SIGN_OUT)
    heading(page, "Тренировка")
    choose(page, "Сценарий", "кофейни")
    speaks_russian(page, "choosing a scenario")
    shot(page, "ru-01-trainee-picks-a-scenario")
    page.get_by_role("button", name="Начать тренировку").click()
    page.get_by_test_id("stChatMessage").first.wait_for()
    poor = load_script("ru_late_order_small_customer", "poor")
    say(page, poor[0], 3, REPLY)
    say(page, poor[1], 5, REPLY)
    speaks_russian(page, "the chat")
    if not ended(page):
        page.get_by_role("button", name=END).click()
    heading(page, SCORECARD)  # scored and recorded
    detail = session_of(ui_db, russian_team["id"], PracticeSession.scenario_id == "ru_late_order_small_customer")
    russian_scorecard(page, detail, "the chat's scorecard")
    shot(page, "ru-02-trainee-scorecard")
    sid = detail["id"]
    page.get_by_role("link", name=re.compile(SIGN_OUT)).click()

    sign_in(page, url, "pavel.ivanov", SIGN_OUT)
    heading(page, "Очередь проверки")
    choose(page, "Или выберите сессию для проверки", f"#{sid} ")
    heading(page, "Ваша проверка")
    # the session is named by its scenario's Russian title, not by the scenario's id
    title = resources.scenarios()["ru_late_order_small_customer"].title
    page.get_by_text(f"Ирина Орлова, {title}", exact=True).wait_for()
    speaks_russian(page, "the trainer's review")
    shot(page, "ru-03-trainer-reviews")
    page.get_by_role("button", name="Утвердить").click()
    page.get_by_text(re.compile("Проверка сохранена")).wait_for()
    with ui_db.reader() as r:
        review = r.session.execute(select(Review).where(Review.session_id == sid)).scalar_one()
        assert review.status == "approved"


def test_a_russian_trainee_takes_a_russian_phone_call_and_does_the_drill_in_russian(page, ui_servers, ui_db,
                                                                                    russian_team):
    sign_in(page, ui_servers.panel_url, "irina.orlova", SIGN_OUT)
    heading(page, "Тренировка")
    choose(page, "Сценарий", "Звонок в магазин")
    page.get_by_test_id("stRadio").filter(has=page.get_by_text("Режим", exact=True)).get_by_text("Телефон").click()
    settle(page)
    page.get_by_role("button", name="Начать тренировку").click()
    heading(page, re.compile(r"Звонит\.\.\. гудок \d"))
    settle(page)
    assert page.get_by_test_id("stAudio").count() >= 1, "the ringing is heard"
    speaks_russian(page, "the phone ringing")
    shot(page, "ru-04-phone-ringing")
    page.get_by_role("button", name="Ответить").click()
    heading(page, "На линии")

    # a poor start (the scenario's poor replies: «Да, алло.», «...не знаю»), then the good script's way through
    # the hold: ask first, hold, take the caller back with the answer; the caller stays on the line for that
    poor = [s["text"] for s in load_script("ru_phone_out_of_stock", "poor") if "text" in s]
    good = [s["text"] for s in load_script("ru_phone_out_of_stock", "good") if "text" in s]
    say(page, poor[0], 2, REPLY)
    settle(page)
    assert page.get_by_test_id("stAudio").count() >= 1, "the customer's answer is spoken"
    speaks_russian(page, "the call")
    shot(page, "ru-05-on-the-call")
    say(page, poor[1], 4, REPLY)
    say(page, good[2], 6, REPLY)  # «Разрешите, я поставлю Вас на удержание...»
    page.get_by_role("button", name="Удержание").click()
    heading(page, re.compile(r"Клиент на удержании \d+ с"))
    speaks_russian(page, "the caller on hold")
    shot(page, "ru-06-caller-on-hold")
    page.get_by_role("button", name="Вернуться").click()
    heading(page, "На линии")
    say(page, good[3], page.get_by_test_id("stChatMessage").count() + 2, REPLY)
    assert not ended(page), "the caller is still on the line: the trainee hangs up"
    page.get_by_role("button", name="Положить трубку").click()
    page.get_by_text("Сессия окончена: закончено стажёром.").wait_for()

    detail = session_of(ui_db, russian_team["id"], PracticeSession.scenario_id == "ru_phone_out_of_stock")
    assert (detail["channel"], detail["language"], detail["status"], detail["outcome"]) == \
        ("phone", "ru", "completed", "ended_by_trainee")
    assert [x["event"] for x in detail["turns"] if x["speaker"] == "system"] == \
        ["ring", "answer", "hold", "resume", "hangup"]
    assert any(f["category"] == "telephone" for f in detail["findings"]), "the telephone standards were checked"
    russian_scorecard(page, detail, "the call's scorecard")
    page.get_by_text("звонок, 0 с: телефон звонит").wait_for()  # the call's events in the transcript
    shot(page, "ru-07-phone-scorecard")

    drill_in_russian(page, ui_db, russian_team)


def drill_in_russian(page, ui_db, trainee):
    """A round of the drill: the prompt given back as it was fails with Russian feedback, the prompt's good
    answer passes, and the round is stopped."""
    page.get_by_role("link", name="Упражнение с фразами").click()
    page.get_by_role("button", name="Начать раунд из 8 фраз").click()
    heading(page, "Скажите это позитивно")
    speaks_russian(page, "the drill's first prompt")
    prompts = {p.negative: p for p in resources.drill_prompts() if p.language == "ru"}

    first = page.locator("blockquote").inner_text().strip()
    assert first in prompts, f"a Russian prompt: {first!r}"
    page.get_by_placeholder(DRILL_ANSWER).fill(first)  # the prompt given back is not a rephrasing
    page.get_by_placeholder(DRILL_ANSWER).press("Enter")
    page.get_by_text("1 из 8 · удачно: 0").wait_for()
    page.get_by_text("всё ещё говорит о том, чего сделать нельзя").first.wait_for()
    model = page.get_by_test_id("stCaptionContainer").filter(has_text="Образец ответа:").first.inner_text()
    assert prompts[first].model in model, model

    second = page.locator("blockquote").inner_text().strip()
    assert second in prompts and second != first, second
    page.get_by_placeholder(DRILL_ANSWER).fill(prompts[second].also_good[0])
    page.get_by_placeholder(DRILL_ANSWER).press("Enter")
    page.get_by_text("2 из 8 · удачно: 1").wait_for()
    page.get_by_text("Хорошо сказано: позитивно, и клиент знает, что будет дальше.").wait_for()
    speaks_russian(page, "the drill's feedback")
    shot(page, "ru-08-drill-feedback")
    page.get_by_role("button", name="Остановить раунд").click()
    page.get_by_role("button", name="Начать раунд из 8 фраз").wait_for()

    drill = session_of(ui_db, trainee["id"], PracticeSession.channel == "drill")
    assert (drill["language"], drill["status"], drill["outcome"]) == ("ru", "completed", "ended_by_trainee")
    assert [x["text"] for x in drill["turns"] if x["speaker"] == "staff"] == [first, prompts[second].also_good[0]]
