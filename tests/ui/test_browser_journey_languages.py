"""The journey of a trainee and a trainer in each language the product serves besides English and Russian (whose own
journey, with the phone call, is test_browser_journey_ru.py), in a real browser against the real panel, Rasa server
and action server: a trainee whose language it is practises a chat scenario of that language, gets a scorecard with
her words marked and the better wording in her language, does a round of the phrase drill with feedback in her
language, and a trainer of her team who works in that language reviews the session. At every step the panel speaks
the language: no English text of the panel is on the page (a text node that is an English message the language's
catalog translates) and no English word a panel in another language would never show. Every word the test looks
for is taken from the language's catalog (coach/locale), so a language added as data is tested by adding its code
below. Screenshots go to test-output/e2e/ (<lang>-*)."""

import re

import pytest
from sqlalchemy import select

from coach import resources
from coach.i18n import catalog, gettext
from coach.sim.play import load_script
from coach.storage import services as sv
from coach.storage.models import PracticeSession, Review
from tests.ui import test_browser_journey_ru as russian_journey
from tests.ui.conftest import person
from tests.ui.test_browser_journey import choose, settle, shot, sign_in
from tests.ui.test_browser_journey import say as say_in_chat
from tests.ui.test_browser_journey_ru import VISIBLE_TEXT, heading

page = russian_journey.page  # the fixture: a fresh browser page for each test

# each language: a team, a trainee and her trainer, named as people of that country are
PEOPLE = {
    "uk": ("Кав'ярня «Зерно», Львів", ("Соломія Ткачук", "solomiia.tkachuk"), ("Богдан Мельник", "bohdan.melnyk")),
    "sv": ("Kafferosteriet, Malmö", ("Linnea Holm", "linnea.holm"), ("Johan Ek", "johan.ek")),
    "lv": ("Kafijas grauzdētava, Rīga", ("Laura Liepiņa", "laura.liepina"), ("Andris Ozols", "andris.ozols")),
}
LANGUAGES = list(PEOPLE)
# words an English panel shows and a panel in any of these languages never does (none is a word of theirs)
ENGLISH_WORDS = {"the", "and", "your", "you", "with", "please", "customer", "reply", "scorecard", "review",
                 "trainee", "trainer", "practise", "drill", "score", "better", "approve", "sign"}
WORD = re.compile(r"[^\W\d_]+")


def before_placeholder(language: str, message: str) -> str:
    """The fixed start of a message with placeholders in `language` ("Sign out ({name})" -> "Sign out")."""
    return gettext(language, message).split("{")[0].strip(" (:«“\"")


def english_on_page(page, language: str) -> dict:
    """The panel's English texts and English words the page shows, each with the element it is in."""
    settle(page)
    untranslated = {english for english, translated in catalog(language).items()
                    if translated != english and "{" not in english}
    found = {}
    for text, where in page.evaluate(VISIBLE_TEXT):
        if text.strip() in untranslated:
            found.setdefault(text.strip(), where)
        for word in WORD.findall(text):
            if word.lower() in ENGLISH_WORDS:
                found.setdefault(word, where)
    return found


def speaks(page, language: str, where: str):
    english = english_on_page(page, language)
    assert not english, f"{where}: the {language} panel shows English (text: the element it is in): {english}"


def chat_scenario(language: str) -> tuple[str, list[str]]:
    """A chat scenario of the language the trainee may start, and its poor staff side's replies."""
    for sid, scenario in sorted(resources.scenarios().items()):
        if scenario.language == language and scenario.channel == "chat" and scenario.hostility < 2:
            try:
                poor = [s if isinstance(s, str) else s.get("text") for s in load_script(sid, "poor")]
            except Exception:  # a scenario without a script
                continue
            return sid, [t for t in poor if t]
    raise AssertionError(f"no chat scenario with a poor script in {language}")


def team_of(ui_db, language: str) -> tuple[dict, dict]:
    """A team of its own, so no other test's counts change: a trainee and her trainer, both working in `language`."""
    team_name, (trainee, trainee_login), (trainer, trainer_login) = PEOPLE[language]
    with ui_db.uow() as w:
        team = sv.create_team(w, team_name)
        for name, login, role in ((trainee, trainee_login, "trainee"), (trainer, trainer_login, "trainer")):
            sv.create_person(w, name=name, login=login, role=role, team_id=team, password="practise",
                             password_rounds=4, language=language)
        w.commit()
    return person(ui_db, trainee_login), person(ui_db, trainer_login)


def one_session(ui_db, person_id, *where) -> dict:
    with ui_db.reader() as r:
        [sid] = r.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == person_id, *where)
                                  ).scalars().all()
        return sv.session_detail(r, sid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_trainee_practises_and_drills_and_her_trainer_reviews_in_their_language(page, ui_servers, ui_db, language):
    t = lambda message: gettext(language, message)  # noqa: E731
    sign_out, reply = before_placeholder(language, "Sign out ({name})"), t("Your reply to the customer")
    trainee, trainer = team_of(ui_db, language)
    url = ui_servers.panel_url

    # the trainee practises a chat scenario of her language
    scenario_id, poor = chat_scenario(language)
    title = resources.scenarios()[scenario_id].title
    sign_in(page, url, trainee["login"], sign_out)
    heading(page, t("Practise"))
    choose(page, t("Scenario"), title)
    speaks(page, language, "choosing a scenario")
    shot(page, f"{language}-01-trainee-picks-a-scenario")
    page.get_by_role("button", name=t("Start practice")).click()
    page.get_by_test_id("stChatMessage").first.wait_for()
    say_in_chat(page, poor[0], 3, reply)
    if len(poor) > 1 and not page.get_by_text(before_placeholder(language, "Session over: {outcome}.")).count():
        say_in_chat(page, poor[1], 5, reply)
    speaks(page, language, "the chat")
    settle(page)
    if not page.get_by_text(before_placeholder(language, "Session over: {outcome}.")).count():
        page.get_by_role("button", name=t("End the session")).click()

    # her scorecard: the words that broke a standard marked, the better wording in her language
    heading(page, t("Scorecard"))
    detail = one_session(ui_db, trainee["id"], PracticeSession.scenario_id == scenario_id)
    assert (detail["language"], detail["status"]) == (language, "completed")
    spans = {f["span"]["text"] for f in detail["findings"] if f["span"]}
    marked = set(page.locator("mark").all_inner_texts())
    assert marked & spans, f"the words that broke a standard are marked: {marked} of {spans}"
    better = [f.get("fix") or f["suggestion"] for f in detail["findings"] if f.get("fix") or f["suggestion"]]
    assert better, "the poor replies broke standards that say what to say instead"
    for b in better:
        page.get_by_text(b).first.wait_for()
    page.get_by_text(t("Better:")).first.wait_for()
    speaks(page, language, "the scorecard")
    shot(page, f"{language}-02-trainee-scorecard")

    # a round of the drill: the prompt given back fails, a good answer passes, with feedback in her language
    page.get_by_role("link", name=t("Phrase drill")).click()
    page.get_by_role("button", name=t("Start a round of 8")).click()
    heading(page, before_placeholder(language, "Say it positively ({k} of {n}): “{negative}”"))
    prompts = {p.negative: p for p in resources.drill_prompts() if p.language == language}
    first = page.locator("blockquote").inner_text().strip()
    assert first in prompts, f"a prompt in {language}: {first!r}"
    answer = t("Your positive version")
    page.get_by_placeholder(answer).fill(first)
    page.get_by_placeholder(answer).press("Enter")
    page.get_by_text(t("{k} of {n} done · {passed} rephrased well").format(k=1, n=8, passed=0)).wait_for()
    page.get_by_text(t("still says what cannot be done")).first.wait_for()
    second = page.locator("blockquote").inner_text().strip()
    assert second in prompts and second != first, second
    page.get_by_placeholder(answer).fill(prompts[second].also_good[0])
    page.get_by_placeholder(answer).press("Enter")
    page.get_by_text(t("{k} of {n} done · {passed} rephrased well").format(k=2, n=8, passed=1)).wait_for()
    speaks(page, language, "the drill's feedback")
    shot(page, f"{language}-03-drill-feedback")
    page.get_by_role("button", name=t("Stop the round")).click()
    page.get_by_role("button", name=t("Start a round of 8")).wait_for()
    drill = one_session(ui_db, trainee["id"], PracticeSession.channel == "drill")
    assert [x["text"] for x in drill["turns"] if x["speaker"] == "staff"] == [first, prompts[second].also_good[0]]
    page.get_by_role("link", name=re.compile(sign_out)).click()

    # her trainer reviews the session in their language and approves it
    sign_in(page, url, trainer["login"], sign_out)
    heading(page, t("Review queue"))
    choose(page, t("Or choose the session to review"), f"#{detail['id']} ")
    heading(page, t("Your review"))
    page.get_by_text(f"{trainee['name']}, {title}", exact=True).wait_for()
    speaks(page, language, "the trainer's review")
    shot(page, f"{language}-04-trainer-reviews")
    page.get_by_role("button", name=t("Approve")).click()
    page.get_by_text(re.compile(re.escape(before_placeholder(language, "Review saved ({status})."))))\
        .first.wait_for()
    with ui_db.reader() as r:
        review = r.session.execute(select(Review).where(Review.session_id == detail["id"])).scalar_one()
        assert review.status == "approved"
