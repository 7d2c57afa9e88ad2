"""The behaviour detector judges what words do, and every tag it emits is backed by a span."""

import pytest

from coach.behaviors import TAGS


def tags(detector, text, customer=None):
    return set(detector.detect(text, customer).behaviors)


@pytest.mark.parametrize("text", [
    "No problem!",
    "I can't wait to help you with this.",
    "There's no charge for the exchange.",
    "Don't worry, it's covered by the warranty.",
    "You won't need to pay anything for the repair.",
    "Nothing to worry about, it's a quick fix.",
    "Never hesitate to ask us anything.",
    "I couldn't agree more.",
    "There's no need to send it back.",
])
def test_keyword_traps_are_not_negative_phrasing(detector, text):
    assert "negative_phrasing" not in tags(detector, text)
    assert "dismissive" not in tags(detector, text)


@pytest.mark.parametrize("text", [
    "We can't do that.",
    "That's not possible.",
    "Unfortunately we don't offer refunds.",
    "No.",
    "We are unable to process returns after 30 days.",
    "That won't be possible, I'm afraid.",
    "We don't have any information on that yet.",
])
def test_refusals_are_negative_phrasing(detector, text):
    assert "negative_phrasing" in tags(detector, text)


@pytest.mark.parametrize("text", [
    "Well, you did click confirm, so...",
    "You entered the wrong address.",
    "You should have read the terms.",
    "The courier messed up, not us.",
])
def test_blame_without_the_word_fault(detector, text):
    assert "blame" in tags(detector, text)


@pytest.mark.parametrize("text", [
    "Don't worry, it's not your fault at all.",
    "That was our mistake, and we should have told you sooner.",
    "To process a refund we need the receipt.",
])
def test_owning_or_explaining_is_not_blame(detector, text):
    assert "blame" not in tags(detector, text)


def test_promise_taken_back_is_not_risky(detector):
    t = tags(detector, "I promise - sorry, let me put that better: we usually deliver within 3 days.")
    assert "risky_promise" not in t
    assert "apology" not in t
    assert "risky_promise" in tags(detector, "I promise it will arrive tomorrow.")
    assert "risky_promise" in tags(detector, "I guarantee this won't happen again.")


def test_good_practice_tags(detector):
    t = tags(detector, "Good morning, this is Anna from Billing. How can I help you today?")
    assert {"greeting", "self_identification", "offer_help"} <= t
    t = tags(detector, "I'm so sorry about the delay, I understand how frustrating that is. "
                       "I'll send a replacement today and you'll get an e-mail within 24 hours. "
                       "Is there anything else I can do for you? Thanks for your patience, have a great day.")
    assert {"apology", "empathy", "solution", "next_steps", "check_resolution", "thanks", "closing"} <= t
    assert "information_request" in tags(detector, "Could you give me your order number?")
    assert "hold_or_transfer" in tags(detector, "May I place you on hold for two minutes while I check?")
    assert "hold_or_transfer" in tags(detector, "I'll connect you with our returns team, who can authorise this.")


def test_poor_practice_tags(detector):
    assert "rude" in tags(detector, "AS I ALREADY SAID, the store closes at six.")
    assert "rude" in tags(detector, "Obviously you didn't read the instructions.")
    assert "dismissive" in tags(detector, "Calm down, you're overreacting.")
    assert "dismissive" in tags(detector, "That's not my department.")
    assert "jargon" in tags(detector, "Your SO is stuck in WMS pending.")
    assert "jargon" not in tags(detector, "Please check your e-mail for the PDF invoice.")


def test_sign_off_is_not_self_identification(detector):
    assert "self_identification" not in tags(detector, "Thanks for your patience. ^JD")
    assert "self_identification" not in tags(detector, "Happy to help! -Kim")


def test_every_tag_has_a_span_that_matches_the_text(detector):
    text = "Hi Sam \u2019 we\u2019re sorry! You\u2019ll get an e-mail within 24 hours. I promise it\u2019s fine."
    det = detector.detect(text)
    assert det.behaviors
    for tag in det.behaviors:
        spans = det.spans_of(tag)
        assert spans, tag
        for e in spans:
            assert 0 <= e.start < e.end <= len(text)
            assert text[e.start:e.end] == e.text
    assert set(det.behaviors) <= set(TAGS)


@pytest.mark.parametrize("text, tags, warned", [
    ("", [], False),
    ("   ", [], False),
    ("\U0001F600\U0001F44D", [], False),
    ("<p>Hello <b>there</b>, how can I help?</p>", ["greeting", "offer_help"], False),
    ("Hej, vi kan tyvärr inte hjälpa dig med det.", [], True),
    ("x" * 20_000, [], False),
])
def test_odd_input_gives_a_sensible_result(detector, text, tags, warned):
    det = detector.detect(text)
    assert det.behaviors == tags
    assert bool(det.warnings) == warned, det.warnings


def test_html_is_read_as_text_and_spans_index_the_original(detector):
    text = "<p>Hello <b>there</b>! How can I help?</p>"
    det = detector.detect(text)
    assert {"greeting", "offer_help"} <= set(det.behaviors)
    for e in det.spans:
        assert text[e.start:e.end] == e.text


def test_other_languages_are_flagged_not_guessed(detector):
    det = detector.detect("Hej, vi kan tyvärr inte hjälpa dig med det idag.")
    assert det.behaviors == []
    assert det.warnings and "English" in det.warnings[0]
    assert detector.detect("No problem at all, I'll send it today.").warnings == []


@pytest.mark.parametrize("text", [
    "You should have been told about the price rise when you ordered. That's our mistake.",
    "You shouldn't have had to chase us three times for this; I've booked the engineer for Monday.",
    "The label was right but the wrong jacket went in the bag. That mistake was ours, and I'm sorry you had to wait.",
    "I've checked the order history and the fault lies with us: the size was changed after you paid.",
])
def test_owning_the_fault_is_never_read_as_blame_by_the_model_either(detector, text):
    """An x-not-<tag> cue in the lexicon (here "you should have been told", "our mistake") vetoes the tag for the
    learned model too, whatever its n-grams suggest."""
    assert "blame" not in detector.detect(text).behaviors


@pytest.mark.parametrize("text, tags", [
    ("Hello.", ["greeting"]),
    ("Hello there!", ["greeting"]),
    ("Good afternoon!", ["greeting"]),
    ("Thanks so much!", ["thanks"]),
])
def test_the_model_adds_nothing_to_a_reply_the_rules_explain_word_for_word(detector, text, tags):
    """A bare greeting is not a brush-off, nor a goodbye: when the rules' spans cover every word, the learned
    model's guesses from the reply's shortness have nothing to stand on."""
    assert detector.detect(text).behaviors == tags
