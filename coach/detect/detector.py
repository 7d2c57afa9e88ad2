"""Behaviour detector: one staff reply -> behaviour tags, each with the character spans that show why.

spaCy does the linguistics: the language's blank tokenizer and sentencizer, its lemma lookup table,
a PhraseMatcher for fixed phrases and token patterns in spaCy's Matcher format (both from the
language's lexicon, lexicons/<code>/, matched through a first-word index, patterns.py). One resolver
per tag (resolvers/) then judges what the cue words do in context: a negation's scope ("no problem"
is not a refusal), who is blamed, whether a promise is taken back, whether a question asks the
customer for something or offers something.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from coach.behaviors import TAGS
from coach.detect.context import Context, looks_like_language, normalise
from coach.detect.lexicon import Lexicon, load_lexicon
from coach.detect.patterns import TokenPatterns, View
from coach.detect.resolvers import (
    apology, blame, check_resolution, closing, dismissive, empathy, greeting, hold_or_transfer, information_request,
    jargon, negative_phrasing, next_steps, offer_help, rude, risky_promise, self_identification, solution, thanks,
)

MAX_CHARS = 20_000  # one reply; longer input is refused by the callers with a clear message

# The order the resolvers run in, each adding its spans to ctx.found for the ones after it. Where the order
# matters: check_resolution drops "if you need help, call ..." that hold_or_transfer found; information_request
# drops what check_resolution, offer_help and hold_or_transfer explain; solution drops links and instructions
# that support a question or a hand-over; dismissive counts "wait longer" only when no solution or hand-over
# was found; jargon skips sentences that rude found shouted; negative_phrasing lets a way forward (solution,
# next_steps, hold_or_transfer) excuse a stock-out; and the way out after a refusal is a solution.
# The spans of one tag keep the order they were found in (_evidence sorts them by start, stably).
RESOLVERS = (
    ("greeting", greeting.resolve),
    ("self_identification", self_identification.resolve),
    ("offer_help", offer_help.resolve),
    ("empathy", empathy.resolve),
    ("apology", apology.resolve),
    ("thanks", thanks.resolve),
    ("closing", closing.resolve),
    ("hold_or_transfer", hold_or_transfer.resolve),
    ("check_resolution", check_resolution.resolve),
    ("information_request", information_request.resolve),
    ("solution", solution.resolve),
    ("next_steps", next_steps.resolve),
    ("rude", rude.resolve),
    ("dismissive", dismissive.resolve),
    ("blame", blame.resolve),
    ("risky_promise", risky_promise.resolve),
    ("jargon", jargon.resolve),
    ("negative_phrasing", negative_phrasing.resolve),
    ("solution", solution.alternatives_after_refusals),
)
_PLAN = tuple((tag, resolve, getattr(resolve, "cue_labels", None)) for tag, resolve in RESOLVERS)


@dataclass(frozen=True)
class Evidence:
    behavior: str
    start: int
    end: int
    text: str

    def as_dict(self):
        return {"behavior": self.behavior, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class Detection:
    text: str
    spans: list[Evidence] = field(default_factory=list)
    doc: Doc | None = field(default=None, repr=False, compare=False)  # the parsed reply, for rule patterns
    lexicon: Lexicon | None = field(default=None, repr=False, compare=False)  # the language it was read in

    @property
    def warnings(self) -> list[str]:
        if self.lexicon is None or not self.text.strip():
            return []
        if not looks_like_language(self.text, self.lexicon.words.common_words):
            name = self.lexicon.name
            return [f"the reply does not look like {name}; behaviours are detected in {name} only, "
                    "so an empty or partial result here says nothing about the reply"]
        return []

    @property
    def behaviors(self) -> list[str]:
        found = {e.behavior for e in self.spans}
        return [t for t in TAGS if t in found]

    def spans_of(self, behavior):
        return [e for e in self.spans if e.behavior == behavior]


def load_lemmas(language="en"):
    """spaCy's lemma lookup table of the language (form -> lemma) from spacy-lookups-data, installed with
    the project; no download. Used directly rather than as a pipeline component: the detector needs the lemma
    of a few words per reply, and lemmatising every token would cost a third of the tagging time."""
    try:
        import spacy_lookups_data
        import srsly

        path = Path(spacy_lookups_data.__file__).parent / "data" / f"{language}_lemma_lookup.json.gz"
        return dict(srsly.read_gzip_json(path))
    except (ImportError, OSError, ValueError):
        return {}


def build_nlp(language="en"):
    """The shared spaCy pipeline: the language's blank tokenizer (sign-offs split off) and sentencizer."""
    nlp = spacy.blank(language)
    # sign-offs glued to the text ("Thanks.^Kim", "~Nick") become separate tokens
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[\w.!?])[\^~](?=\w)"]
    prefixes = list(nlp.Defaults.prefixes) + [r"\^", r"~"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    nlp.add_pipe("sentencizer")
    return nlp


class Detector:
    """Tags staff replies. One instance is shared (the pipeline and matchers are read-only once built)."""

    def __init__(self, extra_jargon=(), language="en"):
        self.nlp = build_nlp(language)
        self.lemmas = load_lemmas(language)
        self.lexicon = load_lexicon(language)
        vocab = self.nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        make = self.nlp.make_doc
        for label in self.lexicon.phrases:
            docs = [make(p) for p in dict.fromkeys(self.lexicon.expanded(label))]
            self.phrases.add(label, docs)
        self.patterns = TokenPatterns()
        for label, patterns in self.lexicon.token_patterns(inflector(self.lemmas)).items():
            self.patterns.add(label, patterns)
        self.jargon = set(self.lexicon.words.jargon) | {j for j in extra_jargon if j and " " not in j}
        multi = [j for j in extra_jargon if j and " " in j]
        if multi:
            self.phrases.add("jargon", [make(j) for j in multi])
        self._lock = threading.Lock()

    # -- public API ---------------------------------------------------------------------------
    def detect(self, text: str, customer: str | None = None) -> Detection:
        return next(iter(self.detect_many([(text, customer)])))

    def detect_many(self, items, batch_size=256):
        """Tag (text, customer) pairs in order; yields one Detection per pair."""
        pairs = [(t, c) for t, c in items]
        texts = [normalise(t) for t, _ in pairs]
        with self._lock:  # spaCy pipelines are not guaranteed thread-safe
            docs = list(self.nlp.pipe(texts, batch_size=batch_size))
        for (original, customer), doc in zip(pairs, docs):
            yield self._resolve(original, doc, customer or "")

    # -- resolution ---------------------------------------------------------------------------
    def _cues(self, doc: Doc, view: View) -> defaultdict[str, list[Span]]:
        """Phrase and token-pattern matches by label, phrases first; a label not found reads as []."""
        vocab_strings = self.nlp.vocab.strings
        cues: defaultdict[str, list[Span]] = defaultdict(list)
        for match_id, start, end in self.phrases(doc):
            cues[vocab_strings[match_id]].append(doc[start:end])
        for label, start, end in self.patterns(view):
            cues[label].append(doc[start:end])
        return cues

    def _resolve(self, original: str, doc: Doc, customer: str) -> Detection:
        view = View(doc)
        cues = self._cues(doc, view)
        matched = frozenset(cues)  # before the resolvers read (and so add) labels without cues
        ctx = Context(doc, view, cues, customer, self.lexicon, self.jargon, self.lemmas)
        for tag, resolve, cue_labels in _PLAN:
            if cue_labels is not None and cue_labels.isdisjoint(matched):
                continue  # a resolver that only judges these cues has nothing to judge
            spans = resolve(ctx)
            if spans:
                ctx.found.setdefault(tag, []).extend(spans)
        return Detection(original, _evidence(original, ctx.found), doc, self.lexicon)


def inflector(lemmas):
    """forms(lemmas) -> the lemmas and every inflected form of them in the lemma table ("send" -> sent, sends)."""
    inflections = {}
    for form, lemma in lemmas.items():
        inflections.setdefault(lemma, set()).add(form)

    def forms(words):
        out = set(words)
        for lemma in words:
            out |= {f for f in inflections.get(lemma, ()) if f.isalpha() or "-" in f}
        return out

    return forms


_START_CHAR = attrgetter("start_char")


def _evidence(original, found):
    """Evidence in TAGS order; a tag's spans by start (stable: ties keep the order found), duplicates dropped."""
    out = []
    for tag in TAGS:
        spans = found.get(tag)
        if not spans:
            continue  # most tags: nothing to sort
        seen = set()
        for span in sorted(spans, key=_START_CHAR):
            key = (span.start_char, span.end_char)
            if key in seen:
                continue
            seen.add(key)
            out.append(Evidence(tag, span.start_char, span.end_char, original[span.start_char:span.end_char]))
    return out
