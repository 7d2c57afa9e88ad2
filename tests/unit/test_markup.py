"""Markup in a reply (HTML pasted from an e-mail client, &amp; references, markdown emphasis) is read as the words
it wraps, and every span still points into the reply as it was typed."""

import pytest

from coach.detect.markup import clean
from coach.transcript import parse_transcript


@pytest.mark.parametrize("typed, read", [
    ("<p>Hello <b>there</b></p>", "Hello there"),
    ("Hi,<br>thanks for waiting.<br/>Your refund is on its way.",
     "Hi,\nthanks for waiting.\nYour refund is on its way."),
    ("<ul><li>One</li><li>Two</li></ul>", "One\nTwo"),
    ("<br><br>Hi<br><br>there", "Hi\nthere"),
    ("Tom &amp; Jerry&nbsp;here &mdash; ok", "Tom & Jerry here \u2014 ok"),
    ("**Sorry** about that, I'll _refund_ you __today__ ~~maybe~~ `now`.",
     "Sorry about that, I'll refund you today maybe now."),
    ("I\u2019m on it", "I'm on it"),
])
def test_markup_is_read_as_the_words_it_wraps(typed, read):
    assert clean(typed).text == read


@pytest.mark.parametrize("typed", [
    "5 * 3 = 15, and your account_id is AB_12",
    "Rated * out of 5",
    "a < b and c > d",
    "R&D; Q&A",
    "x &bogus; y",
    "",
])
def test_text_that_only_looks_like_markup_is_left_alone(typed):
    assert clean(typed).text == typed


def test_every_clean_character_maps_back_into_what_was_typed():
    typed = "<div>Dear <i>Ms</i> Lee,</div><p>We&rsquo;re **so** sorry &amp; we&#39;ll fix it.</p>"
    c = clean(typed)
    assert c.text == "Dear Ms Lee,\nWe're so sorry & we'll fix it."
    for k, ch in enumerate(c.text):
        s, e = c.source(k, k + 1)
        assert 0 <= s < e <= len(typed)
        if ch.isalpha():
            assert typed[s:e] == ch
    start = c.text.index("so sorry")
    assert c.source_text(start, start + len("so sorry"))[2] == "so** sorry"
    assert c.source_text(0, len(c.text))[2] == typed[5:-4]


def test_plain_text_costs_no_map():
    c = clean("Thanks for waiting, I'll sort it now.")
    assert c.starts is None and c.source(3, 9) == (3, 9)


REPLIES = [
    "Hello there, how can I help?",
    "I'm so sorry about that. I'll refund you today.",
    "You entered the wrong address, so that's on you.",
    "Thanks for waiting. I'll call you back tomorrow before noon.",
]


def _marked_up(text):
    words = text.split(" ")
    words[1] = f"<b>{words[1]}</b>"
    words[-2] = f"**{words[-2]}**"
    return "<p>" + " ".join(words).replace(". ", ".<br>", 1) + "</p>"


@pytest.mark.parametrize("plain", REPLIES)
def test_markup_changes_no_finding(detector, plain):
    typed = _marked_up(plain)
    assert typed != plain
    det = detector.detect(typed)
    assert det.behaviors == detector.detect(plain).behaviors
    for e in det.spans:
        assert typed[e.start:e.end] == e.text


@pytest.mark.parametrize("plain", REPLIES)
def test_markup_changes_no_score_and_findings_point_into_the_typed_reply(scorer, plain):
    def card(staff):
        return scorer.score(parse_transcript({"channel": "chat", "turns": [
            {"speaker": "customer", "text": "My order still hasn't arrived and nobody tells me anything."},
            {"speaker": "staff", "text": staff}]}))

    typed = _marked_up(plain)
    marked, bare = card(typed), card(plain)
    assert marked.overall == bare.overall and marked.missed == bare.missed
    assert sorted(f.rule for f in marked.findings) == sorted(f.rule for f in bare.findings)
    for f in marked.findings:
        if f.span:
            assert typed[f.span["start"]:f.span["end"]] == f.span["text"]


def test_angle_brackets_that_are_not_html_stay():
    typed = "Connect to ws://<hub-ip>:8443/events and sign as <your name>."
    assert clean(typed).text == typed
