"""Hurried spellings: "ill call u tmrw" reads as "I'll call you tomorrow" to the whole detector, spans still
index the reply as typed, and words that only look like a short form keep their meaning."""

import shutil

import pytest

from coach.detect import Detector, build_nlp
from coach.detect import lexicon as lx


@pytest.fixture(scope="module")
def nlp():
    return build_nlp("en")


@pytest.fixture(scope="module")
def rules():
    return Detector(model=False)


def reads(nlp, text):
    return [t.lower_ for t in nlp(text) if not t.is_space]


def test_short_forms_and_apostrophe_less_contractions_read_as_words(nlp):
    assert reads(nlp, "ill call u tmrw") == ["i", "'ll", "call", "you", "tomorrow"]
    assert reads(nlp, "Ill check now") == ["i", "'ll", "check", "now"]
    assert reads(nlp, "im sorry, dont worry, thats done") == \
        ["i", "'m", "sorry", ",", "do", "n't", "worry", ",", "that", "'s", "done"]
    assert reads(nlp, "youre welcome thx") == ["you", "'re", "welcome", "thanks"]


def test_the_text_is_unchanged_so_spans_index_what_was_typed(nlp):
    doc = nlp("ill call u tmrw")
    assert [t.text for t in doc] == ["i", "ll", "call", "u", "tmrw"]
    assert doc.text == "ill call u tmrw"


@pytest.mark.parametrize("text", ["You've been ill, I'm sorry", "ill health", "She was taken ill."])
def test_ill_meaning_unwell_stays_one_word(nlp, text):
    assert "ill" in reads(nlp, text) and "'ll" not in reads(nlp, text)


@pytest.mark.parametrize("text, tag", [
    ("ill call u tmrw by 10 with an update", "next_steps"),
    ("sry about that, ill send a new one today", "apology"),
    ("we cant refund that", "negative_phrasing"),
    ("thx for waiting", "thanks"),
])
def test_the_rules_see_the_words_behind_the_spelling(rules, text, tag):
    detection = rules.detect(text)
    assert tag in detection.behaviors
    for ev in detection.spans:  # evidence is a slice of the reply as typed
        assert text[ev.start:ev.end] == ev.text


def test_a_split_whose_parts_do_not_spell_the_word_is_refused(tmp_path, monkeypatch):
    shutil.copytree(lx.LEXICONS / "en", tmp_path / "xx")
    monkeypatch.setattr(lx, "LEXICONS", tmp_path)
    path = tmp_path / "xx" / "spellings.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("into: [i, ll]", "into: [i, l]"), encoding="utf-8")
    with pytest.raises(lx.LexiconError,
                       match=r"spellings.yml: splits.ill.into: the parts \['i', 'l'\] must spell 'ill'"):
        lx.load_lexicon.__wrapped__("xx")


def test_an_unknown_key_in_spellings_is_named(tmp_path, monkeypatch):
    shutil.copytree(lx.LEXICONS / "en", tmp_path / "xx")
    monkeypatch.setattr(lx, "LEXICONS", tmp_path)
    (tmp_path / "xx" / "spellings.yml").write_text("word:\n  u: you\n", encoding="utf-8")
    with pytest.raises(lx.LexiconError, match=r"spellings.yml: word: unknown key"):
        lx.load_lexicon.__wrapped__("xx")
