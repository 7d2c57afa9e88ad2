"""Phrase lists held as tuples of words, for the lists that brace templates expand into tens of thousands of phrases:
the cue phrases of a language matched on lemmas (Latvian's expand into about 150,000) and every language's signals.

spaCy's PhraseMatcher keeps its phrases in a C trie whose every node is a hash table of its own, beside a copy of
each phrase as a tuple of 64-bit hashes: about 1 KB a phrase, and Latvian's cues took 150 MB that way, English
signals about 130 MB. Here a phrase is a tuple of interned words, a key of one dict (about 130 bytes a phrase), and
matching looks up, at each word of a text, the lengths of the phrases that start with that word. The matches are
spaCy's: every occurrence of every phrase, overlapping ones included, by start and then by end (the two are
compared in tests/unit/test_phrases.py).

A phrase is read without a Doc of its own: its space-separated parts are read one at a time and remembered
(PhraseReader), since the expanded phrases of a template share their words. A Doc for each of Latvian's phrases
(two, with the Doc of its lemma words) was most of the 10 s its detector took to build, and left about 150 MB of
memory freed but not returned.
"""

from __future__ import annotations

import functools
import re
import sys

_PARTS = 100_000  # distinct parts a PhraseReader remembers


class PhraseTable:
    """Labelled phrases, each a tuple of words; calling it on a sequence of words gives (key, start, end) for every
    occurrence of every phrase, as spaCy's PhraseMatcher gives them: by start, then by end, each label of a phrase
    once. A key is whatever add() was given as the label (the matchers built on this pass spaCy's string-store hash
    of it, as spaCy's matcher returns)."""

    def __init__(self):
        self._keys: dict[tuple, tuple] = {}  # phrase -> the keys it was added with
        self._lengths: dict[str, tuple] = {}  # first word -> the lengths of the phrases starting with it, ascending
        self._one: dict = {}  # key -> (key,): one tuple shared by every phrase of a single label
        self._labels: set = set()

    def add(self, key, phrases):
        """Add phrases (tuples of words) under a key; an empty phrase is skipped, a phrase added twice under a key
        matches once."""
        self._labels.add(key)
        single = self._one.setdefault(key, (key,))
        for phrase in phrases:
            if not phrase:
                continue
            keys = self._keys.get(phrase)
            if keys is None:
                self._keys[phrase] = single
                lengths = self._lengths.get(phrase[0], ())
                if len(phrase) not in lengths:
                    self._lengths[phrase[0]] = tuple(sorted((*lengths, len(phrase))))
            elif key not in keys:
                self._keys[phrase] = (*keys, key)

    def __len__(self):
        """The number of labels, as len() of spaCy's PhraseMatcher."""
        return len(self._labels)

    def __call__(self, words: tuple) -> list[tuple]:
        out = []
        n = len(words)
        lengths_of, keys_of = self._lengths.get, self._keys.get
        for i, word in enumerate(words):
            for length in lengths_of(word, ()):
                if i + length > n:
                    break
                keys = keys_of(words[i:i + length])
                if keys:
                    out.extend((key, i, i + length) for key in keys)
        return out


class PhraseReader:
    """text -> the words a phrase is matched on, `words(make(text))` as a tuple of interned strings, without a Doc
    for every phrase: a text of space-separated parts is read part by part, each part once (the tokenizer reads each
    part on its own, and the words of a token do not depend on its neighbours). A text it cannot read by parts is
    read whole: other whitespace than single spaces, or a tokenizer exception that spans a space (Russian «в т.ч.»
    is one token)."""

    def __init__(self, nlp, make, words):
        self.make, self.words = make, words
        spanning = sorted((k for k in nlp.tokenizer.rules if k.strip() and len(k.split()) > 1), key=len, reverse=True)
        self._spanning = re.compile("|".join(map(re.escape, spanning))) if spanning else None
        self._part = functools.lru_cache(maxsize=_PARTS)(self._read)

    def _read(self, text: str) -> tuple:
        return tuple(sys.intern(w) for w in self.words(self.make(text)))

    def __call__(self, text: str) -> tuple:
        parts = text.split(" ")
        if len(parts) == 1:
            return self._part(text)
        if parts != text.split() or (self._spanning is not None and self._spanning.search(text)):
            return self._read(text)
        return tuple(w for part in parts for w in self._part(part))
