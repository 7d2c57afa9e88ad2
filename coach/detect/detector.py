"""Behaviour detector: one staff reply -> behaviour tags, each with the character spans that show why.

spaCy does the linguistics: the language's blank tokenizer and sentencizer, its lemma lookup table,
a PhraseMatcher for fixed phrases (a language matched on lemmas holds its phrases as tuples of lemma words instead,
phrases.py) and token patterns in spaCy's Matcher format (both from the language's lexicon, lexicons/<code>/, the
patterns matched through a first-word index, patterns.py). One resolver per tag (resolvers/) then judges what the
cue words do in context: a negation's scope ("no problem" is not a refusal), who is blamed, whether a promise is
taken back, whether a question asks the customer for something or offers something.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from coach.behaviors import TAGS
from coach.detect.context import Context, looks_like_language
from coach.detect.customer import ComplaintDetector
from coach.detect.languages import rivals
from coach.detect.learned import MODEL_DIR, Blocks, LinearTagger, reply_blocks
from coach.detect.lexicon import Lexicon, load_lexicon
from coach.detect.markup import Cleaned, clean, straighten_quotes
from coach.detect.morph import COMPONENT as MORPH_LEMMAS
from coach.detect.morph import LemmaPhraseMatcher, lemma_words, matches_on_lemmas
from coach.detect.patterns import TokenPatterns, View
from coach.detect.phrases import PhraseReader
from coach.detect.resolvers import (
    apology,
    blame,
    check_resolution,
    closing,
    dismissive,
    empathy,
    greeting,
    hold_or_transfer,
    information_request,
    jargon,
    negative_phrasing,
    next_steps,
    offer_help,
    risky_promise,
    rude,
    self_identification,
    solution,
    thanks,
)
from coach.detect.resolvers.cues import resolve_all as resolve_by_cues
from coach.detect.signoff import drop_personal_signoff
from coach.detect.spellings import apply_spellings

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
# resolvers that judge again once the model has added its tags (rude: a pet name in a reply the model found helpful)
_AFTER_MODEL = tuple(hook for _, resolve in RESOLVERS if (hook := getattr(resolve, "after_model", None)))
_VETO = {tag: frozenset((tag, f"x-not-{tag}", *(cues or ()))) for tag, _, cues in _PLAN}
# tags the model may not add to a reply whose negations the rules all judged harmless
_JUDGED_BY_NEGATION = frozenset(("negative_phrasing", "dismissive"))


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
    # the text the doc was parsed from (markup out) and the map back to `text`: see source()
    cleaned: Cleaned | None = field(default=None, repr=False, compare=False)
    view: View | None = field(default=None, repr=False, compare=False)  # the doc's token lists, built once

    def source(self, start: int, end: int) -> tuple[int, int, str]:
        """A span of the doc (character offsets) as offsets and text of the reply as it was typed."""
        if self.cleaned is None:
            return start, end, self.text[start:end]
        return self.cleaned.source_text(start, end)

    @property
    def warnings(self) -> list[str]:
        if self.lexicon is None or not self.text.strip():
            return []
        read = self.cleaned.text if self.cleaned is not None else self.text
        if not looks_like_language(read, self.lexicon.words.common_words, self.lexicon.letters,
                                   rivals(self.lexicon.code)):
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
    lexicon = load_lexicon(language)
    if matches_on_lemmas(lexicon):
        nlp.add_pipe(MORPH_LEMMAS, config={"lang": language})  # token.norm_ = its lemma (coach/detect/morph.py)
    if lexicon.spellings:
        apply_spellings(nlp, **lexicon.spellings)
    return nlp


@dataclass(frozen=True)
class CueReader:
    """How a language reads its cue phrases and matches them; the standards pack's phrases and the customer's
    complaint cues are read the same way."""

    matcher: Callable[[], Any]  # a new phrase matcher: add(label, phrases), matcher(doc) -> [(match_id, start, end)]
    phrase: Callable[[str], Any]  # a phrase's text -> what the matcher's add() takes
    make: Callable[[str], Doc]  # a text -> the Doc a matcher is called on (a customer's message, a phrase's key)


def cue_reader(nlp, lexicon) -> CueReader:
    """How cue phrases are read and matched. Whole lower-case words through the bare tokenizer, with spaCy's
    PhraseMatcher; or, where the language has a lemmatiser (pymorphy3, simplemma: morph.LEMMATISERS), the words'
    lemmas through the tokenizer and the lemma component, punctuation left out, so that every form of a cue's words
    matches: a phrase is then the tuple of its lemma words, read part by part without a Doc of its own (a language's
    templates expand into up to 150,000 phrases that share their words), and matched by a LemmaPhraseMatcher."""
    if matches_on_lemmas(lexicon):
        lemmas = nlp.get_pipe(MORPH_LEMMAS)

        def make(text):
            return lemmas(nlp.make_doc(text))

        return CueReader(lambda: LemmaPhraseMatcher(nlp.vocab), PhraseReader(nlp, make, lemma_words), make)
    return CueReader(lambda: PhraseMatcher(nlp.vocab, attr="LOWER"), nlp.make_doc, nlp.make_doc)


class Detector:
    """Tags staff replies. One instance is shared (the pipeline and matchers are read-only once built)."""

    def __init__(self, extra_jargon=(), language="en", model=True):
        """model: use the learned half (coach/detect/models/<language>.npz) beside the rules; False gives the
        rules alone (what the model is trained on top of, and what the resolver fixtures test); a LinearTagger
        uses that one."""
        self.language = language
        self.nlp = build_nlp(language)
        self.lexicon = load_lexicon(language)
        self.lemmatised = matches_on_lemmas(self.lexicon)  # cues are matched on lemmas
        self.lemmas = {} if self.lemmatised else load_lemmas(language)
        self.reader = reader = cue_reader(self.nlp, self.lexicon)  # how phrases are read and matched (the scorer's too)
        self.phrases = reader.matcher()
        for label in self.lexicon.phrases:
            self.phrases.add(label, [reader.phrase(p) for p in dict.fromkeys(self.lexicon.expanded(label))])
        self.patterns = TokenPatterns()
        for label, patterns in self.lexicon.token_patterns(inflector(self.lemmas)).items():
            self.patterns.add(label, patterns)
        self.jargon = set(self.lexicon.words.jargon) | {j for j in extra_jargon if j and " " not in j}
        multi = [j for j in extra_jargon if j and " " in j]
        if multi:
            self.phrases.add("jargon", [reader.phrase(j) for j in multi])
        self.complaints = ComplaintDetector(self.nlp, language, reader)
        path = MODEL_DIR / f"{language}.npz"
        if isinstance(model, LinearTagger):
            self.model = model  # a model trained in this process (bench/review_impact.py)
        else:
            self.model = LinearTagger.load(path) if model and path.exists() else None
        self._lock = threading.Lock()

    def phrase_key(self, text: str) -> str:
        """One key for every form of a phrase: its lower-case text, or the lemmas of its words where cues are
        matched on lemmas (a standards pack's substitution is found under the form the trainee typed)."""
        text = straighten_quotes(text)
        if not self.lemmatised:
            return text.lower()
        return " ".join(lemma_words(self.reader.make(text)))

    # -- public API ---------------------------------------------------------------------------
    def detect(self, text: str, customer: str | None = None) -> Detection:
        return next(iter(self.detect_many([(text, customer)])))

    def detect_many(self, items, batch_size=256):
        """Tag (text, customer) pairs in order; yields one Detection per pair."""
        batch = []
        for pair in items:
            batch.append(pair)
            if len(batch) == batch_size:
                yield from self._detect_batch(batch)
                batch = []
        yield from self._detect_batch(batch)

    def _detect_batch(self, pairs):
        """One batch parsed at once and resolved: a long input is never held in memory as parsed docs all at once."""
        cleaned = [clean(t) for t, _ in pairs]
        with self._lock:  # spaCy pipelines are not guaranteed thread-safe
            docs = list(self.nlp.pipe([c.text for c in cleaned], batch_size=len(pairs) or 1))
        for (_, customer), text, doc in zip(pairs, cleaned, docs, strict=True):
            yield self._resolve(text, doc, customer or "")

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

    def _rules(self, doc: Doc, customer: str) -> tuple[Context, frozenset]:
        """The rules' pass: every resolver in order; returns the context (ctx.found: tag -> spans) and the
        cue labels that matched."""
        view = View(doc)
        cues = self._cues(doc, view)
        matched = frozenset(cues)  # before the resolvers read (and so add) labels without cues
        ctx = Context(doc, view, cues, customer, self.lexicon, self.jargon, self.lemmas)
        if self.lexicon.resolvers == "cues":
            resolve_by_cues(ctx)  # a language without resolvers of its own
            return ctx, matched
        for tag, resolve, cue_labels in _PLAN:
            if cue_labels is not None and cue_labels.isdisjoint(matched):
                continue  # a resolver that only judges these cues has nothing to judge
            spans = resolve(ctx)
            if spans:
                ctx.found.setdefault(tag, []).extend(spans)
        return ctx, matched

    def _blocks(self, ctx: Context, matched, tokens=None) -> Blocks:
        """The learned model's input: the reply's words (or a part of them), the rules' tags and cues, and the
        customer's message before it."""
        view = ctx.view
        keep = [i for i in (tokens if tokens is not None else range(len(view.text))) if not view.text[i].isspace()]
        starts = {a for a, _ in view.sents}
        flags = self._customer_flags(ctx.customer)
        # the words as written, also where cues match on lemmas: a form says what a lemma does not ("ждите" is not
        # "ждём"); measured on the Russian development replies, forms 0.728/0.811 against lemmas 0.715/0.792
        return reply_blocks([view.lower[i] for i in keep], [view.text[i] for i in keep],
                            {k for k, i in enumerate(keep) if i in starts}, ctx.found.keys(), matched,
                            ctx.customer, flags)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one detector per process; the cache is bounded)
    def _customer_flags(self, customer: str) -> tuple[str, ...]:
        return ("complaint",) if customer and self.complaints.is_complaint(customer) else ()

    def model_blocks(self, text: str, customer: str | None = None) -> Blocks:
        """What the learned model sees of a reply (training uses exactly this)."""
        with self._lock:
            doc = self.nlp(clean(text).text)
        ctx, matched = self._rules(doc, customer or "")
        return self._blocks(ctx, matched)

    def _resolve(self, text: Cleaned, doc: Doc, customer: str) -> Detection:
        ctx, matched = self._rules(doc, customer)
        if self.model is not None and any(not t.isspace() for t in ctx.view.text) \
                and looks_like_language(text.text, self.lexicon.words.common_words, self.lexicon.letters,
                                        rivals(self.language)):
            self._decide(ctx, matched)  # not for another language: the model has learned English replies
        return Detection(text.original, _evidence(text, ctx.found), doc, self.lexicon, text, ctx.view)

    def veto_labels(self, tag: str) -> frozenset:
        """The cue labels of a tag: when one matched and the tag's resolver rejected it ("no need to apologise",
        "thanks to the update"), the rules have judged that wording and the model may not overrule them. A cue
        labelled x-not-<tag> in the lexicon vetoes the tag outright ("that's our mistake" is not blame)."""
        return _VETO.get(tag) or frozenset((tag, f"x-not-{tag}"))

    def vetoed(self, tag: str, matched, lower, found) -> bool:
        """Whether the rules judged this reply for the tag and found it not there: a cue of the tag matched; or
        the reply has a negation, every one of which the negative_phrasing resolver weighed and found harmless
        ("You won't need to pay anything"), which is then neither a refusal nor a brush-off."""
        if self.veto_labels(tag) & matched:
            return True
        if tag in _JUDGED_BY_NEGATION and "negative_phrasing" not in found and self.lexicon.resolvers == "rules":
            return not self.lexicon.words.negation_cues.isdisjoint(lower)
        return False

    def _decide(self, ctx: Context, matched) -> None:
        """Per tag, as training chose on out-of-fold predictions: the rules' tag stands and the learned model
        adds the tag where the rules found nothing and vetoed nothing ("add"); for a tag whose rules over-fire,
        the model also drops the rules' tag when it is nearly sure they are wrong ("decide"). It never adds a tag
        the rules vetoed. Only for a reply with words the model knows. An added tag's span is the sentence the
        model scores highest for it; a kept tag keeps the rules' spans."""
        blocks = self._blocks(ctx, matched)
        if not self.model.knows(blocks):
            return  # "xxxxxxxx", a string of emoji: nothing the model learned from
        tags, p = self.model.decide(blocks)
        lower = ctx.view.lower
        rules_found = set(ctx.found)
        index = self.model.tags.index
        for tag in [t for t in rules_found if p[index(t)] < self.model.drop_below(t)]:
            del ctx.found[tag]  # a tag whose rules over-fire, and the model is nearly sure they did here
        added = [t for t in tags if t not in rules_found and not self.vetoed(t, matched, lower, rules_found)]
        if not added or _explained(ctx):
            return  # "Hello." or "Thanks so much!": the rules' spans account for every word; nothing is left to add
        self._add(ctx, matched, added)
        drop_personal_signoff(ctx.found, added, self.lexicon.lists)  # "Mvh Lina" names a person, not the team
        if self.lexicon.resolvers == "rules":  # a language with resolvers of its own
            for judge_again in _AFTER_MODEL:
                judge_again(ctx)

    def _add(self, ctx: Context, matched, added) -> None:
        """The model's added tags, each with the sentence it scores highest for the tag as its span."""
        sents = ctx.view.sents
        if len(sents) == 1:
            whole = _trim(ctx.doc[sents[0][0]:sents[0][1]])
            for tag in added:
                ctx.found[tag] = [whole]
            return
        # each sentence's word scores, once: the sentence the model scores highest for a tag is its span
        parts = [(a, b, self.model.word_scores(self._blocks(ctx, matched, range(a, b)))) for a, b in sents]
        for tag in added:
            j = self.model.tags.index(tag)
            a, b, _ = max(parts, key=lambda s: s[2][j])
            ctx.found[tag] = [_trim(ctx.doc[a:b])]


def _explained(ctx: Context) -> bool:
    """Whether every word of the reply lies inside a span the rules found (a reply that is only a greeting)."""
    covered = set()
    for spans in ctx.found.values():
        for span in spans:
            covered.update(range(span.start, span.end))
    return bool(covered) and all(i in covered for i, alpha in enumerate(ctx.view.flags("is_alpha")) if alpha)


def _trim(span: Span) -> Span:
    """A sentence without its surrounding spaces and closing punctuation."""
    a, b = span.start, span.end
    while b > a + 1 and (span.doc[b - 1].is_space or span.doc[b - 1].is_punct):
        b -= 1
    while a < b - 1 and span.doc[a].is_space:
        a += 1
    return span.doc[a:b]


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


def _evidence(text: Cleaned, found):
    """Evidence in TAGS order, in offsets of the text as typed; a tag's spans by start (stable: ties keep the
    order found), duplicates dropped."""
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
            out.append(Evidence(tag, *text.source_text(span.start_char, span.end_char)))
    return out
