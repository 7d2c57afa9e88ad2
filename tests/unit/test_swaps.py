"""A substitution standard's swaps (a poor phrase and the better wording the scorecard puts in its place): the reply
with the swap applied reads as a sentence: no «??», «..» or «?.», a capital where the sentence starts."""

import re

import pytest

from coach.standards import Scorer, load_pack, pack_folder
from coach.standards.checks import apply_swap
from coach.standards.pack import pack_languages
from coach.transcript import parse_transcript

PACKS = {language: load_pack(pack_folder(language)) for language in pack_languages()}
# a sentence end followed by another mark: what a swap must not leave where the reply had none
DOUBLED = re.compile(r"[.!?…]\s*[.!?…,;:]")


@pytest.fixture(scope="module")
def scorer_of():
    made = {}

    def get(language):
        if language not in made:
            made[language] = Scorer(PACKS[language], situations={})
        return made[language]

    return get


def _card(scorer, text):
    return scorer.score(parse_transcript({"channel": "chat", "turns": [
        {"speaker": "customer", "text": "Hello."}, {"speaker": "staff", "text": text}]}, where="test"))


def _swaps(card):
    """(standard, the words it swaps, the reply with the swap applied) for every swap finding."""
    return [(f.rule, f.span["text"], f.fix) for f in card.findings if f.fix is not None]


# -- the reply with the swap applied ---------------------------------------------------------------------------

@pytest.mark.parametrize("reply,said,better,fixed", [
    # the reply's sentence ends after the words: the better wording's own mark ends it (a question stays one)
    ("What's the problem?", "What's the problem", "How can I help?", "How can I help?"),
    ("What's the problem?!", "What's the problem", "How can I help?", "How can I help?"),
    ("Šī prece ir izpārdota.", "ir izpārdota", "atkal būs pēc divām nedēļām. Vai paziņot Jums, kad tā pienāks?",
     "Šī prece atkal būs pēc divām nedēļām. Vai paziņot Jums, kad tā pienāks?"),
    ("You order so little.", "You order so little", "Our volume discount starts at a larger order size.",
     "Our volume discount starts at a larger order size."),
    # the reply goes on after a comma: the better wording's sentence ends there, and what follows starts one
    ("We never do that, sorry.", "We never do that", "I'll do my best for you.", "I'll do my best for you. Sorry."),
    ("Я этим не занимаюсь, курьерами у нас другие люди заведуют.", "Я этим не занимаюсь",
     "Этим занимается мой коллега, давайте я вас с ним свяжу?",
     "Этим занимается мой коллега, давайте я вас с ним свяжу? Курьерами у нас другие люди заведуют."),
    # the reply's sentence goes on with a word: the better wording's final mark gives way
    ("What is the problem this time?", "What is the problem", "How can I help?", "How can I help this time?"),
    # a better wording without a final mark keeps the reply's
    ("Vai tas ir problēmu?", "problēmu", "jautājumu", "Vai tas ir jautājumu?"),
    # a better wording that starts the reply's sentence starts with a capital; within a sentence it is kept as written
    ("Nav problēmu, es to apmainīšu.", "Nav problēmu", "labprāt", "Labprāt, es to apmainīšu."),
    ("Paldies! Jūs esat spiests aizpildīt veidlapu.", "Jūs esat spiests", "lūdzu, Jums vajadzēs",
     "Paldies! Lūdzu, Jums vajadzēs aizpildīt veidlapu."),
    ("Atvainojiet, es nezinu, kad tā pienāks.", "es nezinu", "es noskaidrošu",
     "Atvainojiet, es noskaidrošu, kad tā pienāks."),
])
def test_a_swap_applied_never_doubles_punctuation(reply, said, better, fixed):

    start = reply.index(said)
    assert apply_swap(reply, start, start + len(said), better) == fixed


@pytest.mark.parametrize("language,reply,fixed", [
    ("en", "What's the problem?", "How can I help?"),
    ("lv", "Kas atkal noticis?", "Kā varu Jums palīdzēt?"),
    ("lv", "Diemžēl tās nav noliktavā.",
     "Diemžēl tās atkal būs noliktavā pēc aptuveni divām nedēļām. Vai paziņot Jums, kad prece pienāks?"),
])
def test_the_scorecards_fix_has_one_mark_where_the_reply_had_one(scorer_of, language, reply, fixed):
    assert [fix for _rule, _words, fix in _swaps(_card(scorer_of(language), reply))] == [fixed]


def test_no_fix_of_a_packs_failing_example_doubles_punctuation(scorer_of):
    for language, pack in PACKS.items():
        for rule in pack.rules:
            if rule.type != "substitution":
                continue
            for example in rule.examples["fail"]:
                if not isinstance(example, str) or DOUBLED.search(example):
                    continue
                for _rule, _words, fix in _swaps(_card(scorer_of(language), example)):
                    assert not DOUBLED.search(fix), (language, rule.id, example, fix)
