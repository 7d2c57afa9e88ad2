"""Signals as data: a signal's not_within phrases take back hits inside them, and a malformed spec is named."""

import pytest

from coach.detect import build_nlp
from coach.detect.signals import SignalError, SignalMatcher


@pytest.fixture(scope="module")
def nlp():
    return build_nlp("en")


@pytest.fixture(scope="module")
def signals(nlp):
    return SignalMatcher(nlp)


def hits(signals, nlp, text, name, side="staff"):
    return [h.text for h in signals.match(side, nlp(text)).get(name, [])]


@pytest.mark.parametrize("text, times", [
    ("Is there anything else I can help you with today?", []),
    ("Thanks for calling us today, and enjoy your weekend!", []),
    ("I'll ring you today before 4pm.", ["today", "4pm"]),
    ("Anything else I can help with today? The engineer comes on Friday.", ["Friday"]),
])
def test_a_day_in_a_stock_phrase_is_no_time_given(signals, nlp, text, times):
    assert hits(signals, nlp, text, "time_given") == times


def test_not_within_is_data(tmp_path, nlp):
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "signals.yml").write_text(
        "staff:\n  asap:\n    phrases: [soon]\n    not_within: ['see you soon']\ncustomer: {}\n", encoding="utf-8")
    matcher = SignalMatcher(nlp, "xx", tmp_path)
    assert hits(matcher, nlp, "It will be fixed soon.", "asap") == ["soon"]
    assert hits(matcher, nlp, "See you soon!", "asap") == []


def test_a_signal_with_only_not_within_is_refused(tmp_path, nlp):
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "signals.yml").write_text("staff:\n  asap:\n    not_within: [soon]\n", encoding="utf-8")
    with pytest.raises(SignalError, match=r"staff.asap.*'phrases'.*'not_within'"):
        SignalMatcher(nlp, "xx", tmp_path)


@pytest.mark.parametrize("text", ["Sorry, a what? Is it free or not?", "You've lost me there.", "I'm new to all this."])
def test_a_customer_who_did_not_follow_is_a_newcomer(signals, nlp, text):
    assert hits(signals, nlp, text, "newcomer", side="customer")


@pytest.mark.parametrize("text, warm", [
    ("I've got Amir in billing. He has your account and knows you were charged twice. Putting you through.", True),
    ("I'm transferring you to claims now, with your details, so you won't need to explain it again.", True),
    ("I've told her what it's about. Connecting you now.", True),
    ("I'll tell them your name and the fault, so you won't need to repeat it.", True),
    ("I'll transfer you to the billing queue; just give them your account number.", False),
    ("Transferring you now. Have a lovely day!", False),
    ("Please have your order number ready when they answer.", False),
])
def test_warm_handover(signals, nlp, text, warm):
    assert bool(hits(signals, nlp, text, "warm_handover")) is warm


@pytest.mark.parametrize("text, left", [
    ("Have a think and just get back in touch with us whenever you're ready.", True),
    ("Get in touch once you've decided and we'll arrange it.", True),
    ("I'll get in touch with you tomorrow by noon.", False),
])
def test_leaving_the_next_contact_to_the_customer(signals, nlp, text, left):
    assert bool(hits(signals, nlp, text, "leave_to_customer")) is left


def test_a_hoped_for_time_is_no_time_given(signals, nlp):
    assert hits(signals, nlp, "I'll be in touch as soon as possible, hopefully later today.", "time_given") == []
    assert hits(signals, nlp, "I'll call you later today, by 4pm.", "time_given") == ["later today", "4pm"]


@pytest.mark.parametrize("text, unhappy", [
    ("Soon. Like the last ten days. Great.", True),
    ("Same as last time, then.", True),
    ("I'd like the last slot on Friday, please.", False),
])
def test_a_customer_comparing_with_before_is_not_satisfied(signals, nlp, text, unhappy):
    assert bool(hits(signals, nlp, text, "unsatisfied", side="customer")) is unhappy


def test_the_sum_of_what_was_offered_is_not_an_offer(signals, nlp):
    assert hits(signals, nlp, "Together that's about £155 off.", "not_an_offer") == ["Together that's"]


@pytest.mark.parametrize("text, found", [
    ("We'll never ask for your card number or security code. Anything else?", []),
    ("We will never ask you for your full card number or your CVV.", []),
    ("Please never share your PIN or password with anyone.", []),
    ("Could you read me the security code on the back?", ["security code"]),
    ("Can I take the card number and the CVV, please?", ["card number and the CVV"]),
])
def test_saying_two_secrets_will_never_be_asked_is_no_ask(signals, nlp, text, found):
    assert hits(signals, nlp, text, "card_secret") == found


def test_a_template_that_would_expand_into_too_many_phrases_is_refused(tmp_path, nlp):
    # ten groups of four alternatives: over a million phrases, which would take seconds and hundreds of MB to build
    template = " ".join("{a%d|b%d|c%d|d%d}" % (i, i, i, i) for i in range(10))
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "signals.yml").write_text(
        f"staff:\n  asap:\n    phrases: [soon]\n    not_within: ['{template}']\ncustomer: {{}}\n", encoding="utf-8")
    with pytest.raises(SignalError, match=r"staff.asap.not_within.0.*1,048,576 phrases \(at most 100,000\).*split"):
        SignalMatcher(nlp, "xx", tmp_path)
