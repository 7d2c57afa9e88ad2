"""The whole journey in a real browser (Debian's Chromium driven by Playwright) against the real panel,
Rasa server and action server: a trainee practises to the end, sees the scorecard and retries from a turn;
a trainer overrides a finding; a manager picks the employee of the month. Screenshots of each step go to
test-output/e2e/."""

import re

from sqlalchemy import select

from coach.sim.play import load_script
from coach.storage.models import Award, PracticeSession, Review
from tests.ui.conftest import SHOTS, person

WAIT = 60_000  # ms: a turn goes through Rasa and the action server


def sign_in(page, url, login, sign_out="Sign out"):
    """The sign-in page speaks English until someone signs in; `sign_out` is the link's word in the person's
    language, which shows that they are in."""
    page.goto(url)
    page.get_by_role("textbox", name="Login").fill(login)
    page.get_by_role("textbox", name="Password").fill("practise")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile(sign_out)).wait_for(timeout=WAIT)


QUIET_MS = 300  # a script run that a click or a rerun asks for starts within this time
IDLE = """quiet => {
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = app && app.dataset.testScriptState === 'notRunning' && app.dataset.testConnectionState === 'CONNECTED'
        && !document.querySelector('[data-testid="stStatusWidget"]');
    const now = performance.now();
    if (!idle) { window.__coachIdleSince = null; return false; }
    if (window.__coachIdleSince == null) window.__coachIdleSince = now;
    return now - window.__coachIdleSince >= quiet;
}"""
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .every(chart => chart.querySelector('canvas, svg'))"""
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def settle(page):
    """Wait until the page is quiet: Streamlit marks its app element with the state of the script run
    (`data-test-script-state`), and the page has shown no run for QUIET_MS in a row, checked every frame.
    One moment of "not running" is not enough: a click's run may not have started yet, and a run that ends
    with a rerun (the practice page after a reply) is followed by another; Streamlit keeps the elements of
    the run before on the page until they are replaced, and a click on one of them may be lost."""
    page.evaluate("() => { window.__coachIdleSince = null; }")
    page.wait_for_function(IDLE, arg=QUIET_MS, timeout=WAIT)


def choose(page, label, text):
    """A Streamlit selectbox: open it, type to filter, take the first option that matches."""
    settle(page)
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)).locator("input")
    box.click()
    box.fill(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()


def say(page, text, n_messages, placeholder="Your reply to the customer"):
    page.get_by_placeholder(placeholder).fill(text)
    page.get_by_placeholder(placeholder).press("Enter")
    page.wait_for_function(f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {n_messages}",
                           timeout=WAIT)


def over(page) -> bool:
    settle(page)
    return page.get_by_text("Session over").count() > 0


def shot(page, name):
    settle(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=WAIT)
    # the page scrolls inside Streamlit's main container: make the window as tall as its content
    height = page.evaluate("(document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(max(900, height), 6000)})
    page.evaluate(NEXT_FRAMES)  # the page laid out at its new size
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_trainee_trainer_and_manager_journey(browser, ui_servers, ui_db, undecided_award):
    url = ui_servers.panel_url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(WAIT)
    first = trainee_practises_a_complaint(page, url, ui_db)
    trainee_retries_from_turn_3(page, ui_db, first)
    trainer_rejects_a_finding_and_approves(page, url, ui_db, first)
    manager_picks_the_employee_of_the_month(page, url, ui_db)
    ctx.close()


def trainee_practises_a_complaint(page, url, ui_db) -> int:
    """The trainee practises a complaint to the end; returns the session's id."""
    sign_in(page, url, "trainee")
    page.get_by_role("heading", name="Practise").wait_for()
    choose(page, "Scenario", "Customer kept waiting")
    page.get_by_text("usually a chat contact").wait_for()
    shot(page, "01-trainee-picks-a-scenario")
    page.get_by_role("button", name="Start practice").click()
    page.get_by_test_id("stChatMessage").first.wait_for()
    poor = load_script("kept_waiting", "poor")
    say(page, poor[0], 3)
    say(page, poor[1], 5)
    shot(page, "02-trainee-in-conversation")
    if not over(page):
        page.get_by_role("button", name="End the session").click()
    page.get_by_role("heading", name="Scorecard").wait_for()
    assert page.locator("mark").count() > 0, "the phrases that broke a standard are highlighted"
    shot(page, "03-trainee-scorecard")
    trainee = person(ui_db, "trainee")
    with ui_db.reader() as r:
        return r.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == trainee["id"])
                                 .order_by(PracticeSession.id.desc())).scalars().first()


def trainee_retries_from_turn_3(page, ui_db, first):
    """Retry from the second reply, say it better, and see both side by side."""
    choose(page, "Your reply", "turn 3")
    page.get_by_role("button", name="Retry from turn 3").click()
    page.get_by_text(f"retry of session {first} from turn 3").wait_for()
    good = load_script("kept_waiting", "good")
    n = page.get_by_test_id("stChatMessage").count()
    for line in good[1:]:
        n += 2
        say(page, line, n)
        if over(page):
            break
    if not over(page):
        page.get_by_role("button", name="End the session").click()
    page.get_by_role("heading", name="Your retry beside the first try (from turn 3)").wait_for()
    shot(page, "04-trainee-retry-side-by-side")
    with ui_db.reader() as r:
        retry = r.session.execute(select(PracticeSession).where(PracticeSession.retry_of_id == first)).scalar_one()
        assert retry.status == "completed" and retry.retry_from_seq == 3
    page.get_by_role("link", name=re.compile("Sign out")).click()


def trainer_rejects_a_finding_and_approves(page, url, ui_db, first):
    sign_in(page, url, "trainer")
    page.get_by_role("heading", name="Review queue").wait_for()
    choose(page, "Or choose the session to review", f"#{first} ")
    page.get_by_role("heading", name="Your review").wait_for()
    settle(page)
    first_verdict = page.get_by_test_id("stRadio").first  # the first finding of the session
    first_verdict.get_by_text("reject", exact=True).click()
    settle(page)
    reason = page.get_by_placeholder("why the machine is wrong").first
    reason.fill("the customer asked for the number first")
    reason.press("Enter")
    settle(page)
    shot(page, "05-trainer-reviews")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Review saved (approved)").wait_for()
    shot(page, "06-trainer-approved")
    with ui_db.reader() as r:
        review = r.session.execute(select(Review).where(Review.session_id == first)).scalar_one()
        assert review.status == "approved" and [v.verdict for v in review.verdicts].count("reject") == 1
    page.get_by_role("link", name=re.compile("Sign out")).click()


def manager_picks_the_employee_of_the_month(page, url, ui_db):
    sign_in(page, url, "manager")
    page.get_by_role("link", name="Employee of the month").click()
    page.get_by_role("heading", name=re.compile("Ranking for")).wait_for()
    page.get_by_label("Reason (shown to the team and kept with the figures)").fill(
        "Top of the ranking, and the most varied practice of the month.")
    shot(page, "07-manager-ranking")
    page.get_by_role("button", name="Record the decision").click()
    # the decided month's message (the "Recorded: ..." of the click may still fade out beside it)
    page.get_by_text(re.compile(r"is the employee of the month for \d{4}-\d{2}, chosen by")).wait_for()
    shot(page, "08-manager-decided")
    with ui_db.reader() as r:
        assert r.session.execute(select(Award).where(Award.reason.like("Top of the ranking%"))).scalar_one()
