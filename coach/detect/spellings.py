"""Hurried spellings read as the words the cues are written in: "ill call u tmrw" reads as "i 'll call you
tomorrow" to every part of the detector (phrases, token patterns, resolvers, the learned model, signals).

The data is lexicons/<lang>/spellings.yml. Offsets never move: a spelling changes how a token *reads* (its
lower-case form, a property of the word in spaCy's vocabulary), not the text, so every span still indexes the
reply as written. A token that stands for two words ("ill" for "I'll") is split in two only before one of the
words its entry lists, so "I've been ill" keeps its meaning.
"""

from __future__ import annotations

import re
from typing import Dict, List

from pydantic import BaseModel, StrictStr
from spacy.language import Language


class Split(BaseModel):
    into: List[StrictStr]  # the parts, in lower case; together they spell the token
    before: List[StrictStr]  # split only when the next word is one of these (words or $word lists)

    class Config:
        extra = "forbid"


class SpellingsFile(BaseModel):
    words: Dict[StrictStr, StrictStr] = {}  # a whole word typed short: u -> you
    clitics: Dict[StrictStr, StrictStr] = {}  # the tail spaCy splits off "dont", "youll": nt -> n't
    splits: Dict[StrictStr, Split] = {}

    class Config:
        extra = "forbid"


def apply_spellings(nlp, words: dict, clitics: dict, splits: dict) -> None:
    """Make nlp read the spellings: words in lower case, Title case and capitals; clitics in lower case only
    ("NT" may be a place); splits by a pipeline component before the sentencizer."""
    vocab = nlp.vocab
    for typed, meant in words.items():
        for form in {typed, typed.title(), typed.upper()}:
            vocab[form].lower_ = meant
    for typed, meant in clitics.items():
        vocab[typed].lower_ = meant
    if splits:
        config = {"splits": {k: {"into": list(v["into"]), "before": sorted(v["before"])} for k, v in splits.items()}}
        nlp.add_pipe("coach_split_spellings", config=config, first=True)


class SplitSpellings:
    """Splits "ill" into "i" + "ll" (whose reading is "'ll") when the next word is in the entry's list."""

    def __init__(self, splits):
        self.splits = {k: (tuple(v["into"]), frozenset(v["before"])) for k, v in splits.items()}
        self._words = re.compile(r"\b(?:" + "|".join(map(re.escape, self.splits)) + r")\b", re.I) if splits else None

    def __call__(self, doc):
        if self._words is None or not self._words.search(doc.text):
            return doc  # most replies: nothing to split, and no token is looked at
        targets = []
        for tok in doc[:-1]:
            entry = self.splits.get(tok.text.lower())
            if entry and tok.whitespace_ and doc[tok.i + 1].lower_ in entry[1]:
                targets.append((tok, entry[0]))
        if targets:
            with doc.retokenize() as retokenizer:
                for tok, parts in targets:
                    cuts, orths = 0, []
                    for part in parts:
                        orths.append(tok.text[cuts:cuts + len(part)])
                        cuts += len(part)
                    retokenizer.split(tok, orths, heads=[(tok, 0)] * len(orths))
        return doc


@Language.factory("coach_split_spellings", default_config={"splits": {}})
def _split_spellings(nlp, name, splits):
    return SplitSpellings(splits)
