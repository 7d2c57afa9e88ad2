"""Practise: pick a scenario, talk to the difficult customer (chat or phone), see the scorecard, and
retry from any of your replies with the customer exactly as it was then.

One reply is in flight per session: a reply goes into the session's outbox the moment it is typed (the chat
box's on_submit, before the page runs), the box is disabled while the outbox is not empty, and one page run
at a time (a lock per session) sends the outbox in order. Streamlit starts a new run for every submission
while the last one is still waiting for the customer, so without this replies overlapped on one client and
most were lost without a word; now every reply is sent, in order, or kept on the page with the reason."""

import functools
import random
import threading
import time
import uuid

import streamlit as st

from coach import resources
from coach.vocabulary import CONVERSATION_CHANNELS
from trainer_ui import errors, records, signin, voice, widgets
from trainer_ui.client import practice_client, practice_server_banner
from trainer_ui.i18n import bound, language_names, t, term

user = signin.page("practise", "Practise")
KEY = "practice"
CALL_BUTTONS = (  # (event, label, the call states in which it can be pressed)
    ("answer", ":material/call: " + t("Answer"), ("ringing",)),
    ("hold", ":material/pause: " + t("Hold"), ("connected",)),
    ("resume", ":material/play_arrow: " + t("Resume"), ("on_hold",)),
    ("transfer", ":material/call_split: " + t("Transfer"), ("connected", "on_hold")),
    ("hangup", ":material/call_end: " + t("Hang up"), ("ringing", "connected", "on_hold")))
NEXT_CALL = {"answer": "connected", "hold": "on_hold", "resume": "connected"}


def _new_state(client, reply, scenario, channel, **extra):
    p = {"client": client, "session_id": reply["session_id"], "scenario": scenario.id, "channel": channel,
         "title": scenario.title, "turns": [], "outcome": None, "call": None,
         "hint": None, "outbox": [], "failed": False, "sending": threading.Lock(), **extra}
    for h in reply.get("history") or []:
        p["turns"].append({"speaker": h["speaker"], "text": h["text"], "seq": h["seq"], "event": h.get("event")})
    if not reply.get("history") and reply.get("customer"):
        p["turns"].append({"speaker": "customer", "text": reply["customer"], "seq": 0})
    if channel == "phone":  # a retry may start in the middle of a call
        events = [x.get("event") for x in p["turns"] if x["speaker"] == "system" and x.get("event") != "ring"]
        spoke = any(x["speaker"] == "staff" for x in p["turns"])
        p["call"] = NEXT_CALL.get(events[-1]) if events else ("connected" if spoke else "ringing")
    _take(p, reply, record_customer=False)
    return p


def _take(p, reply, record_customer=True):
    """Fold the customer's answer into the page state."""
    if record_customer and reply.get("customer"):
        p["turns"].append({"speaker": "customer", "text": reply["customer"], "seq": (reply.get("seq") or 0) + 1})
    if reply.get("mood") is not None:
        p["mood"], p["band"] = reply["mood"], reply.get("band")
    p["needs"] = reply.get("needs") or p.get("needs", [])
    p["needs_met"] = reply.get("needs_met") or p.get("needs_met", [])
    if reply.get("outcome"):
        p["outcome"] = reply["outcome"]


def start(scenario, channel, hostile):
    client = practice_client()
    seed = random.randrange(1, 2**31)
    with errors.shown(t("the session could not start")):
        reply = client.start(person_id=user["id"], scenario=scenario.id, seed=seed, channel=channel, hostile=hostile)
        st.session_state[KEY] = _new_state(client, reply, scenario, channel)
        st.rerun()


def retry(session_id: int, from_turn: int):
    client = practice_client()
    with errors.shown(t("the retry could not start")):
        reply = client.retry(person_id=user["id"], session_id=session_id, from_turn=from_turn)
        sc = resources.scenarios()[st.session_state.get(KEY, {}).get("scenario") or _scenario_of(session_id)]
        st.session_state[KEY] = _new_state(client, reply, sc, reply.get("channel") or sc.channel,
                                           retry_of=session_id, from_turn=from_turn)
        st.rerun()


def _scenario_of(session_id):
    from coach.storage import services as sv

    with records.reader() as r:
        return sv.session_detail(r, session_id)["scenario_id"]


def say(p, text, message_id=None, voice=None):
    t0 = time.perf_counter()
    reply = p["client"].say(text, message_id=message_id, voice=voice)
    p["client_ms"] = (time.perf_counter() - t0) * 1000
    p["turns"].append({"speaker": "staff", "text": text, "seq": reply["seq"], "findings": reply.get("findings") or []})
    _take(p, reply)
    p["hint"] = reply.get("findings") or []
    if p.get("channel") == "phone" and p.get("call") in ("ringing", "on_hold"):
        p["call"] = "connected"  # speaking answers the call / takes the caller off hold


def call_event(p, event):
    reply = p["client"].event(event)
    p["turns"].append({"speaker": "system", "event": event, "seq": reply["seq"], "text": ""})
    _take(p, reply)
    p["call"] = NEXT_CALL.get(event, "ended")


def end(p):
    reply = p["client"].end()
    _take(p, reply)
    p["outcome"] = p["outcome"] or reply.get("outcome") or "ended_by_trainee"


# -- a retry asked for from another page (My progress, a session) --------------------------------
asked = st.session_state.pop("retry_request", None)
if asked:
    retry(asked["session_id"], asked["from_turn"])

p = st.session_state.get(KEY)

# -- choosing a scenario -------------------------------------------------------------------------
if p is None:
    practice_server_banner()
    with errors.shown(t("the scenarios could not be loaded")):
        all_sc = sorted(resources.scenarios().values(), key=lambda s: (s.track, s.difficulty, s.title))
        spoken = sorted({s.language for s in all_sc}, key=lambda c: c != "en")
        c1, c2, c3 = st.columns(3)
        tr = bound()  # the person's language, for the format functions
        track = c1.selectbox(t("Track"), ["all", "phrasing", "telephone", "complaint"], key="pick_track",
                             format_func=tr)
        levels = c2.multiselect(t("Difficulty"), [1, 2, 3], default=[1, 2, 3], key="pick_level",
                                format_func=lambda d: "★" * d)
        # the customer speaks it, the replies are read in it and scored with its standards (standards/<code>/)
        mine = user.get("language") or "en"  # the person's own language (their profile) comes first
        language = c3.selectbox(t("Language"), spoken, key="pick_language", format_func=language_names(),
                                index=spoken.index(mine) if mine in spoken else 0)
        shown = [s for s in all_sc if (track == "all" or s.track == track) and s.difficulty in levels
                 and s.language == language]
        if not shown:
            widgets.empty(t("No scenario matches: choose another track or difficulty."))
            st.stop()
        by_id = {s.id: s for s in shown}
        sc = by_id[st.selectbox(t("Scenario"), list(by_id), key="pick_scenario",
                                format_func=lambda i: f"{by_id[i].title}  "
                                                      f"({tr(by_id[i].track)}, {'★' * by_id[i].difficulty})")]
        with st.container(border=True):
            st.markdown(f"**{sc.title}**: {sc.brief}")
            st.caption(t("Customer: {name} · usually a {channel} contact",
                         name=sc.persona.get("name") or t("a customer"), channel=term(sc.channel)))
        mode = st.radio(t("Mode"), CONVERSATION_CHANNELS, index=CONVERSATION_CHANNELS.index(sc.channel),
                        horizontal=True, key="pick_mode",
                        format_func=lambda m: {"chat": ":material/chat: " + tr("Chat"),
                                               "phone": ":material/call: " + tr("Phone")}[m])
        hostile = False
        if sc.hostility >= 2:
            st.warning(t("This customer insults and threatens. Practise it only if you are ready to."))
            hostile = st.checkbox(t("I understand; play the hostile customer"), key="pick_hostile")
        st.toggle(t("Show a hint after each reply"), value=True, key="hints")
        if st.button(t("Start practice"), type="primary", key="start", disabled=sc.hostility >= 2 and not hostile):
            start(sc, mode, hostile)
    st.stop()

# -- the conversation ----------------------------------------------------------------------------


def queue_reply():
    """The chat box's on_submit: runs before the page, in the run this submission started. The reply goes
    into the outbox at once, so a run that is still sending the one before cannot lose it."""
    from bot.client import refusal

    text = st.session_state.get("reply")
    q = st.session_state.get(KEY)
    if not text or q is None or q.get("outcome"):
        return
    refused = refusal(text)
    if refused:
        q["refused"] = refused[1].replace(". Nothing was recorded", "")
        q["refused_text"] = text
        return
    q.setdefault("outbox", []).append({"text": text, "id": uuid.uuid4().hex})


def keep_recording(p, wav):
    """The sound of the reply just recorded, kept with the session if the company allows it (voice.recordings);
    a failure to keep it loses no reply: it is said on the page."""
    from coach.storage import services as sv

    seq = next((x["seq"] for x in reversed(p["turns"]) if x["speaker"] == "staff"), None)
    try:
        with records.uow() as w:
            sv.keep_recording(w, p["session_id"], seq, wav)
            w.commit()
    except Exception as exc:  # the reply itself went through; only its sound was not kept
        st.warning(t("Your reply was sent, but its recording could not be kept: {why}", why=str(exc)))


def _queue_spoken(p, text, measures, wav=None):
    """A spoken reply, corrected by the trainee, goes the way of a typed one, with what its sound measured."""
    from bot.client import refusal

    refused = refusal(text)
    if refused:
        st.error(t("That reply was not sent: {why}.", why=refused[1].replace(". Nothing was recorded", "")))
        return
    p.setdefault("outbox", []).append({"text": text, "id": uuid.uuid4().hex, "voice": measures, "wav": wav})
    st.rerun()


def send_outbox(p):
    """Send the queued replies in order, one at a time for this session (its lock), until one fails; a failed
    one stays in the outbox with its message id, so sending it again cannot record it twice."""
    lock = p.setdefault("sending", threading.Lock())
    if not lock.acquire(timeout=90):
        st.warning(t("The reply before is still waiting for the customer's answer; yours is queued."))
        return
    try:
        while p.get("outbox") and not p.get("failed") and not p["outcome"]:
            item = p["outbox"][0]
            with errors.shown(t("the reply was not delivered")):
                try:
                    say(p, item["text"], message_id=item["id"], voice=item.get("voice"))
                    if item.get("wav"):
                        keep_recording(p, item["wav"])
                except Exception:
                    p["failed"] = True
                    raise
                p["outbox"].pop(0)
    finally:
        lock.release()


if not p["outcome"]:
    busy = bool(p.get("outbox"))  # a reply is on its way, or waits to be sent again
    # the box is pinned to the bottom of the page wherever it is called; disabled while a reply is in flight
    st.chat_input(t("Wait for the customer's answer...") if busy else t("Your reply to the customer"), key="reply",
                  max_chars=2000, disabled=busy, on_submit=queue_reply)
    if p.get("refused"):
        st.error(t("That reply was not sent: {why}. Your words:", why=p.pop("refused")))
        st.code(p.pop("refused_text", ""), language=None, wrap_lines=True)
    if p.get("outbox") and not p.get("failed"):
        send_outbox(p)
    if p.get("outbox") and p.get("failed"):
        st.warning(t("Not delivered yet (copy it, or send it again once the practice server is back):"))
        for item in p["outbox"]:
            st.code(item["text"], language=None, wrap_lines=True)
        if st.button(t("Send it again"), key="resend", type="primary"):
            p["failed"] = False
            send_outbox(p)
            if not p.get("outbox"):
                st.rerun()
    elif busy and not p.get("outbox"):
        st.rerun()  # everything went: draw the reply box enabled again
head = st.columns([3, 2])
with head[0]:
    label = f"**{p['title']}** · {term(p['channel'])}"
    if p.get("retry_of"):
        label += " · " + t("retry of session {session} from turn {turn}", session=p["retry_of"], turn=p["from_turn"])
    st.markdown(label)
with head[1]:
    widgets.mood_meter(p.get("mood"), p.get("band"))

if p["channel"] == "phone" and not p["outcome"]:
    @st.fragment(run_every=1.0 if p.get("call") in ("ringing", "on_hold") else None)
    def phone_timer():
        secs = time.time() - p.setdefault("call_since", time.time())
        state = p.get("call")
        if state == "ringing":
            voice.play_ringing(secs)
        elif state == "on_hold":
            st.markdown("### :material/pause: " + t("Caller on hold {secs} s", secs=f"{secs:.0f}"))
        else:
            st.markdown("### :material/call: " + t("On the call"))

    phone_timer()
    cols = st.columns(len(CALL_BUTTONS))
    for col, (event, label, states) in zip(cols, CALL_BUTTONS, strict=True):
        if col.button(label, key=f"call_{event}", disabled=p.get("call") not in states, width="stretch"):
            with errors.shown(t("{event} did not go through", event=term(event))):
                call_event(p, event)
                p["call_since"] = time.time()
                st.rerun()

for turn in p["turns"]:
    if turn["speaker"] == "system":
        if turn.get("event") != "ring":
            st.caption(":material/call: " + t("you pressed {event}", event=term(turn["event"])))
        continue
    role = "user" if turn["speaker"] == "staff" else "assistant"
    with st.chat_message(role, avatar=":material/support_agent:" if role == "user" else ":material/person:"):
        widgets.show(widgets.highlighted(turn["text"], turn.get("findings") or []))

sc_now = resources.scenarios().get(p["scenario"]) if p["channel"] == "phone" else None
if sc_now is not None:  # the customer's last line is heard even when it ends the call
    st.toggle(t("Mute the customer's voice"), key="voice_muted")
    voice.play_customer(p, sc_now.persona.get("voice") or {}, sc_now.language)
    live = not p["outcome"]
    if live and p.get("call") == "ringing":  # pick up first, then speak: the answer time is the pick-up's
        st.caption(t("Press Answer to pick up the phone, then answer aloud or type."))
    elif live and not p.get("outbox"):
        voice.recorder(p, sc_now.language, sc_now, functools.partial(_queue_spoken, p))

if st.session_state.get("hints", True) and p.get("hint") and not p["outcome"]:
    st.info(t("Hint: your last reply missed a standard."), icon=":material/lightbulb:")
    for f in p["hint"]:
        better = f.get("fix") or f.get("suggestion")
        tried = f" {t('Try:')} <i>{widgets.typed(better)}</i>" if better else ""
        widgets.show(f"{widgets.typed(f['message'])}{tried}")

if not p["outcome"]:
    if p.get("needs"):
        st.caption(t("Customer's needs met: {met} of {all}", met=len(p.get("needs_met") or []), all=len(p["needs"])))
    if st.button(t("End the session"), key="end"):
        with errors.shown(t("the session could not be ended")):
            end(p)
            st.rerun()
    st.stop()

# -- the result ----------------------------------------------------------------------------------
from coach.storage import services as sv  # noqa: E402

st.success(t("Session over: {outcome}.", outcome=term(p["outcome"])))
if p.get("outbox"):  # typed after the customer had already ended it: said, not dropped
    st.warning(t("The session ended before these replies of yours were sent; they were not recorded:"))
    for item in p["outbox"]:
        st.code(item["text"], language=None, wrap_lines=True)
with errors.shown(t("the scorecard could not be loaded")):
    with records.reader() as r:
        detail = sv.session_detail(r, p["session_id"])
        original = sv.session_detail(r, p["retry_of"]) if p.get("retry_of") else None
    if original:
        st.subheader(t("Your retry beside the first try (from turn {turn})", turn=p["from_turn"]))
        left, right = st.columns(2)
        for col, d, name in ((left, original, t("First try")), (right, detail, t("Retry"))):
            with col:
                card = d.get("scorecard") or {}
                st.markdown(f"**{name}** ({t('session {id}', id=d['id'])})")
                m = st.columns(3)
                m[0].metric(t("Score"), card.get("overall", "—"))
                m[1].metric(t("Outcome"), term(d.get("outcome") or "—"))
                m[2].metric(t("Final mood"), f"{d['final_mood']:+.2f}" if d.get("final_mood") is not None else "—")
                widgets.transcript({**d, "turns": [turn for turn in d["turns"] if turn["seq"] >= p["from_turn"] - 1]})
    st.subheader(t("Scorecard"))
    widgets.scorecard(detail)
    st.subheader(t("What you said, and what to say better"))
    widgets.transcript(detail)
    staff = [turn for turn in detail["turns"] if turn["speaker"] == "staff"]
    if staff:
        st.subheader(t("Retry from a turn"))
        st.caption(t("Restart before one of your replies, with the customer exactly as it was, and say it better."))
        said, tr = {turn["seq"]: turn["text"] for turn in staff}, bound()
        pick = st.selectbox(t("Your reply"), list(said), key="retry_turn",
                            format_func=lambda s: tr("turn {n}", n=s) + f": {said[s][:80]}")
        if st.button(t("Retry from turn {n}", n=pick), key="retry", type="primary"):
            retry(detail["id"], pick)
if st.button(t("Practise another scenario"), key="again"):
    st.session_state.pop(KEY, None)
    st.rerun()
