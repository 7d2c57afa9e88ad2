"""Lemmas for languages whose words inflect too much for a lookup table (language.yml: `lemmatizer:`): pymorphy3 for
Russian and Ukrainian (its dictionary packages pymorphy3-dicts-ru and pymorphy3-dicts-uk), simplemma for Swedish (its
tables ship in the package), both installed with the project. A lemmatiser is a value of LEMMATISERS: one class with
the word's lemma and whether the language's dictionary knows the word; the rest of the detector asks only
`matches_on_lemmas(lexicon)`.

A spaCy component writes each word's lemma into the token's NORM. The detector then matches its cue phrases on
NORM (the phrases are lemmatised the same way when they are loaded), so "извините", "извиняюсь" and "приносим
извинения" need one template each, not one per form. The learned model reads the words as written (their
character n-grams carry the forms, and a form can matter: "ждите" brushes off, "ждём" does not). A word gets its
most likely lemma out of context (pymorphy3's first parse, simplemma's table): the same function runs on the cues and
on the replies, so a wrong guess still matches consistently.
"ё" is read as "е", as most people type it. An apostrophe inside a word (Ukrainian "м'ясо", "пам’ятка", "звʼяжемося")
is one character whichever of ' ’ ʼ ‘ ` was typed: the straight one, as the dictionaries write it.
"""

from __future__ import annotations

import functools

from spacy.language import Language
from spacy.tokens import Doc

from coach.detect.lexicon import load_lexicon
from coach.detect.phrases import PhraseTable

COMPONENT = "coach_morph_lemmas"
_WORDS_KEY = "coach_lemma_words"  # doc.user_data: the lemma words LemmaPhraseMatcher matches on
_CACHE = 200_000  # distinct words per process
# the apostrophes people type inside a word, read as the straight one the dictionaries use
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})


def spelling(word: str) -> str:
    """A lower-case word as the dictionaries spell it: "ё" as "е", one apostrophe for all ("пам’ятка")."""
    return word.replace("ё", "е").translate(_APOSTROPHES)


def _is_word(word: str) -> bool:
    """Letters, with apostrophes only between them ("м'ясо" is a word; "'", "'так" and "так'" are not)."""
    return word.isalpha() or ("'" in word and word.replace("'", "").isalpha() and word[0] != "'" and word[-1] != "'")


class Pymorphy3:
    """pymorphy3 and the language's dictionary package: the first parse's normal form; a word the dictionary knows,
    not as an abbreviation ("акб" is in it, as one)."""

    def __init__(self, lang: str):
        try:
            import pymorphy3
        except ImportError as exc:  # the set-up installs it; a hand-made environment may not have it
            raise RuntimeError(f"the {lang!r} detector needs pymorphy3 (pip install -r requirements.txt)") from exc
        try:
            self.morph = pymorphy3.MorphAnalyzer(lang=lang)
        except ValueError as exc:
            raise RuntimeError(f"pymorphy3 has no dictionary for {lang!r}: install pymorphy3-dicts-{lang} ({exc})") \
                from exc

    def lemma(self, word: str) -> str:
        parses = self.morph.parse(word)
        return spelling(parses[0].normal_form) if parses else word

    def is_word(self, word: str) -> bool:
        return self.morph.word_is_known(word) and "Abbr" not in self.morph.parse(word)[0].tag


class Simplemma:
    """simplemma's lemma table of the language (no dependencies; Swedish "beklagar" -> "beklaga", "ngt" -> "något");
    a word its table knows. An unknown word comes back as it is."""

    def __init__(self, lang: str):
        try:
            import simplemma
        except ImportError as exc:
            raise RuntimeError(f"the {lang!r} detector needs simplemma (pip install -r requirements.txt)") from exc
        self.simplemma, self.lang = simplemma, lang
        try:
            simplemma.lemmatize("test", lang=lang)
        except ValueError as exc:
            raise RuntimeError(f"simplemma has no table for {lang!r} ({exc})") from exc

    def lemma(self, word: str) -> str:
        return spelling(self.simplemma.lemmatize(word, lang=self.lang).lower())  # "sverige" -> "Sverige" -> "sverige"

    def is_word(self, word: str) -> bool:
        return self.simplemma.is_known(word, lang=self.lang)


# language.yml `lemmatizer:` -> the class that lemmatises with it; a language whose lemmatiser is here matches its cues
# on lemmas (the other value, "lookup", is spaCy's lemma table, read by the English resolvers)
LEMMATISERS = {"pymorphy3": Pymorphy3, "simplemma": Simplemma}


def matches_on_lemmas(lexicon) -> bool:
    """Whether a language's cues are matched on the lemmas of a LEMMATISERS lemmatiser (the other: lower-case words)."""
    return lexicon.lemmatizer in LEMMATISERS


@functools.lru_cache(maxsize=None)
def analyzer(lang: str):
    """The lemmatiser of a language (language.yml), built once per process; a clear error when its package or its
    dictionary is missing, or when the language is not lemmatised by one of LEMMATISERS."""
    name = load_lexicon(lang).lemmatizer
    if name not in LEMMATISERS:
        raise RuntimeError(f"lexicons/{lang}: lemmatizer {name!r} gives no lemmas to match on; "
                           f"one of {', '.join(LEMMATISERS)} does")
    return LEMMATISERS[name](lang)


@functools.lru_cache(maxsize=None)
def lemmatizer(lang: str):
    """word (lower case) -> its lemma; anything that is not a word comes back as it is, and so does a form the
    language's words.yml keeps (`kept_forms`: a form that says more than its lemma, as the imperative «чекайте»
    brushes a customer off where «чекаємо» does not; a cue written in a kept form matches that form only)."""
    lemma_of = analyzer(lang).lemma
    kept = _kept_forms(lang)
    negation = load_lexicon(lang).negation_prefix

    @functools.lru_cache(maxsize=_CACHE)
    def lemma(word: str) -> str:
        word = spelling(word)
        if not _is_word(word) or word in kept:
            return word
        found = lemma_of(word)
        if negation and word.startswith(negation) and not found.startswith(negation):
            return negation + found  # «nevaram» -> «nevarēt»: the table's «varēt» would say the opposite
        return found

    return lemma


def _kept_forms(lang: str) -> frozenset:
    return frozenset(spelling(w.lower()) for w in load_lexicon(lang).lists.get("kept_forms", ()))


@functools.lru_cache(maxsize=None)
def dictionary_word(lang: str):
    """word (lower case) -> whether the language's dictionary knows it as a word (not "дс", nor its abbreviations)."""
    known = analyzer(lang).is_word

    @functools.lru_cache(maxsize=_CACHE)
    def is_word(word: str) -> bool:
        word = spelling(word)
        return _is_word(word) and known(word)

    return is_word


class MorphLemmas:
    """The pipeline component: token.norm_ = lemma of token.lower_."""

    def __init__(self, lang: str):
        self.lemma = lemmatizer(lang)

    def __call__(self, doc: Doc) -> Doc:
        lemma = self.lemma
        for token in doc:
            token.norm_ = lemma(token.lower_)
        return doc


@Language.factory(COMPONENT, default_config={"lang": "ru"})
def make_morph_lemmas(nlp, name, lang):
    return MorphLemmas(lang)


def matched_tokens(doc) -> list[int]:
    """The tokens a lemma cue is matched on: the words and question marks, not other punctuation or spaces."""
    return [i for i, t in enumerate(doc) if not t.is_space and (not t.is_punct or t.text == "?")]


def lemma_words(doc) -> list[str]:
    """The lemmas a cue is matched on, of a Doc the lemma component has read: those of matched_tokens(doc)."""
    return [doc[i].norm_ for i in matched_tokens(doc)]


class LemmaPhraseMatcher:
    """A phrase matcher over the lemmas of the words only: punctuation (but the question mark) and spaces are
    left out on both sides, so "Оставайтесь, пожалуйста, на линии" matches the cue "оставайтесь пожалуйста на
    линии" (Russian sets "пожалуйста" and many a clause off with commas), and "Подойдёт?" can still be told from
    "подойдёт". spaCy's PhraseMatcher's interface: add(label, phrases), and calling it on a Doc gives
    (match_id, start, end) in that Doc's tokens, match_id the hash of the label in the vocab's strings.

    A phrase is the tuple of its lemma words, as the detector's cue reader gives it (detector.cue_reader: read
    without a Doc of its own), or a Doc the lemma component has read. The phrases are held as tuples of words
    (phrases.PhraseTable), not in spaCy's PhraseMatcher: a language's cue templates expand into up to 150,000
    phrases, which spaCy's C trie held in about 1 KB each."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.table = PhraseTable()

    @staticmethod
    def _words(doc):
        """The doc's lemma words and their token indexes; built once per doc and kept with it, since the
        detector, the pack's phrases and the ruled-out promises all match the same reply."""
        cached = doc.user_data.get(_WORDS_KEY)
        if cached is None:
            keep = matched_tokens(doc)
            cached = doc.user_data[_WORDS_KEY] = (tuple(doc[i].norm_ for i in keep), keep)
        return cached

    def add(self, label, phrases):
        self.table.add(self.vocab.strings.add(label),
                       [p if isinstance(p, tuple) else tuple(lemma_words(p)) for p in phrases])

    def __call__(self, doc):
        words, keep = self._words(doc)
        return [(m, keep[s], keep[e - 1] + 1) for m, s, e in self.table(words)]
