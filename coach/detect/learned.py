"""The learned half of the behaviour detector: a linear model per tag over the reply's words, word pieces,
the rules' findings and what the rules recognised in the customer's message, for the wordings no rule lists.

The rules (resolvers) are precise but only know the wordings someone wrote down; the model, trained on
thousands of labelled replies from many writers, adds recall. The rules' tags and cues are features of
the model, so it learns when to trust them; the model decides every tag, with a threshold per tag chosen
on out-of-fold predictions of its training data (`coach/detect/training.py`). Every tag it emits still
comes with a span: the rule's span where a rule found the tag, otherwise the sentence the model scores
highest for it.

Inference is plain Python and NumPy (no scikit-learn at run time). Features come in blocks, each block's
features sharing one value (1/sqrt of the block's size, so a long reply does not outweigh a short one);
a score is the bias plus, per block, that value times the sum of the weight rows of the block's features.
The rows a word contributes (its unigram and its character n-grams) are looked up once per process and
cached, which keeps a reply's model cost to a few dozen dictionary look-ups.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).parent / "models"
_CACHE_LIMIT = 200_000
_DIGIT = re.compile(r"\d")
# Full stops and commas are not word features, alone or in a bigram: nearly every reply has them, and a bare "."
# had become a strong sign of "dismissive" (curt training replies end in one). Measured on the development sets:
# out of fold the same (0.801), the shared real replies 0.901 against 0.899, the development pairs unchanged.
_SILENT = frozenset({".", ","})


def norm_token(text: str) -> str:
    """The model's view of one token: lower case, numbers, links and addresses collapsed to a class (kept per
    distinct token in the process: a reply's words are mostly words seen before)."""
    hit = _NORMS.get(text)
    if hit is None:
        if len(_NORMS) > _CACHE_LIMIT:
            _NORMS.clear()
        hit = _NORMS[text] = _norm_token(text)
    return hit


_NORMS: dict[str, str] = {}


def _norm_token(text: str) -> str:
    low = text.lower()
    if low.isalpha():
        return low
    if "://" in low or low.startswith("www.") or low.startswith("bit.ly"):
        return "<url>"
    if "@" in low and "." in low and len(low) > 4:
        return "<email>"
    if _DIGIT.search(low):
        return "<num>"
    return low


def char_grams(word: str) -> list[str]:
    """Character 3-5 grams of one lower-case word, with a space marking its edges."""
    if not word.isalpha() or len(word) > 20:
        return []
    padded = f" {word} "
    return ["c:" + padded[k:k + n] for n in (3, 4, 5) for k in range(len(padded) - n + 1)]


def _shape(texts: list[str], n_words: int) -> list[str]:
    caps = sum(1 for t in texts if len(t) > 1 and t.isalpha() and t.isupper())
    out = ["s:caps"] if caps >= 2 else []
    out.append("s:len" + ("1" if n_words <= 3 else "2" if n_words <= 8 else "3" if n_words <= 20
                          else "4" if n_words <= 45 else "5"))
    return out


@dataclass
class Blocks:
    """A reply's features, by block: the model's input. `words` and `chars` are scaled to unit length; `context`
    (the rules' tags and cues, the shape, the customer's flags) counts 1 each.

    The customer's message enters only as the flags the rules recognise in it ("complaint", or none at all), not
    as its words: with them the model learnt each writer's customers ("and", "as" and "no" in the customer's
    message made a staff reply more dismissive). Out of fold that did not show; on the development pairs it cost two."""

    words: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)

    def distinct_words(self):
        return list(dict.fromkeys(name[2:] for name in self.words if name[0] == "w"))

    def chars(self) -> list[str]:
        """Character n-grams of the distinct words (a gram in two words counts twice)."""
        return [g for word in self.distinct_words() for g in char_grams(word)]

    def weighted(self) -> list[tuple[str, float]]:
        """(feature, value) pairs, as the training matrix holds them (a repeated character n-gram adds up)."""
        out = []
        for names in (self.words, self.chars()):
            if names:
                v = 1.0 / math.sqrt(len(names))
                out.extend((n, v) for n in names)
        out.extend((n, 1.0) for n in self.context)
        return out


def reply_blocks(lower: list[str], texts: list[str], sent_starts, rule_tags, cue_labels, customer: str,
                 customer_flags=()) -> Blocks:
    """The features of one reply. `lower`/`texts`: its tokens (spaces excluded), lower case and as written;
    `sent_starts`: indices of tokens that start a sentence; the rules' tags and cue labels; the customer's
    message before it and what was recognised in it (e.g. "complaint")."""
    words = []
    prev = "<s>"
    for i, low in enumerate(lower):
        if i in sent_starts:
            prev = "<s>"
        norm = norm_token(low)
        if norm not in _SILENT:
            words.append("w:" + norm)
            if prev not in _SILENT:
                words.append("b:" + prev + " " + norm)
        prev = norm
    words = list(dict.fromkeys(words))
    context = ["r:" + t for t in sorted(set(rule_tags))] + ["q:" + c for c in sorted(set(cue_labels))]
    context += _shape(texts, len(lower))
    context += ["k!" + f for f in customer_flags] + ([] if customer else ["k!none"])
    return Blocks(words, context)


@dataclass
class LinearTagger:
    """Per-tag linear scores over a fixed vocabulary; `thresholds` turn probabilities into tags."""

    tags: tuple[str, ...]
    vocab: dict[str, int]
    weights: np.ndarray  # (n_features, n_tags), float32
    bias: np.ndarray  # (n_tags,)
    thresholds: np.ndarray  # (n_tags,), probabilities
    meta: dict
    _word_rows: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path) -> "LinearTagger":
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            names = bytes(z["vocab"]).decode("utf-8").split("\n")
            return cls(
                tags=tuple(meta["tags"]),
                vocab={name: i for i, name in enumerate(names)},
                weights=z["weights"].astype(np.float32) * z["scale"].astype(np.float32),
                bias=z["bias"].astype(np.float32),
                thresholds=z["thresholds"].astype(np.float32),
                meta=meta,
            )

    def save(self, path: Path) -> None:
        """Weights are stored as 8-bit integers per tag (with a scale per tag): the artefact stays small enough
        to commit, and no score moves by more than a few thousandths."""
        names = sorted(self.vocab, key=self.vocab.get)
        scale = np.maximum(np.abs(self.weights).max(axis=0), 1e-9) / 127.0
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            meta=np.frombuffer(json.dumps(self.meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
            vocab=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
            weights=np.round(self.weights / scale).astype(np.int8),
            scale=scale.astype(np.float32),
            bias=self.bias.astype(np.float32),
            thresholds=self.thresholds.astype(np.float32),
        )
        path.write_bytes(buf.getvalue())

    # -- scoring -------------------------------------------------------------------------------
    def _rows(self, names) -> list[int]:
        get = self.vocab.get
        return [i for i in map(get, names) if i is not None]

    def _word_vectors(self, word: str):
        """A word's unigram weights and the sum of its character n-grams' weights, with its number of n-grams
        (cached per process: a reply's words are looked up once, not per feature)."""
        hit = self._word_rows.get(word)
        if hit is None:
            if len(self._word_rows) > _CACHE_LIMIT:
                self._word_rows.clear()
            zero = np.zeros(len(self.tags), np.float32)
            row = self.vocab.get("w:" + word)
            grams = char_grams(word)
            rows = self._rows(grams)
            hit = self._word_rows[word] = (self.weights[row] if row is not None else zero,
                                           self.weights[rows].sum(axis=0) if rows else zero, len(grams))
        return hit

    def _words_part(self, blocks: Blocks) -> np.ndarray:
        """What the word and word-piece blocks add to every tag's score."""
        out = np.zeros(len(self.tags), np.float32)
        if not blocks.words:
            return out
        unigrams, pieces, n = [], [], 0
        for word in blocks.distinct_words():
            u, c, k = self._word_vectors(word)
            unigrams.append(u)
            pieces.append(c)
            n += k
        bigrams = self._rows([name for name in blocks.words if name[0] == "b"])
        words = np.add.reduce(unigrams) if unigrams else out
        if bigrams:
            words = words + self.weights[bigrams].sum(axis=0)
        out = words / math.sqrt(len(blocks.words))
        if n:
            out = out + np.add.reduce(pieces) / math.sqrt(n)
        return out

    def logits(self, blocks: Blocks) -> np.ndarray:
        out = self.bias + self._words_part(blocks)
        rows = self._rows(blocks.context)
        if rows:
            out = out + self.weights[rows].sum(axis=0)
        return out

    def word_scores(self, blocks: Blocks) -> np.ndarray:
        """Every tag's score from the words alone: enough to compare the sentences of one reply, whose other
        features are the same."""
        return self._words_part(blocks)

    def policy(self, tag: str) -> str:
        """How the model and the rules decide a tag, as training chose: "decide" when the model may drop the
        rules' tag (it has a drop threshold), else "add"."""
        return "decide" if self.drop_below(tag) > 0 else "add"

    def drop_below(self, tag: str) -> float:
        """For a "decide" tag, the probability under which the model drops the rules' tag (0: never)."""
        return float(self.meta.get("drop_below", {}).get(tag, 0.0))

    def knows(self, blocks: Blocks) -> bool:
        """Whether the reply has a word the model was trained on (otherwise its scores are its prior alone)."""
        get = self.vocab.get
        return any(get(name) is not None for name in blocks.words if name[0] == "w" and name[2:].isalpha())

    def probabilities(self, blocks: Blocks) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(blocks)))

    def decide(self, blocks: Blocks) -> tuple[set[str], np.ndarray]:
        p = self.probabilities(blocks)
        return {t for t, pi, th in zip(self.tags, p, self.thresholds, strict=True) if pi >= th}, p


def file_digest(paths) -> str:
    """Content hash of the training files, recorded in the model so a test can tell it is stale."""
    h = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]
