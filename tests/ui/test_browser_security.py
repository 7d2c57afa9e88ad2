"""Issue 15 in a real browser (Debian's Chromium) against the real panel and practice servers: Streamlit's
clear-cache message cannot reset the sign-in throttle; what a trainee types reaches the trainer's review page
as literal text; replies typed as fast as the page takes them are all recorded, in order."""

import asyncio
import re
import time
import uuid

from sqlalchemy import select

from coach.storage import services as sv
from coach.storage.models import PracticeSession
from ops.wait import wait_until
from tests.ui.conftest import person
from tests.ui.test_browser_journey import WAIT, choose, say, settle, shot, sign_in


def clear_caches(panel_url: str):
    """Streamlit's own clear-cache message (BackMsg.clear_cache), sent over the panel's websocket as any
    browser could, signed in or not."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from tornado.websocket import websocket_connect

    async def go():
        ws = await websocket_connect(panel_url.replace("http://", "ws://") + "/_stcore/stream",
                                     subprotocols=["streamlit"])
        msg = BackMsg()
        msg.clear_cache = True
        await ws.write_message(msg.SerializeToString(), binary=True)
        await asyncio.sleep(1.0)
        ws.close()

    import threading

    failed = []
    # in a thread of its own: Playwright's sync API keeps an event loop running in this one
    t = threading.Thread(target=lambda: failed.extend([]) if asyncio.run(go()) is None else None)
    t.start()
    t.join(timeout=30)
    assert not t.is_alive() and not failed


def try_password(page, url, login, password):
    page.goto(url)
    page.get_by_role("textbox", name="Login").fill(login)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page)


def test_the_clear_cache_message_does_not_reset_the_sign_in_throttle(browser, ui_servers, ui_db):
    login = f"locked.{uuid.uuid4().hex[:6]}"
    with ui_db.uow() as w:
        sv.create_person(w, name="Locked Out", login=login, role="trainee", password="the right one",
                         password_rounds=4)
        w.commit()
    url = ui_servers.panel_url
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(WAIT)
    for i in range(5):
        try_password(page, url, login, f"wrong guess {i}")
        page.get_by_text("do not match").wait_for()
    try_password(page, url, login, "the right one")
    page.get_by_text("Too many failed sign-ins").wait_for()
    clear_caches(url)  # what the attacker sends
    try_password(page, url, login, "the right one")
    page.get_by_text("Too many failed sign-ins").wait_for()
    assert page.get_by_role("link", name=re.compile("Sign out")).count() == 0, "still locked"
    ctx.close()


PAYLOADS = ["[x](javascript:alert(1))", "![](http://127.0.0.1:9/pixel.png)", ":red[alarm]",
            "$\\href{javascript:alert(1)}{x}$"]


def _latest_session(db, login):
    with db.reader() as r:
        return r.session.execute(select(PracticeSession.id).where(PracticeSession.person_id == person(db, login)["id"])
                                 .order_by(PracticeSession.id.desc())).scalars().first()


def _staff_texts(db, sid):
    with db.reader() as r:
        return [t["text"] for t in sv.session_turns(r, sid) if t["speaker"] == "staff"]


def test_what_a_trainee_types_reaches_the_trainer_as_literal_text(browser, ui_servers, ui_db):
    url = ui_servers.panel_url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(WAIT)
    fetched = []
    page.on("request", lambda req: fetched.append(req.url) if "pixel.png" in req.url else None)
    sign_in(page, url, "trainee")
    choose(page, "Scenario", "Customer kept waiting")
    page.get_by_role("button", name="Start practice").click()
    page.get_by_test_id("stChatMessage").first.wait_for()
    replies = [f"I'm sorry about the wait {PAYLOADS[0]} {PAYLOADS[1]}", f"Let me check {PAYLOADS[2]} {PAYLOADS[3]}"]
    sid = _latest_session(ui_db, "trainee")
    for n, text in enumerate(replies, 1):
        say(page, text, 1 + n)  # the opening line, and each reply as it is taken
        settle(page)
    if page.get_by_role("button", name="End the session").count():
        page.get_by_role("button", name="End the session").click()
    page.get_by_role("heading", name="Scorecard").wait_for()
    assert _staff_texts(ui_db, sid) == replies
    page.get_by_role("link", name=re.compile("Sign out")).click()

    sign_in(page, url, "trainer")
    page.get_by_role("heading", name="Review queue").wait_for()
    choose(page, "Or choose the session to review", f"#{sid} ")
    page.get_by_role("heading", name="Your review").wait_for()
    settle(page)
    main = page.get_by_test_id("stMain")
    for payload in PAYLOADS:
        assert main.get_by_text(payload, exact=False).count() > 0, f"{payload} is not shown as typed"
    assert main.locator("a[href^='javascript']").count() == 0
    assert main.locator("a", has_text=re.compile(r"^x$")).count() == 0, "no live link"
    assert main.locator("img[src*='pixel.png']").count() == 0, "no image"
    assert main.locator(".katex, math").count() == 0, "no LaTeX"
    assert main.locator("[data-testid='stMarkdownColoredText'], span[style*='color']", has_text="alarm").count() == 0
    assert not fetched, f"the trainer's browser fetched {fetched}"
    shot(page, "09-trainer-sees-typed-text-literally")
    ctx.close()


def test_replies_typed_as_fast_as_the_page_takes_them_are_all_recorded_in_order(browser, ui_servers, ui_db):
    url = ui_servers.panel_url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(WAIT)
    sign_in(page, url, "trainee")
    choose(page, "Scenario", "Customer kept waiting")
    page.get_by_role("button", name="Start practice").click()
    page.get_by_test_id("stChatMessage").first.wait_for()
    sid = _latest_session(ui_db, "trainee")
    sent = [f"Thank you for your patience, I am checking your account now ({i} of 8)." for i in range(1, 9)]
    box = page.locator("[data-testid='stChatInputTextArea']")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    typed = []
    for text in sent:  # no waiting for answers: as fast as the reply box takes them
        deadline = time.monotonic() + 60
        while True:
            try:
                box.fill(text, timeout=2_000)  # waits while the box is disabled (a reply in flight)
                box.press("Enter", timeout=2_000)
                typed.append(text)
                # a very fast typist (a reply every 150 ms, no waiting for answers). Two submissions a few
                # milliseconds apart, before the page has run at all, are merged by Streamlit itself (SECURITY.md)
                page.wait_for_timeout(150)
                break
            except PlaywrightTimeout:
                if page.get_by_text("Session over").count() or time.monotonic() > deadline:
                    break
        if page.get_by_text("Session over").count():
            break
    def all_answered():
        settle(page)
        return len(_staff_texts(ui_db, sid)) == len(typed) or page.get_by_text("Session over").count() > 0

    wait_until(all_answered, timeout=120, every=0.5, waiting_for="every typed reply recorded, or the session over")
    recorded = _staff_texts(ui_db, sid)
    assert recorded and recorded == typed[:len(recorded)], ("in order, each once", typed, recorded)
    if len(recorded) < len(typed):  # the customer ended it first: the rest is listed on the page, never dropped
        assert page.get_by_text("The session ended before these replies of yours were sent").count() > 0, \
            (typed, recorded)
        for text in typed[len(recorded):]:
            assert page.get_by_text(text).count() > 0
    ctx.close()
