"""Every rule's own pass and fail examples, run through the real engine (sqlfluff-style), in every pack under
standards/ (each read with the detector of its language)."""

import functools
from pathlib import Path

import pytest

from coach.standards import Scorer, load_pack
from coach.transcript import parse_transcript

STANDARDS = Path(__file__).resolve().parents[2] / "standards"
PACKS = [load_pack(p.parent) for p in sorted(STANDARDS.glob("*/pack.yml"))]
# the customer's complaint before an example of a rule that applies to complaints, per language
COMPLAINT = {"en": "This is unacceptable. My order is a week late and nobody has called me back.",
             "ru": "Это безобразие! Заказ опаздывает уже на неделю, и никто мне так и не перезвонил.",
             "uk": "Це неподобство! Замовлення запізнюється вже на тиждень, і ніхто мені так і не передзвонив.",
             "sv": "Det här är oacceptabelt! Beställningen är en vecka sen och ingen har ringt tillbaka.",
             "lv": "Tas ir nepieņemami! Pasūtījums kavējas jau nedēļu, un neviens man tā arī neatzvanīja."}


@functools.lru_cache(maxsize=None)
def _scorer(pack_id):
    return Scorer(next(p for p in PACKS if p.id == pack_id))


def _transcript(rule, example, language="en"):
    if isinstance(example, dict):
        channel = example.get("channel", (rule.applies.get("channel") or ["chat"])[0])
        return parse_transcript({"channel": channel, **example}, where=f"{rule.id} example")
    turns = [{"speaker": "staff", "text": example}]
    if rule.applies.get("complaint"):
        turns.insert(0, {"speaker": "customer", "text": COMPLAINT[language]})
    channel = (rule.applies.get("channel") or ["chat"])[0]
    return parse_transcript({"channel": channel, "turns": turns}, where=f"{rule.id} example")


CASES = [
    pytest.param(pack, rule, kind, example, id=f"{pack.language}-{rule.id}-{kind}-{n}")
    for pack in PACKS
    for rule in pack.rules
    for kind in ("pass", "fail")
    for n, example in enumerate(rule.examples[kind])
]


def test_every_pack_has_a_complaint_line_for_its_examples():
    assert {p.language for p in PACKS} <= set(COMPLAINT) and any(p.language == "en" for p in PACKS)


@pytest.mark.parametrize("pack,rule,kind,example", CASES)
def test_rule_example(pack, rule, kind, example):
    transcript = _transcript(rule, example, pack.language)
    card = _scorer(pack.id).score(transcript)
    hits = [f for f in card.findings if f.rule == rule.id]
    if kind == "pass":
        assert not hits, f"{rule.id} flagged its own passing example: {[(h.span, h.message) for h in hits]}"
    else:
        assert hits, f"{rule.id} did not flag its own failing example (behaviours seen: {card.behaviors})"
        assert rule.id in card.missed


def test_one_ruled_out_promise_is_one_finding(scorer):
    """A promise the situation rules out is charged once, however many of its listed wordings overlap on it
    ("the warranty covers it" also holds "warranty covers it"); a refusal of it is not a promise."""
    situation = {"not_allowed": ["{the warranty covers it|warranty covers it|covered by the warranty}"]}

    def findings(text):
        card = scorer.score(parse_transcript({"channel": "chat", "situation": situation, "turns": [
            {"speaker": "customer", "text": "My laptop has liquid damage, they say. I never spilled anything."},
            {"speaker": "staff", "text": text}]}, where="test"))
        return [f.span["text"] for f in card.findings if f.rule == "CO017"]

    assert findings("Don't worry, the warranty covers it.") == ["the warranty covers it"]
    assert findings("I'm afraid liquid damage isn't covered by the warranty, but the repair is £149.") == []
    # a promise that waits on what someone finds out is no promise; one that waits on the customer's wish is
    assert findings("If the engineer finds a manufacturing fault instead, the warranty covers it.") == []
    assert findings("If you'd rather not wait, the warranty covers it anyway.") == ["the warranty covers it"]


def _offers_charged(scorer, scenario, customer, staff):
    """The words CO017 charges in one staff reply to `customer` in `scenario`."""
    card = scorer.score(parse_transcript({"channel": "chat", "scenario": scenario, "turns": [
        {"speaker": "customer", "text": customer}, {"speaker": "staff", "text": staff}]}, where="test"))
    return [f.span["text"] for f in card.findings if f.rule == "CO017"]


# (scenario, a promise its policy rules out, an honest line about the same thing): written from the scenarios'
# own limits, in words of their own, not taken from any evaluation transcript
POLICY_LIMITS = [
    ("kept_waiting", "The refund should show up in your bank account overnight.",
     "The refund goes back today and reaches your bank within three working days."),
    ("late_delivery_b2b", "The express driver will get to each cafe before 6am.",
     "The express van leaves at 3 pm and gets to you by 8 am tomorrow."),
    ("need_to_think", "Great, I'll book you in for Monday at ten.",
     "Test rides run Tuesday to Sunday; shall I book you in for Tuesday at ten?"),
    ("out_of_stock", "It will be with you on the 14th, no problem.",
     "You can collect it from Croydon on the 13th, or it's delivered 3 to 5 working days after the 12th."),
    ("social_media_complaint", "The new cushion will be with you tomorrow morning.",
     "The new cushion goes out by express today and is due on Thursday."),
    ("phone_wrong_department", "Friday is completely fine, I'll tell them.",
     "The deliveries team will tell you which days are free."),
    ("discount_haggler", "There's usually a little leeway, let me see.",
     "5% is the most I can give on two desks, and I'll add free delivery and assembly."),
    ("bad_news_customer", "He'll probably overturn the first finding tomorrow.",
     "The senior technician can look at it again tomorrow morning; I can't say what he'll find."),
    ("phone_answer_hold_transfer", "An engineer will come on Thursday to fix it.",
     "The repairs team books the engineer's visit, so I'll put you through to them."),
    ("price_shocked", "We can spread it over 24 months interest free.",
     "0% finance spreads it over 12 months, and the frame has a 10-year warranty."),
    ("spec_expert", "And there's a 90 day money back guarantee if you're not happy.",
     "You can return it within 30 days if it's louder than you can live with."),
    ("small_customer_delay", "The twelve vases will be with you by Friday.",
     "Twelve vases from this week's firing leave on Friday and are due with you on Monday."),
    ("wrong_item_cheated", "I'll get it out to you on same-day delivery.",
     "The full kit goes out today by next-day delivery, and the courier collects the bare drill on the same visit."),
]


@pytest.mark.parametrize("scenario,promise,honest", POLICY_LIMITS, ids=[c[0] for c in POLICY_LIMITS])
def test_a_promise_beyond_the_scenarios_policy_is_charged(scorer, scenario, promise, honest):
    """CO017 reads each scenario's limits (its `not_allowed` and `offers`): a promise beyond them is charged, and
    saying the limit honestly is not."""

    ask = "So when can you sort this out for me?"
    assert _offers_charged(scorer, scenario, ask, promise), f"{scenario}: {promise!r} promises what it rules out"
    assert _offers_charged(scorer, scenario, ask, honest) == [], f"{scenario}: {honest!r} states the limit honestly"


def test_every_further_minute_on_hold_is_another_miss(scorer):
    """TE007: a hold of 61-120 s without a check back is one miss, 121-180 s two: three silent minutes cost more
    than one and a half."""

    def misses(held):
        card = scorer.score(parse_transcript({"channel": "phone", "turns": [
            {"speaker": "system", "event": "ring", "t": 0}, {"speaker": "system", "event": "answer", "t": 3},
            {"speaker": "staff", "text": "Brightwater, Ella speaking. How can I help?", "t": 4},
            {"speaker": "customer", "text": "My dishwasher won't start.", "t": 10},
            {"speaker": "staff", "text": "May I put you on hold for a minute while I check the warranty?", "t": 15},
            {"speaker": "system", "event": "hold", "t": 20},
            {"speaker": "system", "event": "resume", "t": 20 + held},
            {"speaker": "staff", "text": "Thanks for holding. The repair is free.", "t": 22 + held}]},
            where="test"))
        return sum(1 for f in card.findings if f.rule == "TE007")

    assert [misses(s) for s in (60, 90, 120, 177, 181)] == [0, 1, 1, 2, 3]


def test_overlapping_wordings_of_one_signal_are_one_finding(scorer):
    """"It should be fine" is listed twice in the guess signal ("should be fine", "it should be fine"): one guess,
    one finding."""
    card = scorer.score(parse_transcript({"channel": "chat", "turns": [
        {"speaker": "customer", "text": "My parcel is late."},
        {"speaker": "staff", "text": "Sorry about that. It should be fine by Friday."}]}, where="test"))
    assert [f.span["text"] for f in card.findings if f.rule == "CO020"] == ["It should be fine"]


def test_an_amount_the_customer_pays_is_no_offer(scorer):
    """CO017 reads an amount followed at once by 'in total', 'each' or 'a month' as the price, however near an
    offer's word stands before it; an amount with the offer's word first is still an offer."""

    def charged(text):
        return _offers_charged(scorer, "discount_haggler", "Two desks then. What's the damage?", text)

    assert charged("Quote sent: two desks at 5% off, £1,233.10 in total.") == []
    assert charged("Two desks at 5% off, £1,233.10 altogether.") == []
    assert charged("Both at 5% off, £616.55 a desk.") == []
    assert charged("I can take £100 off in total.") == ["£100"]


def test_an_offer_for_the_trouble_is_still_an_offer(scorer):
    """"for" before an amount makes it a price ("two desks for £900"); after it, it says what the offer is for: "a
    credit of 30% for the trouble" is still a credit of 30%."""
    ask, late = "The cups still haven't come.", "late_delivery_b2b"
    assert _offers_charged(scorer, late, ask, "I'll give you a credit of 30% for the trouble.") == ["30%"]
    assert _offers_charged(scorer, late, ask, "I'll give you a credit of 10% for the trouble.") == []
    assert _offers_charged(scorer, "discount_haggler", "Two desks?", "Two desks for £900 is the best I can do.") == []
