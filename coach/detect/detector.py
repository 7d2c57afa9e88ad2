"""Behaviour detector: one staff reply -> behaviour tags, each with the character spans that show why.

spaCy does the linguistics: the blank English tokenizer and sentencizer, the English lemma lookup
table, a PhraseMatcher for fixed phrases (phrases.py) and token patterns in spaCy's Matcher format
(token_patterns.py, matched through a first-word index, patterns.py). The resolution step below then
judges what the words do in context (context.py): a negation's scope ("no problem" is not a
refusal), who is blamed, whether a promise is taken back, whether a question asks the customer for
something or offers something.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from coach.behaviors import TAGS
from coach.detect import lexicon as lx
from coach.detect.context import (  # noqa: F401 (re-exported: looks_english)
    looks_english,
    CUSTOMER_FAULT_NEXT,
    OWN_ACTIONS,
    QUESTION_OPENERS,
    TEAM_NOUNS,
    asks_for_details,
    blames_before,
    covered,
    evaluative_empathy,
    explained,
    first_word,
    has_future,
    has_time,
    in_conditional_reassurance,
    in_question,
    in_question_of,
    is_conditional,
    is_question,
    is_signoff,
    looks_like_abbreviation,
    near,
    negative_phrasing,
    offered_alternative,
    next_lower,
    normalise,
    opens,
    overlaps,
    scheduled_future,
    shouting,
    subject_before,
    team_handover,
    third_party_fault,
    trim,
    waited_long,
)
from coach.detect.patterns import TokenPatterns, View
from coach.detect.token_patterns import NAME_STOP, token_patterns
from coach.detect.phrases import PHRASES, expanded

# Straighten typographic quotes one character for one, so spans still index the original text.

MAX_CHARS = 20_000  # one reply; longer input is refused by the callers with a clear message


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

    @property
    def warnings(self) -> list[str]:
        if self.text.strip() and not looks_english(self.text):
            return ["the reply does not look like English; behaviours are detected in English only, "
                    "so an empty or partial result here says nothing about the reply"]
        return []

    @property
    def behaviors(self) -> list[str]:
        found = {e.behavior for e in self.spans}
        return [t for t in TAGS if t in found]

    def spans_of(self, behavior):
        return [e for e in self.spans if e.behavior == behavior]


def load_lemmas():
    """spaCy's English lemma lookup table (form -> lemma) from spacy-lookups-data, installed with the
    project; no download. Used directly rather than as a pipeline component: the detector needs the lemma
    of a few words per reply, and lemmatising every token would cost a third of the tagging time."""
    try:
        import spacy_lookups_data
        import srsly

        path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
        return dict(srsly.read_gzip_json(path))
    except (ImportError, OSError, ValueError):
        return {}


def build_nlp():
    """The shared spaCy pipeline: blank English tokenizer (sign-offs split off) and sentencizer."""
    nlp = spacy.blank("en")
    # sign-offs glued to the text ("Thanks.^Kim", "~Nick") become separate tokens
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[\w.!?])[\^~](?=\w)"]
    prefixes = list(nlp.Defaults.prefixes) + [r"\^", r"~"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    nlp.add_pipe("sentencizer")
    return nlp


class Detector:
    """Tags staff replies. One instance is shared (the pipeline and matchers are read-only once built)."""

    def __init__(self, extra_jargon=()):
        self.nlp = build_nlp()
        self.lemmas = load_lemmas()
        inflections = {}
        for form, lemma in self.lemmas.items():
            inflections.setdefault(lemma, set()).add(form)

        def forms(lemmas):
            out = set(lemmas)
            for lemma in lemmas:
                out |= {f for f in inflections.get(lemma, ()) if f.isalpha() or "-" in f}
            return out

        vocab = self.nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        make = self.nlp.make_doc
        for label in PHRASES:
            docs = [make(p) for p in dict.fromkeys(expanded(label))]
            self.phrases.add(label, docs)
        self.patterns = TokenPatterns()
        for label, patterns in token_patterns(forms).items():
            self.patterns.add(label, patterns)
        self.jargon = set(lx.JARGON) | {j for j in extra_jargon if j and " " not in j}
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
    def _resolve(self, original: str, doc: Doc, customer: str) -> Detection:
        vocab_strings = self.nlp.vocab.strings
        cues: dict[str, list[Span]] = {}
        for match_id, start, end in self.phrases(doc):
            cues.setdefault(vocab_strings[match_id], []).append(doc[start:end])
        view = View(doc)
        for label, start, end in self.patterns(view):
            cues.setdefault(label, []).append(doc[start:end])
        found: dict[str, list[Span]] = {}

        def add(tag, span):
            found.setdefault(tag, []).append(span)

        takebacks = cues.get("x-takeback", [])
        questions = [doc[a:b] for a, b in view.sents if is_question(doc[a:b])]

        # greeting: only where a reply or sentence opens with it
        for span in cues.get("greeting", []):
            if opens(span):
                add("greeting", span)
        if doc and doc[0].lower_ == "dear" and len(doc) > 1 and doc[1].is_title:
            add("greeting", doc[0:2])

        for span in cues.get("x-name-here", []):
            if span.start > 0:
                name = doc[span.start - 1]
                if name.is_title and name.text not in NAME_STOP and name.is_alpha:
                    add("self_identification", doc[span.start - 1:span.end])
        for span in cues.get("self_identification", []):
            if span[0].lower_ == "this" and span.sent.start != span.start and doc[span.start - 1].text not in (",", "-", "!", "."):
                continue  # "... and this is Amazon's policy" is not an introduction
            add("self_identification", span)

        for span in cues.get("offer_help", []):
            if in_question_of(span, ("anything", "else")):
                continue
            add("offer_help", span)

        for span in cues.get("empathy", []):
            if span[0].lower_ in ("i", "we") and span[-1].lower_ == "understand":
                before = {t.lower_ for t in doc[max(0, span.start - 3):span.start]}
                if before & {"sure", "to", "if", "make"} or next_lower(span) in ("?",):
                    continue
            add("empathy", span)

        for span in evaluative_empathy(doc, view):
            add("empathy", span)

        for span in cues.get("apology", []):
            if near(span, takebacks, after=8):
                continue  # "I promise - sorry, let me put that better" corrects, it does not apologise
            before = {t.lower_ for t in doc[max(0, span.start - 3):span.start]}
            nxt = next_lower(span)
            if before & {"not", "n't", "no", "need"} or nxt == "?":
                continue  # "no need to apologise", "I'm not sorry", "sorry?"
            add("apology", span)

        not_thanks = cues.get("x-thanks-not", [])
        for span in cues.get("thanks", []):
            if any(overlaps(span, n) for n in not_thanks):
                continue
            if span[-1].lower_ == "appreciate" and next_lower(span) in ("how", "that"):
                continue
            add("thanks", span)

        for span in cues.get("closing", []):
            add("closing", span)

        for span in cues.get("hold_or_transfer", []):
            add("hold_or_transfer", span)
        for span in team_handover(doc, view):
            add("hold_or_transfer", span)

        # "if you need anything else, let us know" checks resolution; "if you need help, call 0800..."
        # hands over, and "if you need help, send us your account number" asks for details
        ask_details = set()
        for span in cues.get("check_resolution", []):
            if span[0].lower_ in ("if", "should"):
                sent = span.sent
                if covered(sent, found, ("hold_or_transfer",)):
                    continue
                if asks_for_details(sent):
                    ask_details.add(sent.start)
                    continue
            add("check_resolution", span)

        # information requests: asking phrases, and questions that ask the customer something
        offer_q = cues.get("x-question-offer", [])
        for span in cues.get("information_request", []):
            sent = span.sent
            if is_conditional(span) and not any(t.lower_ in ("could", "would") for t in doc[sent.start:span.start]):
                continue  # "if they send us a tweet, ..." describes, it does not ask
            if covered(sent, found, ("check_resolution",)) and sent.start not in ask_details:
                continue  # "should you have other concerns, send us a message" invites, it does not ask
            add("information_request", span)
        for sent in questions:
            if covered(sent, found, ("check_resolution", "offer_help", "hold_or_transfer")) or covered(
                sent, {"o": offer_q}, ("o",)
            ):
                continue
            first = first_word(sent)
            if first is None:
                continue
            if first.lower_ in QUESTION_OPENERS or any(t.lower_ in ("you", "your") for t in sent):
                add("information_request", trim(sent))

        # solution: commitments, instructions, links; not a link that only says where to contact us
        for span in cues.get("x-solution", []):
            add("solution", span)
        for span in cues.get("solution", []):
            if span[0].lower_ in ("please", "simply", "just", "kindly") and span[-1].lower_ in ("contact", "call"):
                continue
            last, nxt = span[-1].lower_, next_lower(span)
            if last == "get" and nxt in ("back", "in", "touch", "to", "you"):
                continue  # "we'll get back to you" is a next step, not a fix
            after = [t.lower_ for t in doc[span.end:span.end + 3]]
            if last in ("give", "book", "booked", "arrange") and ("call" in after or "callback" in after or "ring" in after):
                continue  # "I'll give you a call" is a next step
            if last in ("see", "pick", "suggest", "keep") and nxt in ("you", "up", "how", "checking", "chasing"):
                continue
            before_span = doc[span.start - 1].lower_ if span.start > 0 else ""
            if before_span in ("until", "once", "when", "if", "before") or (
                    before_span == "so" and len(span) > 1 and span[1].lower_ in ("can", "could", "may")):
                continue  # "so I can match it up", "until it's fixed": a purpose or a condition
            if last in ("send", "sent", "pass", "passed", "give", "forward", "get") and any(t.lower_ in TEAM_NOUNS for t in doc[span.end:span.end + 6]):
                continue  # "I've sent it to our credit team" hands over
            if span[0].lower_ == "just" and last == "give":
                continue
            if span[-1].lower_ in ("hold",) and next_lower(span) in ("on", "the"):
                continue  # "hold on", "hold the line"
            committed = span[0].lower_ in ("i", "we", "shall", "should", "would", "do")
            if not committed and covered(span.sent, found, ("hold_or_transfer",)):
                continue  # "head here and select the chat button" hands over; it is not a fix
            add("solution", span)
        for tok in (view.toks[i] for i, text in enumerate(view.text) if "." in text or "@" in text and len(text) > 3):
            if tok.like_url or tok.like_email and tok.i > 0 and doc[tok.i - 1].lower_ in ("to", "at"):
                sent = tok.sent
                words = {t.lower_ for t in sent}
                if tok.like_email and not (words & {"forward", "report"}):
                    continue
                if words & lx.CONTACT_VERBS and not (words & {"steps", "tips", "article", "info", "information",
                                                               "guide", "learn", "find", "details", "check", "visit"}):
                    continue  # "send us an email at <url>": a request or a hand-off, not a fix
                if covered(sent, found, ("information_request", "hold_or_transfer")):
                    continue  # a link that supports a question or a hand-off
                if sent.start > 0 and len([t for t in sent if not t.is_punct]) <= 2:
                    prev = doc[sent.start - 1].sent
                    if covered(prev, found, ("information_request", "hold_or_transfer")):
                        continue
                add("solution", doc[tok.i:tok.i + 1])

        # next steps: a follow-up with an actor or a time
        for span in cues.get("next_steps", []):
            if span[-1].lower_ == "look" and next_lower(span) in ("out", "forward"):
                continue
            if span[-1].lower_ in ("be", "is", "are", "been") and not has_time(span.sent):
                continue
            if span[0].lower_ in ("within", "in", "takes", "take", "allow") and not has_future(span.sent):
                continue
            if span[0].lower_ == "once" and not has_future(span.sent):
                continue
            add("next_steps", span)

        for span in scheduled_future(doc, view):
            add("next_steps", span)

        # -- poor practice -----------------------------------------------------------------
        for span in cues.get("rude", []):
            if span[0].lower_ == "read" and span.start > 0 and doc[span.start - 1].lower_ in ("have", "'ve", "you", "to", "'d", "had"):
                continue  # "you should have read the terms" blames; the bare order "Read the banner." is rude
            add("rude", span)
        shout = shouting(doc, self.jargon, view)
        if shout is not None:
            add("rude", shout)

        if customer and waited_long(customer):
            # telling a customer who has already waited long to wait more, with nothing done, brushes them off
            for span in cues.get("x-wait", []):
                if not (set(found) & {"solution", "hold_or_transfer"}):
                    add("dismissive", span)
        last_word = next((t for t in reversed(doc) if not t.is_punct and not t.is_space), None)
        if last_word is not None and last_word.lower_ == "obviously":
            add("rude", doc[last_word.i:last_word.i + 1])  # "cuz it's better obviously"
        for span in cues.get("dismissive", []):
            if span[0].lower_ in ("that", "it") and span[-1].lower_ == "happens" and next_lower(span) not in (".", "!", ",", ""):
                continue
            add("dismissive", span)

        owned = cues.get("x-blame-owned", [])
        for span in cues.get("blame", []) + cues.get("x-blame-you-did", []):
            if any(overlaps(span, o) for o in owned):
                continue
            first, last = span[0].lower_, span[-1].lower_
            if last == "why" and not blames_before(span):
                continue  # "that's why I've refunded you" explains; "you typed it wrong, that's why" blames
            if first == "because" and next_lower(span) not in CUSTOMER_FAULT_NEXT:
                continue
            if in_conditional_reassurance(span):
                continue
            if span[0].lower_ in ("lost", "broke", "damaged", "misplaced", "mislabelled", "mislabeled", "misrouted", "delayed"):
                subj = subject_before(span)
                if subj is None or subj in ("we", "i", "you"):
                    continue  # "we lost it" owns the mistake; only a third party's doing is blame
            if span[0].lower_ in ("made", "makes"):
                subj = subject_before(span)
                if subj is None or subj in ("we", "i"):
                    continue
            if span[0].lower_ in ("messed", "screwed", "mucked", "cocked", "dropped") or span[0].lower_ == "blame":
                subj = subject_before(span)
                if subj in ("we", "i"):
                    continue
            if span[0].lower_ not in ("you", "your", "if", "had", "the", "that", "well", "look", "but", "and") \
                    and subject_before(span) in ("we", "i"):
                continue  # "we should have told you" owns the mistake
            add("blame", span)
        for span in third_party_fault(doc, view):
            add("blame", span)

        for span in cues.get("risky_promise", []):
            if any(overlaps(span, n) or (n.end <= span.start and span.start - n.end <= 2) for n in cues.get("x-promise-not", [])):
                continue
            if near(span, takebacks, after=10):
                continue
            if in_question(span) or is_conditional(span):
                continue
            if span[-1].lower_ in ("assured",) and not has_future(span.sent):
                continue
            if span.start > 0 and doc[span.start - 1].lower_ in ("i", "we") and span[0].lower_ in ("will", "'ll") \
                    and next_lower(span) in OWN_ACTIONS:
                continue  # "I'll definitely pass that on": in the speaker's own hands, not a risky promise
            add("risky_promise", span)

        caps_sentence = shout is not None
        for span in cues.get("jargon", []):
            if not explained(span[-1]):
                add("jargon", span)
        unknown = []
        for i, text in enumerate(view.text if not caps_sentence else ()):
            if len(text) < 2 or text.islower() or (text[0].isupper() and text[1:].islower()):
                continue  # most words: not an abbreviation
            tok = view.toks[i]
            if explained(tok) or is_signoff(tok):
                continue
            if text in self.jargon:
                add("jargon", doc[i:i + 1])
            elif looks_like_abbreviation(tok) and text.upper() not in lx.COMMON_ACRONYMS:
                unknown.append(doc[i:i + 1])
        if len({u.text for u in unknown}) >= 2 or (unknown and "jargon" in found):
            for span in unknown:
                add("jargon", span)

        for span in negative_phrasing(doc, found, cues.get("x-negative", []), self.lemmas, view.lower, view.bounds):
            add("negative_phrasing", span)
            alternative = offered_alternative(view, span)
            if alternative is not None:
                add("solution", doc[alternative[0]:alternative[1]])  # "we don't deliver on Sundays, but Saturday is free"

        return Detection(original, _evidence(original, found), doc)

def _evidence(original, found):
    out = []
    for tag in TAGS:
        seen = set()
        for span in sorted(found.get(tag, []), key=lambda s: s.start_char):
            key = (span.start_char, span.end_char)
            if key in seen:
                continue
            seen.add(key)
            out.append(Evidence(tag, span.start_char, span.end_char, original[span.start_char:span.end_char]))
    return out
