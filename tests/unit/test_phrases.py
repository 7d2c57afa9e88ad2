"""The phrase lists held as tuples of words (coach/detect/phrases.py) match what spaCy's PhraseMatcher matched when it
held them: every occurrence of every phrase, overlapping ones and repeats included, by start and then by end; the
lemma cues with their question marks and negated verbs, the signals on every token's lower-case form. And a phrase
read part by part has the words it has read whole, through one Doc."""

import json
import random
from itertools import pairwise
from pathlib import Path

import pytest
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from coach.detect.detector import build_nlp, cue_reader
from coach.detect.lexicon import expand, load_lexicon
from coach.detect.markup import straighten_quotes
from coach.detect.morph import LemmaPhraseMatcher, lemma_words
from coach.detect.phrases import PhraseReader, PhraseTable
from coach.detect.signals import LEXICONS, lower_words
from coach.detect.signals import _read as read_signals

ROOT = Path(__file__).resolve().parents[2]


def _same(ours, theirs, what):
    """The same matches in the same order of (start, end); of one span's labels, spaCy gives them in its hash table's
    order, which no caller reads, so they are compared as sets."""
    assert [(s, e) for _, s, e in ours] == [(s, e) for _, s, e in theirs], what
    assert sorted(ours) == sorted(theirs), what


def test_table_finds_what_spacy_finds_on_random_phrases_and_texts():
    """Phrases that are prefixes of others, phrases under two labels, a phrase added twice, a phrase that is a
    question; texts that repeat a phrase, run phrases into each other and end in the middle of one."""
    rng = random.Random(11)
    words = ["a", "b", "c", "d", "e", "?", ",", "no", "we", "can", "help"]
    vocab = Vocab()
    spacy_matcher, table = PhraseMatcher(vocab, attr="ORTH"), PhraseTable()
    phrases = []
    for k in range(300):
        label = f"L{k % 7}"
        group = [tuple(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 4))]
        group += [group[0]] if k % 5 == 0 else []  # the same phrase twice under one label
        spacy_matcher.add(label, [Doc(vocab, words=list(p)) for p in group])
        table.add(vocab.strings.add(label), group)
        phrases += group
    texts = [[rng.choice(words) for _ in range(rng.randint(0, 30))] for _ in range(300)]
    texts += [list(rng.choice(phrases)) * rng.randint(1, 3) + list(rng.choice(phrases)) for _ in range(300)]
    texts += [list(p) for p in phrases[:100]] + [list(p)[:-1] for p in phrases[:100]]
    found = 0
    for words_ in texts:
        theirs = spacy_matcher(Doc(vocab, words=words_)) if words_ else []
        _same(table(tuple(words_)), theirs, words_)
        found += len(theirs)
    assert found > 5000 and len(table) == len(spacy_matcher) == 7


@pytest.mark.parametrize("lang", ["ru", "lv"])
def test_lemma_matcher_finds_what_spacy_found_on_the_lemma_words(lang):
    """The language's cue phrases and replies: spaCy's PhraseMatcher over a Doc of each side's lemma words, as the
    lemma matcher was built before, against LemmaPhraseMatcher fed the phrases as the cue reader reads them."""
    nlp = build_nlp(lang)
    lexicon = load_lexicon(lang)
    reader = cue_reader(nlp, lexicon)
    spacy_matcher, ours = PhraseMatcher(nlp.vocab, attr="ORTH"), LemmaPhraseMatcher(nlp.vocab)
    for label in lexicon.phrases:
        phrases = list(dict.fromkeys(lexicon.expanded(label)))[::7]  # a seventh of them: the test stays quick
        docs = [reader.make(p) for p in phrases]
        spacy_matcher.add(label, [Doc(nlp.vocab, words=lemma_words(d)) for d in docs if lemma_words(d)])
        ours.add(label, [reader.phrase(p) for p in phrases] + docs[:5])  # phrases read, and Docs
    texts = [json.loads(line)["text"] for path in sorted((ROOT / "data" / "behaviors" / lang).glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()[:60]]
    sample = [p for label in lexicon.phrases for p in lexicon.expanded(label)[:3]]
    texts += [f"{a}, {b}? {a}! {a} {a}" for a, b in pairwise(sample)]  # punctuation, questions, repeats
    found = 0
    for doc in nlp.pipe(texts):
        keep = [i for i, t in enumerate(doc) if not t.is_space and (not t.is_punct or t.text == "?")]
        words = Doc(nlp.vocab, words=[doc[i].norm_ for i in keep])
        theirs = [(m, keep[s], keep[e - 1] + 1) for m, s, e in spacy_matcher(words)]
        _same(ours(doc), theirs, doc.text)
        found += len(theirs)
    assert found > 500


def test_lemma_matcher_keeps_question_marks_and_negations():
    """A cue ending in "?" matches a question only; a negated verb keeps its «ne» («nevarēsim» reads «nevarēt»,
    never «varam»); commas between the words are left out, other words are not."""
    nlp = build_nlp("lv")
    reader = cue_reader(nlp, load_lexicon("lv"))
    matcher = reader.matcher()
    matcher.add("ask", [reader.phrase("vai tas der?")])
    matcher.add("can", [reader.phrase("varam palīdzēt")])
    matcher.add("cannot", [reader.phrase("nevaram palīdzēt")])
    doc = nlp("Vai tas der? Diemžēl nevarēsim palīdzēt, bet varam, protams, palīdzēt. Varam, palīdzēt! Vai tas der.")
    got = [(nlp.vocab.strings[m], doc[s:e].text) for m, s, e in matcher(doc)]
    assert got == [("ask", "Vai tas der?"), ("cannot", "nevarēsim palīdzēt"), ("can", "Varam, palīdzēt")]


def test_signal_phrases_find_what_spacy_found_on_lower_case_words():
    """English signals (the most phrases of any language's) against spaCy's PhraseMatcher on LOWER, as the signal
    matcher held them before: every token counts, punctuation and spaces too."""
    nlp = build_nlp("en")
    read = PhraseReader(nlp, nlp.make_doc, lower_words)
    spacy_matcher, table = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseTable()
    data = read_signals(LEXICONS / "en" / "signals.yml").data
    for side in ("staff", "customer"):
        for name, spec in data[side].items():
            phrases = [p for t in spec.get("phrases") or [] for p in expand(straighten_quotes(t.lower()))][::5]
            if phrases:
                spacy_matcher.add(f"{side}:{name}", [nlp.make_doc(p) for p in phrases])
                table.add(f"{side}:{name}", [read(p) for p in phrases])
    texts = [json.loads(line)["text"] for line in (ROOT / "data" / "behaviors" / "dev.jsonl")
             .read_text(encoding="utf-8").splitlines()[:400]]
    texts += ["I'll call you back by 3pm.  Let us know if it works!\n\nThanks", "Let me know... let me know?"]
    found = 0
    for doc in nlp.pipe(texts):
        theirs = [(nlp.vocab.strings[m], s, e) for m, s, e in spacy_matcher(doc)]
        _same(table(tuple(t.lower_ for t in doc)), theirs, doc.text)
        found += len(theirs)
    assert found > 100


@pytest.mark.parametrize("text", ["в т.ч. мы перезвоним", "перезвоним в т.ч. в субботу", "см. также  раздел",
                                  "ждите\tответа", " уточним ", "Извините, пожалуйста!", "подождите?", "ё-моё"])
def test_reader_reads_a_phrase_as_one_doc_does(text):
    """Russian has tokenizer exceptions that span a space («в т.ч.» is one token): a phrase with one is read whole,
    as is one with other whitespace than single spaces."""
    nlp = build_nlp("ru")
    reader = cue_reader(nlp, load_lexicon("ru"))
    assert reader.phrase(text) == tuple(lemma_words(reader.make(text)))
    assert PhraseReader(nlp, nlp.make_doc, lower_words)(text) == tuple(lower_words(nlp.make_doc(text)))


def test_reader_reads_every_russian_cue_as_one_doc_does():
    nlp = build_nlp("ru")
    lexicon = load_lexicon("ru")
    reader = cue_reader(nlp, lexicon)
    phrases = [p for label in lexicon.phrases for p in lexicon.expanded(label)]
    phrases += [p for t in lexicon.complaints + lexicon.not_complaints for p in expand(t)]
    assert len(phrases) > 10_000
    assert [reader.phrase(p) for p in phrases] == [tuple(lemma_words(reader.make(p))) for p in phrases]
