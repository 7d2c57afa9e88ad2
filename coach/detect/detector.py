"""Behaviour detector: one staff reply -> behaviour tags, each with the character spans that show why.

spaCy does the linguistics (blank English tokenizer, sentencizer, lookup lemmas, PhraseMatcher and
Matcher). Cues are found by the matchers; the resolution step below then judges what the words do
in context: a negation's scope ("no problem" is not a refusal), who is blamed, whether a promise is
taken back, whether a question asks the customer for something or offers something.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from coach.behaviors import TAGS
from coach.detect import lexicon as lx
from coach.detect.patterns import TokenPatterns, View
from coach.detect.phrases import PHRASES, expanded

# Straighten typographic quotes one character for one, so spans still index the original text.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'"})

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


def _tok(**kw):
    return kw


_IN = lambda words: {"IN": sorted(words)}  # noqa: E731


_NAME_STOP = frozenset(
    """Not The A An Our My Your What Why How Very Really So Just Because It That This Sorry Afraid Happy Glad Here
    There Unfortunately Please Thanks Thank Sure Able Unable Going Also Now Still Currently Only Definitely
    Absolutely Totally Completely Calling Pleased Delighted Correct Right Well Okay Ok Click Tap Go Look""".split()
)


def _token_patterns(forms=lambda lemmas: lemmas):
    """Matcher patterns: cues that need token attributes rather than fixed phrases.
    forms(lemmas) gives every inflected form of the lemmas (from the lemma lookup table)."""
    subj = ["i", "we"]
    aux_commit = ["'ll", "will", "can", "could", "'ve", "have", "'d", "would", "am", "'m", "are", "'re", "shall"]
    fillers = ["also", "just", "gladly", "happily", "personally", "now", "already", "be", "going", "to",
               "right", "away", "then", "certainly", "definitely", "immediately", "instead", "even", "go",
               "ahead", "and", "happy", "glad", "able", "more", "than", "e", "-"]
    return {
        "solution": [
            [_tok(LOWER=_IN(subj)), _tok(LOWER=_IN(aux_commit)), _tok(LOWER=_IN(fillers), OP="*"),
             _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
            [_tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(["'d", "would"]), OP="?"),
             _tok(LOWER=_IN(["recommend", "suggest", "advise"]))],
            [_tok(LOWER=_IN(["shall", "should"])), _tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
            [_tok(LOWER=_IN(["would", "do"])), _tok(LOWER="you"), _tok(LOWER=_IN(["like", "want"])),
             _tok(LOWER=_IN(["me", "us"])), _tok(LOWER="to"), _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
            [_tok(LOWER="you"), _tok(LOWER=_IN(["can", "could", "may", "might", "should"])),
             _tok(LOWER=_IN(["also", "simply", "just", "always", "easily", "now", "still", "want", "need", "to",
                              "then", "then", "try", "either"]), OP="*"),
             _tok(LOWER=_IN(lx.YOU_CAN_ACTIONS))],
            [_tok(IS_SENT_START=True, LOWER=_IN(lx.ACTION_IMPERATIVES))],
            [_tok(LOWER=_IN(["please", "simply", "just", "kindly"])), _tok(LOWER=_IN(lx.ACTION_IMPERATIVES))],
            [_tok(LOWER=_IN(["here", "there"])), _tok(LOWER=_IN(["'s", "is", "are"])),
             _tok(LOWER=_IN(["how", "what", "a", "an", "some", "the", "info", "information", "more", "our"]))],
            [_tok(LOWER=_IN(["this", "that", "these", "the", "those"])),
             _tok(LOWER=_IN(["article", "link", "guide", "page", "steps", "tips", "info", "recommendations",
                              "instructions", "blog", "post", "video", "faq", "section"])),
             _tok(LOWER=_IN(["may", "might", "should", "will", "has", "have", "explains", "explain", "shows",
                              "covers", "here", "below", "above", "outlined", "listed"]))],
            [_tok(LOWER=_IN(["this", "that", "these", "it"])), _tok(LOWER=_IN(["may", "might", "should", "will"])),
             _tok(LOWER=_IN(["help", "answer", "fix", "solve", "resolve", "clear"]))],
            [_tok(LOWER="back"), _tok(LOWER="in"), _tok(LOWER="stock")],
            [_tok(LOWER=_IN(["available", "restocked", "arrives", "arriving"])), _tok(LOWER="again", OP="?"),
             _tok(LOWER=_IN(["on", "by", "from", "within", "next", "early", "around"]))],
            [_tok(LOWER=_IN(["we", "i"])), _tok(LOWER=_IN(["encourage", "invite"])), _tok(LOWER="you"), _tok(LOWER="to")],
            [_tok(LOWER=_IN(["could", "can", "would"])), _tok(LOWER="you"), _tok(LOWER=_IN(["please", "also", "just"]), OP="*"),
             _tok(LOWER=_IN(["try", "go", "restart", "reboot", "follow", "clear", "reset", "reinstall", "visit", "head",
                              "power", "unplug", "log", "sign", "update"]))],
            [_tok(LOWER=_IN(["as", "an", "the"])), _tok(LOWER=_IN(["workaround", "alternative", "fix", "solution"]))],
            [_tok(LOWER=_IN(["in", "for"])), _tok(LOWER=_IN(["the", "now"])), _tok(LOWER=_IN(["meantime", "now"]), OP="?"),
             _tok(ORTH=",", OP="?"), _tok(LOWER=_IN(["you", "try", "please"]))],
            [_tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(["'ve", "have", "'ll", "will"])),
             _tok(LOWER=_IN(["gone", "go"])), _tok(LOWER="ahead")],
            [_tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(["'ve", "have", "just", "already"]), OP="+"),
             _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
        ],
        "next_steps": [
            [_tok(LOWER=_IN(["i", "we", "they", "he", "she", "someone", "team", "technician", "courier", "agent",
                              "specialist", "manager", "colleague", "engineer", "driver", "supervisor"])),
             _tok(LOWER=_IN(["'ll", "will", "shall", "are", "'re", "is", "'s", "can"])),
             _tok(LOWER=_IN(["going", "to", "be", "also", "then", "personally", "get", "back", "aim", "try",
                              "definitely", "certainly", "now", "soon", "happy", "glad", "in", "e", "-"]), OP="*"),
             _tok(LOWER=_IN(forms(lx.FOLLOW_UP_VERBS)))],
            [_tok(LOWER="you"), _tok(LOWER=_IN(["'ll", "will", "should"])),
             _tok(LOWER=_IN(["also", "then", "soon", "shortly", "now", "be", "able", "to"]), OP="*"),
             _tok(LOWER=_IN(forms(["get", "receive", "hear", "see", "have", "be"]))),
             _tok(LOWER=_IN(["a", "an", "the", "your", "from", "back", "it", "them", "an", "notified", "contacted",
                              "emailed", "called", "refunded", "credited", "updated", "sent", "our"]))],
            [_tok(LOWER=_IN(["so", "for"])), _tok(LOWER="that", OP="?"), _tok(LOWER=_IN(["we", "i", "us", "someone", "they"])),
             _tok(LOWER=_IN(["can", "could", "may", "to"])), _tok(LOWER=_IN(["further", "quickly", "then"]), OP="?"),
             _tok(LOWER=_IN(["look", "investigate", "check", "review", "dig", "follow", "take", "sort",
                              "escalate", "research", "fix", "resolve", "process", "arrange"]))],
            [_tok(LOWER=_IN(["we", "i", "team", "they"])), _tok(LOWER=_IN(["'re", "are", "am", "'m", "is"])),
             _tok(LOWER=_IN(["already", "currently", "now", "actively", "still"]), OP="*"),
             _tok(LOWER=_IN(["working", "looking", "investigating", "checking", "chasing"])),
             _tok(LOWER=_IN(["on", "into", "to", "it", "this", "the", "with", "closely"]), OP="?")],
            [_tok(LOWER="once"), _tok(LOWER=_IN(["we", "it", "you", "the", "your", "they", "i", "that", "this"]))],
            [_tok(LOWER=_IN(["will", "'ll", "should"])), _tok(LOWER="be"),
             _tok(LOWER=_IN(["cancelled", "canceled", "refunded", "processed", "shipped", "delivered", "sent", "credited",
                              "updated", "reviewed", "fixed", "resolved", "replaced", "collected", "dispatched",
                              "returned", "released", "removed", "reversed", "contacted", "notified", "emailed",
                              "called", "escalated", "investigated", "repaired", "restored", "reactivated"]))],
            [_tok(LOWER=_IN(["team", "engineers", "engineer", "technician", "courier", "driver", "department",
                              "specialist", "specialists", "someone", "colleague", "manager", "supervisor", "agent"])),
             _tok(LOWER=_IN(["will", "'ll", "shall"])), _tok(IS_ALPHA=True, LOWER={"NOT_IN": ["not", "never", "be"]})],
            [_tok(LOWER=_IN(["are", "'re", "am", "'m", "is"])), _tok(LOWER=_IN(["already", "currently", "now", "actively", "still"]), OP="*"),
             _tok(LOWER=_IN(["working", "investigating", "looking"])), _tok(LOWER=_IN(["on", "into", "to"]))],
            [_tok(LOWER=_IN(["within", "in"])), _tok(LIKE_NUM=True), _tok(ORTH="-", OP="?"), _tok(LIKE_NUM=True, OP="?"),
             _tok(LOWER=_IN(["business", "working"]), OP="?"),
             _tok(LOWER=_IN(["hours", "days", "minutes", "weeks", "hour", "day", "minute", "week"]))],
            [_tok(LOWER=_IN(["takes", "take", "take", "allow"])), _tok(LIKE_NUM=True), _tok(ORTH="-", OP="?"),
             _tok(LIKE_NUM=True, OP="?"), _tok(LOWER=_IN(["business", "working"]), OP="?"),
             _tok(LOWER=_IN(["days", "hours", "weeks"]))],
            [_tok(LOWER=_IN(["call", "ring", "phone", "get", "come"])), _tok(LOWER="you", OP="?"), _tok(LOWER="back")],
            [_tok(LOWER="standing"), _tok(LOWER="by")],
            [_tok(LOWER="next"), _tok(LOWER="step")],
        ],
        "self_identification": [
            [_tok(LOWER="this"), _tok(LOWER="is"), _tok(IS_TITLE=True, ORTH={"NOT_IN": sorted(_NAME_STOP)})],
            [_tok(LOWER="i"), _tok(LOWER=_IN(["'m", "am"])), _tok(IS_TITLE=True, ORTH={"NOT_IN": sorted(_NAME_STOP)})],
            [_tok(LOWER="i"), _tok(LOWER=_IN(["'m", "am"])), _tok(LOWER=_IN(["from", "with", "in", "on"])),
             _tok(LOWER="the", OP="?"), _tok(IS_TITLE=True)],

            [_tok(LOWER=_IN(["thanks", "thank"])), _tok(LOWER="you", OP="?"), _tok(LOWER="for"),
             _tok(LOWER=_IN(["calling", "contacting", "choosing", "reaching", "getting", "shopping", "flying",
                              "banking", "messaging", "emailing", "writing"])),
             _tok(LOWER=_IN(["out", "in", "to", "with", "touch"]), OP="*"),
             _tok(IS_TITLE=True, LOWER={"NOT_IN": ["us", "me", "today", "again", "back"]})],
            [_tok(LOWER=_IN(["welcome", "calling"])), _tok(LOWER="to"), _tok(IS_TITLE=True)],
        ],
        # "Sam here from Billing", "Anna speaking": the name is checked in the resolution step, so the
        # pattern can start with a fixed word
        "x-name-here": [
            [_tok(LOWER="here"), _tok(LOWER=_IN(["from", "at", "with", "in"]))],
            [_tok(LOWER="speaking")],
        ],
        "hold_or_transfer": [
            # "our returns team can help", "the billing department will be able to authorise this"
            [_tok(LOWER=_IN(["our", "the", "their", "a"])),
             _tok(LOWER=_IN(["phone", "chat", "billing", "returns", "sales", "technical", "tech", "support", "account",
                              "accounts", "customer", "care", "specialist", "premium", "one-on-one", "dedicated", "live",
                              "service", "claims", "complaints", "escalations", "refunds", "delivery", "credit",
                              "engineering", "product", "loyalty", "retention", "business", "it", "finance"]), OP="*"),
             _tok(LOWER=_IN(["team", "department", "specialists", "specialist", "experts", "expert", "agents", "support",
                              "colleagues", "desk", "line", "manager", "supervisor"])),
             _tok(LOWER=_IN(["can", "will", "could", "would", "are", "is", "'ll", "may", "should"])),
             _tok(LOWER=_IN(["be", "able", "to", "best", "placed", "happy", "glad", "more", "than"]), OP="*"),
             _tok(LOWER=_IN(["help", "assist", "take", "look", "support", "sort", "handle", "authorise", "authorize",
                              "advise", "answer", "deal", "resolve", "process", "arrange", "approve"]))],
            [_tok(LOWER=_IN(["call", "phone", "ring", "dial", "text", "contacting", "calling"])),
             _tok(LOWER=_IN(["us", "them", "our", "the"]), OP="?"),
             _tok(LOWER=_IN(["at", "on", "team", "line", "anytime", "directly", "free"]), OP="*"),
             _tok(ORTH=_IN(["+", "("]), OP="*"), _tok(IS_DIGIT=True), _tok(ORTH=_IN(["-", ")", ".", "/"]), OP="?"),
             _tok(IS_DIGIT=True)],
        ],
        "x-question-offer": [
            [_tok(LOWER=_IN(["shall", "should"])), _tok(LOWER=_IN(["i", "we"]))],
            [_tok(LOWER=_IN(["would", "do"])), _tok(LOWER="you"), _tok(LOWER=_IN(["like", "want"])), _tok(LOWER=_IN(["me", "us"]))],
            [_tok(LOWER=_IN(["may", "can", "could"])), _tok(LOWER="i"),
             _tok(LOWER=_IN(["offer", "send", "suggest", "recommend", "place", "put", "transfer", "call", "book",
                              "reserve", "arrange", "help", "assist", "get", "set", "connect"]))],
            [_tok(LOWER="how"), _tok(LOWER=_IN(["about", "does"]))],
            [_tok(LOWER="why"), _tok(LOWER="not")],
        ],
    }


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
        for label, patterns in _token_patterns(forms).items():
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
        texts = [_normalise(t) for t, _ in pairs]
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
        questions = [doc[a:b] for a, b in view.sents if _is_question(doc[a:b])]
        rude_tokens = set()

        # greeting: only where a reply or sentence opens with it
        for span in cues.get("greeting", []):
            if _opens(span):
                add("greeting", span)
        if doc and doc[0].lower_ == "dear" and len(doc) > 1 and doc[1].is_title:
            add("greeting", doc[0:2])

        for span in cues.get("x-name-here", []):
            if span.start > 0:
                name = doc[span.start - 1]
                if name.is_title and name.text not in _NAME_STOP and name.is_alpha:
                    add("self_identification", doc[span.start - 1:span.end])
        for span in cues.get("self_identification", []):
            if span[0].lower_ == "this" and span.sent.start != span.start and doc[span.start - 1].text not in (",", "-", "!", "."):
                continue  # "... and this is Amazon's policy" is not an introduction
            add("self_identification", span)

        for span in cues.get("offer_help", []):
            if _in_question_of(span, ("anything", "else")):
                continue
            add("offer_help", span)

        for span in cues.get("empathy", []):
            if span[0].lower_ in ("i", "we") and span[-1].lower_ == "understand":
                before = {t.lower_ for t in doc[max(0, span.start - 3):span.start]}
                if before & {"sure", "to", "if", "make"} or _next_lower(span) in ("?",):
                    continue
            add("empathy", span)

        for span in _evaluative_empathy(doc, view):
            add("empathy", span)

        for span in cues.get("apology", []):
            if _near(span, takebacks, after=8):
                continue  # "I promise - sorry, let me put that better" corrects, it does not apologise
            before = {t.lower_ for t in doc[max(0, span.start - 3):span.start]}
            nxt = _next_lower(span)
            if before & {"not", "n't", "no", "need"} or nxt == "?":
                continue  # "no need to apologise", "I'm not sorry", "sorry?"
            add("apology", span)

        not_thanks = cues.get("x-thanks-not", [])
        for span in cues.get("thanks", []):
            if any(_overlaps(span, n) for n in not_thanks):
                continue
            if span[-1].lower_ == "appreciate" and _next_lower(span) in ("how", "that"):
                continue
            if span[0].lower_ == "appreciate" and span.start > 0 and doc[span.start - 1].lower_ in ("i", "we"):
                pass
            add("thanks", span)

        for span in cues.get("closing", []):
            if span[0].lower_ in ("enjoy",) and span.end < len(doc) and doc[span.end].lower_ in ("it", "using", "the", "your"):
                pass
            add("closing", span)

        for span in cues.get("hold_or_transfer", []):
            add("hold_or_transfer", span)
        for span in _team_handover(doc, view):
            add("hold_or_transfer", span)

        # "if you need anything else, let us know" checks resolution; "if you need help, call 0800..."
        # hands over, and "if you need help, send us your account number" asks for details
        ask_details = set()
        for span in cues.get("check_resolution", []):
            if span[0].lower_ in ("if", "should"):
                sent = span.sent
                if _covered(sent, found, ("hold_or_transfer",)):
                    continue
                if _asks_for_details(sent):
                    ask_details.add(sent.start)
                    continue
            add("check_resolution", span)

        # information requests: asking phrases, and questions that ask the customer something
        offer_q = cues.get("x-question-offer", [])
        for span in cues.get("information_request", []):
            sent = span.sent
            if _is_conditional(span) and not any(t.lower_ in ("could", "would") for t in doc[sent.start:span.start]):
                continue  # "if they send us a tweet, ..." describes, it does not ask
            if _covered(sent, found, ("check_resolution",)) and sent.start not in ask_details:
                continue  # "should you have other concerns, send us a message" invites, it does not ask
            add("information_request", span)
        for sent in questions:
            if _covered(sent, found, ("check_resolution", "offer_help", "hold_or_transfer")) or _covered(
                sent, {"o": offer_q}, ("o",)
            ):
                continue
            first = _first_word(sent)
            if first is None:
                continue
            if first.lower_ in _QUESTION_OPENERS or any(t.lower_ in ("you", "your") for t in sent):
                add("information_request", _trim(sent))

        # solution: commitments, instructions, links; not a link that only says where to contact us
        for span in cues.get("x-solution", []):
            add("solution", span)
        for span in cues.get("solution", []):
            if span[0].lower_ in ("please", "simply", "just", "kindly") and span[-1].lower_ in ("contact", "call"):
                continue
            last, nxt = span[-1].lower_, _next_lower(span)
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
            if last in ("send", "sent", "pass", "passed", "give", "forward") and any(t.lower_ in _TEAM_NOUNS for t in doc[span.end:span.end + 6]):
                continue  # "I've sent it to our credit team" hands over
            if span[0].lower_ == "just" and last == "give":
                continue
            if span[-1].lower_ in ("hold",) and _next_lower(span) in ("on", "the"):
                continue  # "hold on", "hold the line"
            committed = span[0].lower_ in ("i", "we", "shall", "should", "would", "do")
            if not committed and _covered(span.sent, found, ("hold_or_transfer",)):
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
                if _covered(sent, found, ("information_request", "hold_or_transfer")):
                    continue  # a link that supports a question or a hand-off
                if sent.start > 0 and len([t for t in sent if not t.is_punct]) <= 2:
                    prev = doc[sent.start - 1].sent
                    if _covered(prev, found, ("information_request", "hold_or_transfer")):
                        continue
                add("solution", doc[tok.i:tok.i + 1])

        # next steps: a follow-up with an actor or a time
        for span in cues.get("next_steps", []):
            if span[-1].lower_ == "look" and _next_lower(span) in ("out", "forward"):
                continue
            if span[-1].lower_ in ("be", "is", "are", "been") and not _has_time(span.sent):
                continue
            if span[0].lower_ in ("within", "in", "takes", "take", "allow") and not _has_future(span.sent):
                continue
            if span[0].lower_ == "once" and not _has_future(span.sent):
                continue
            add("next_steps", span)

        for span in _scheduled_future(doc, view):
            add("next_steps", span)

        # -- poor practice -----------------------------------------------------------------
        for span in cues.get("rude", []):
            if span[0].lower_ == "read" and span.start > 0 and doc[span.start - 1].lower_ in ("have", "'ve", "you", "to", "'d", "had"):
                continue  # "you should have read the terms" blames; the bare order "Read the banner." is rude
            add("rude", span)
            rude_tokens.update(range(span.start, span.end))
        shout = _shouting(doc, self.jargon, view)
        if shout is not None:
            add("rude", shout)

        if customer and _waited_long(customer):
            # telling a customer who has already waited long to wait more, with nothing done, brushes them off
            for span in cues.get("x-wait", []):
                if not (set(found) & {"solution", "hold_or_transfer"}):
                    add("dismissive", span)
        last_word = next((t for t in reversed(doc) if not t.is_punct and not t.is_space), None)
        if last_word is not None and last_word.lower_ == "obviously":
            add("rude", doc[last_word.i:last_word.i + 1])  # "cuz it's better obviously"
        for span in cues.get("dismissive", []):
            if span[0].lower_ in ("that", "it") and span[-1].lower_ == "happens" and _next_lower(span) not in (".", "!", ",", ""):
                continue
            add("dismissive", span)

        owned = cues.get("x-blame-owned", [])
        for span in cues.get("blame", []) + cues.get("x-blame-you-did", []):
            if any(_overlaps(span, o) for o in owned):
                continue
            first, last = span[0].lower_, span[-1].lower_
            if last == "why" and not _blames_before(span):
                continue  # "that's why I've refunded you" explains; "you typed it wrong, that's why" blames
            if first == "because" and _next_lower(span) not in _CUSTOMER_FAULT_NEXT:
                continue
            if _in_conditional_reassurance(span):
                continue
            if span[0].lower_ in ("lost", "broke", "damaged", "misplaced", "mislabelled", "mislabeled", "misrouted", "delayed"):
                subj = _subject_before(span)
                if subj is None or subj in ("we", "i", "you"):
                    continue  # "we lost it" owns the mistake; only a third party's doing is blame
            if span[0].lower_ in ("made", "makes"):
                subj = _subject_before(span)
                if subj is None or subj in ("we", "i"):
                    continue
            if span[0].lower_ in ("messed", "screwed", "mucked", "cocked", "dropped") or span[0].lower_ == "blame":
                subj = _subject_before(span)
                if subj in ("we", "i"):
                    continue
            if span[0].lower_ not in ("you", "your", "if", "had", "the", "that", "well", "look", "but", "and") \
                    and _subject_before(span) in ("we", "i"):
                continue  # "we should have told you" owns the mistake
            add("blame", span)
        for span in _third_party_fault(doc, view):
            add("blame", span)

        for span in cues.get("risky_promise", []):
            if any(_overlaps(span, n) or (n.end <= span.start and span.start - n.end <= 2) for n in cues.get("x-promise-not", [])):
                continue
            if _near(span, takebacks, after=10):
                continue
            if _in_question(span) or _is_conditional(span):
                continue
            if span[-1].lower_ in ("assured",) and not _has_future(span.sent):
                continue
            if span.start > 0 and doc[span.start - 1].lower_ in ("i", "we") and span[0].lower_ in ("will", "'ll") \
                    and _next_lower(span) in _OWN_ACTIONS:
                continue  # "I'll definitely pass that on": in the speaker's own hands, not a risky promise
            add("risky_promise", span)

        caps_sentence = shout is not None
        for span in cues.get("jargon", []):
            if not _explained(span[-1]):
                add("jargon", span)
        unknown = []
        for i, text in enumerate(view.text if not caps_sentence else ()):
            if len(text) < 2 or text.islower() or (text[0].isupper() and text[1:].islower()):
                continue  # most words: not an abbreviation
            tok = view.toks[i]
            if _explained(tok) or _is_signoff(tok):
                continue
            if text in self.jargon:
                add("jargon", doc[i:i + 1])
            elif _looks_like_abbreviation(tok) and text.upper() not in lx.COMMON_ACRONYMS:
                unknown.append(doc[i:i + 1])
        if len({u.text for u in unknown}) >= 2 or (unknown and "jargon" in found):
            for span in unknown:
                add("jargon", span)

        for span in _negative_phrasing(doc, found, cues.get("x-negative", []), self.lemmas, view.lower, view.bounds):
            add("negative_phrasing", span)

        return Detection(original, _evidence(original, found), doc)


# -- helpers ------------------------------------------------------------------------------------

_QUESTION_OPENERS = frozenset(
    "could can would will do does did have has is are was were which what when where who whom whose how "
    "may might any anything".split()
)


_HTML_TAG = re.compile(r"<[A-Za-z/!][^<>]{0,200}>")


def _normalise(text: str) -> str:
    """Same-length clean-up, so spans still index the original text: straight quotes, and HTML tags
    blanked out ("<p>Hello</p>" reads as "Hello")."""
    text = text.translate(_QUOTES)
    if "<" in text:
        text = _HTML_TAG.sub(lambda m: " " * len(m.group(0)), text)
    return text


_ENGLISH_WORDS = frozenset(
    """the a an to you your we i is are it and of for be this that in on with can will have please thanks thank
    sorry hi hello my me our us not no yes do did was what how when there here so if at as by from help order
    just all get know let they he she them one out up about could would should""".split()
)


def looks_english(text: str) -> bool:
    """False for text of six or more words in which almost none is a common English word (another
    language); the detector and the English pack then have nothing reliable to say."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 6:
        return True
    common = sum(1 for w in words if w in _ENGLISH_WORDS)
    return common / len(words) >= 0.08


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


def _opens(span):
    """True when nothing but punctuation, numbering or a handle comes before the span in its sentence
    (or in the reply, for openings like "Hi there")."""
    doc = span.doc
    i = span.start
    j = i - 1
    while j >= 0 and (doc[j].is_punct or doc[j].like_num or doc[j].text.startswith("@") or doc[j].is_space
                      or doc[j].lower_ in ("oh", "and", "well", "so", "a", "very", "and")):
        j -= 1
    if j < 0:
        return True
    return span.sent.start == span.start or doc[j].text in (".", "!", "?", ":", "-", "\n")


def _next_lower(span):
    doc = span.doc
    return doc[span.end].lower_ if span.end < len(doc) else ""


def _overlaps(a, b):
    return a.start < b.end and b.start < a.end


def _near(span, others, after):
    return any(o.start >= span.start and o.start - span.end <= after for o in others) or any(
        _overlaps(span, o) for o in others
    )


def _is_question(sent):
    toks = [t for t in sent if not t.is_space]
    if not toks:
        return False
    last = toks[-1]
    if last.text == "?" or last.text.endswith("?"):
        return True
    # a question followed by a link or handle: "Did you try the steps here: <url> ?"
    return any(t.text == "?" for t in toks[-3:])


def _in_question(span):
    return _is_question(span.sent)


def _in_question_of(span, words):
    sent = span.sent
    return _is_question(sent) and all(any(t.lower_ == w for t in sent) for w in words)


def _first_word(sent):
    skip = {"so", "and", "also", "just", "but", "ok", "okay", "great", "thanks", "oh", "hi", "hello", "hey", "well", "now", "then"}
    for t in sent:
        if t.is_alpha and t.lower_ not in skip:
            return t
    return None


def _covered(sent, found, tags):
    for tag in tags:
        for span in found.get(tag, []):
            if span.start >= sent.start and span.end <= sent.end:
                return True
    return False


def _trim(sent):
    doc = sent.doc
    end = sent.end
    while end > sent.start + 1 and doc[end - 1].is_space:
        end -= 1
    return doc[sent.start:end]


def _has_time(sent):
    return any(t.lower_ in lx.TIME_WORDS or t.like_num for t in sent)


def _has_future(sent):
    return any(t.lower_ in ("will", "'ll", "shall", "going", "should", "takes", "take", "can", "'re", "are") for t in sent)


def _subject_before(span):
    doc = span.doc
    for j in range(span.start - 1, max(span.sent.start, span.start - 4) - 1, -1):
        w = doc[j].lower_
        if w in ("we", "i", "you", "they", "he", "she", "courier", "warehouse", "driver", "team", "colleague",
                 "bank", "it", "someone", "supplier", "department", "system", "agent", "carrier", "office"):
            return w
    return None


def _is_conditional(span):
    doc = span.doc
    for j in range(span.sent.start, span.start):
        if doc[j].lower_ in ("if", "unless", "whether"):
            return True
    return False


def _in_conditional_reassurance(span):
    """'Even if you entered the wrong address, we'll fix it' is not blame."""
    doc = span.doc
    window = doc[max(span.sent.start, span.start - 3):span.start]
    return any(t.lower_ in ("even", "whether", "doesn't", "matter", "happens") for t in window)


_DETAIL_WORDS = frozenset("number email e-mail address details name account postcode zip phone id reference".split())


def _asks_for_details(sent):
    words = [t.lower_ for t in sent]
    return any(w in ("your", "the") and nxt in _DETAIL_WORDS for w, nxt in zip(words, words[1:])) or any(
        w in _DETAIL_WORDS and i > 0 and words[i - 1] in ("account", "phone", "order", "service", "email") for i, w in enumerate(words)
    )


_CUSTOMER_FAULT_NEXT = frozenset(
    "didn't did never forgot typed entered chose ordered booked weren't missed ignored gave put set selected "
    "clicked used picked filled skipped failed haven't hadn't".split()
)

_THIRD_PARTY = frozenset(
    """courier couriers carrier carriers warehouse driver drivers supplier suppliers factory sales finance accounts
    ops billing scheduling packing bank issuer manufacturer colleague colleagues host agent technician engineer
    operator partner subcontractor airline customs kitchen vendor department store branch he she they""".split()
)
_FAULT_WORDS = frozenset(
    """forgot forgets ignored ignores lost loses broke breaks damaged misconfigured messed messes screwed dropped
    mixed misplaced mislabelled mislabeled misrouted careless useless incompetent nightmare behind wrong failed
    fails keeps keep forgetting losing""".split()
)
_DUTY_VERBS = frozenset("update send call tell check deliver knock ring pass process follow record note read book "
                        "turn show pick load scan log".split())


_LATE_CUES = ("weeks", "week ago", "days ago", "still not", "still hasn't", "still haven't", "still waiting",
              "been waiting", "waiting since", "hasn't arrived", "has not arrived", "haven't received", "not arrived",
              "days late", "weeks late", "over a week", "over a month", "month ago", "ages", "forever", "since")


def _waited_long(customer):
    text = customer.lower().replace("\u2019", "'")
    return any(cue in text for cue in _LATE_CUES)


def _blames_before(span):
    """Does the sentence before 'that's why' say someone did something wrong?"""
    doc = span.doc
    words = [t.lower_ for t in doc[span.sent.start:span.start]]
    return ("you" in words or "you've" in words or any(w in _THIRD_PARTY for w in words)) and (
        any(w in _FAULT_WORDS or w in ("didn't", "never", "wrong", "forgot", "weren't", "n't") for w in words)
        or "you" in words and any(w.endswith("ed") for w in words)
    )


def _third_party_fault(doc, view):
    """'The courier left it out in the rain', 'my colleague didn't update your address', 'the warehouse
    picked it wrong': a third party (or a colleague) named as the cause. 'We' and 'I' own it instead."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        if any(w in ("if", "unless", "whether", "in case") for w in words):
            continue
        for k, w in enumerate(words):
            if w not in _THIRD_PARTY:
                continue
            if k > 0 and words[k - 1] in ("to", "with", "for", "from", "by", "at", "call", "ask", "contact"):
                continue  # the party is an object ("passed to the warehouse"), not the doer
            for j in range(k + 1, min(len(words), k + 9)):
                v = words[j]
                fault = v in _FAULT_WORDS and v != "keeps" or (v == "keeps" and j + 1 < len(words) and words[j + 1].endswith("ing"))
                if v in ("didn't", "never", "n't") and j + 1 < len(words) and (words[j + 1] in _DUTY_VERBS):
                    fault = True
                if fault:
                    if any(x in ("we", "i", "our") and x != "our" for x in words[max(0, k - 2):k]):
                        break
                    out.append(doc[toks[k].i:toks[j].i + 1])
                    break
    return out


_TEAM_NOUNS = frozenset(
    "team department specialists specialist experts expert advisers advisors adviser advisor manager supervisor "
    "desk lead engineers colleagues".split()
)
_HANDOVER = frozenset(
    """pass passing passed escalate escalating escalated refer referring referred forward forwarding forwarded hand
    handing handed transfer transferring transferred connect connecting sending sent raise raised raising booked
    handled assessed investigated processed reviewed arranged approved""".split()
)
_TEAM_FOLLOW = frozenset("call ring phone contact email reply respond follow look review handle process approve "
                         "arrange get be reach pick assess investigate help assist".split())


def _team_handover(doc, view):
    """'I'm passing your case to our claims team', 'Laura from our billing team will call you':
    another team or person takes over. A bare 'our team' is too vague to count."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        for k, w in enumerate(words):
            if w not in _TEAM_NOUNS:
                continue
            det = next((j for j in range(k - 1, max(-1, k - 4), -1) if words[j] in ("our", "the", "your", "my", "their")), None)
            if det is None or det == k - 1:
                continue  # needs a qualifier: "our billing team", "your account manager"
            if any(x in ("i'm", "i", "from") for x in words[max(0, det - 3):det]) and "from" in words[max(0, det - 2):det] \
                    and any(x in ("i", "'m", "am", "this", "is", "name") for x in words[:det]):
                continue  # "I'm Felix from the support team" introduces, it does not hand over
            handover = any(x in _HANDOVER for x in words)
            follow = any(words[j] in ("will", "'ll", "can", "could", "would") and j + 1 < len(words)
                         and (words[j + 1] in _TEAM_FOLLOW or words[j + 1] in ("be", "definitely", "usually", "also", "then"))
                         for j in range(k + 1, min(len(words), k + 6)))
            if handover or follow:
                out.append(doc[toks[det].i:toks[k].i + 1])
                break
    return out


_EVAL = frozenset(
    """frustrating annoying exhausting awful horrible terrible rotten stressful worrying upsetting disappointing
    unacceptable embarrassing alarming nasty shock loss hassle nightmare rough tough uncomfortable inconvenient
    scary unfair ordeal worry frustration inconvenience disappointment stress upset maddening infuriating
    gutting heartbreaking miserable""".split()
)
_EVAL_LEAD = frozenset("that's that is it's it this what sounds sound must such a so really very quite real big "
                       "serious huge".split())


def _evaluative_empathy(doc, view):
    """'That's a rotten end to a journey', 'what a disappointing thing to find', 'a real loss for your shop':
    the staff member names how bad the situation is for the customer."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        if any(w in ("i'm", "i") for w in words[:2]) and "sorry" not in words and "understand" not in words \
                and any(w in ("frustrated", "annoyed") for w in words):
            continue
        for k, w in enumerate(words):
            if w in _EVAL and any(x in _EVAL_LEAD for x in words[max(0, k - 4):k]):
                if "not" in words[max(0, k - 3):k] or "no" in words[max(0, k - 2):k]:
                    continue
                start = next(j for j in range(max(0, k - 4), k + 1) if words[j] in _EVAL_LEAD)
                out.append(doc[toks[start].i:toks[k].i + 1])
                break
    return out


_OWN_ACTIONS = frozenset("pass call ring look check let email e-mail note mention flag ask chase follow get keep "
                         "raise log text message update remember try".split())
_FUTURE = frozenset("will 'll shall going expect expected should".split())
_SCHEDULED = frozenset("goes leaves ships arrives lands reaches stays expires starts opens runs comes appears shows "
                       "lands completes".split())
_TIME_PREP = frozenset("by within until before after at on from".split())


def _scheduled_future(doc, view):
    """'The blue one goes out today', 'it'll arrive by the 22nd', 'we expect service back by 18:00':
    what happens next, with a time."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        if words and words[-1] == "?" or any(w in ("if", "unless") for w in words[:3]):
            continue
        marker = next((k for k, w in enumerate(words) if w in _FUTURE or w in _SCHEDULED), None)
        if marker is None:
            continue
        for k in range(marker + 1, len(words)):
            w = words[k]
            timed = w in lx.TIME_WORDS and w not in ("day", "days", "hour", "hours", "week", "weeks", "month", "minute",
                                                      "minutes", "business", "working") \
                or (w in _TIME_PREP and k + 1 < len(words) and (toks[k + 1].like_num or words[k + 1] in lx.TIME_WORDS
                                                               or words[k + 1] in ("the", "next", "end")))
            if timed:
                out.append(doc[toks[marker].i:toks[k].i + 1])
                break
    return out


def _looks_like_abbreviation(tok):
    t = tok.text
    if len(t) < 2 or len(t) > 7 or tok.like_url or tok.like_email or not t[0].isalpha() or "-" in t:
        return False
    letters = [c for c in t if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return upper >= 2 and upper >= len(letters) - 1 and not tok.is_sent_start or (upper >= 3 and upper == len(letters))


def _explained(tok):
    doc = tok.doc
    return tok.i + 1 < len(doc) and doc[tok.i + 1].text == "(" or tok.i > 0 and doc[tok.i - 1].text == "("


def _is_signoff(tok):
    doc = tok.doc
    return tok.i > 0 and doc[tok.i - 1].text in ("^", "-", "~", "*", "/", "–", "—") and tok.i >= len(doc) - 2


def _shouting(doc, jargon, view=None):
    """Three or more capitalised words in a row that are not abbreviations: shouting."""
    if view is not None and sum(1 for t in view.text if t.isupper() and len(t) > 1) < 2:
        return None
    run = []
    best = None
    for tok in doc:
        if tok.is_alpha and tok.is_upper and (len(tok.text) > 1 or tok.text in ("I", "A")) and tok.text not in jargon \
                and tok.text not in lx.COMMON_ACRONYMS or (run and tok.is_alpha and tok.is_upper and tok.text in ("I", "A")):
            run.append(tok)
            continue
        if tok.is_punct and run and tok.text in (",", "'", "-"):
            continue
        if len(run) >= 3:
            best = best or doc[run[0].i:run[-1].i + 1]
        run = []
    if len(run) >= 3:
        best = best or doc[run[0].i:run[-1].i + 1]
    return best


def _clause_bounds(doc, i):
    """Token range of the clause around token i: up to , ; : . ! ? or 'but'."""
    sent = doc[i].sent
    start = i
    while start > sent.start and doc[start - 1].text not in (",", ";", ":", "—", "–") and doc[start - 1].lower_ not in ("but", "although", "though"):
        start -= 1
    end = i + 1
    while end < sent.end and doc[end].text not in (",", ";", ":", ".", "!", "?", "—", "–") and doc[end].lower_ not in ("but", "although", "though"):
        end += 1
    return start, end


_FILLER = frozenset(
    "be able to a an any the really currently yet been have get do just actually always even quite necessarily "
    "offer it that this there we i you us our your more longer at all anymore so very".split()
)


_SUBJECT_SKIP = frozenset("really just currently actually still also simply honestly definitely unfortunately "
                          "sadly probably certainly usually normally".split())


_NEG_TRIGGERS = lx.NEGATION_CUES | {"no", "stock", "sold", "discontinued", "unavailable", "booked", "all", "can", "only"}
_NO_HEADS = frozenset(
    "way refunds refund returns exchanges discount discounts option options chance possibility exceptions exception "
    "information info news update updates record details plans availability stock longer one more compensation "
    "cancellations".split()
)


def _sentence_bounds(doc):
    """(start, end) of the sentence of every token, computed once per reply."""
    bounds = [None] * len(doc)
    for sent in doc.sents:
        for i in range(sent.start, sent.end):
            bounds[i] = (sent.start, sent.end)
    return bounds


def _negative_phrasing(doc, found, extra=(), lemmas=None, lw=None, bounds=None):
    """Refusals and inability framed as what cannot be done, judged over each negation's scope."""
    lw = lw if lw is not None else [t.lower_ for t in doc]
    n = len(lw)
    if not _NEG_TRIGGERS.intersection(lw):
        return list(extra)
    bounds = bounds or _sentence_bounds(doc)
    lemmas = lemmas or {}
    is_punct = [t.is_punct for t in doc]
    question = {}
    spans = []
    found_way_forward = bool(set(found) & {"solution", "next_steps", "hold_or_transfer"})

    def clause(i):
        s0, s1 = bounds[i]
        a = i
        while a > s0 and lw[a - 1] not in (",", ";", ":", "—", "–", "but", "although", "though"):
            a -= 1
        b = i + 1
        while b < s1 and lw[b] not in (",", ";", ":", ".", "!", "?", "—", "–", "but", "although", "though"):
            b += 1
        return a, b

    for i, low in enumerate(lw):
        if low not in _NEG_TRIGGERS:
            continue
        s0, s1 = bounds[i]
        if low in ("stock", "sold", "discontinued", "unavailable", "booked"):
            # stock-outs without a way forward
            if found_way_forward or {"but", "however", "instead", "alternatively", "meanwhile"}.intersection(lw[s0:s1]):
                continue
            window = set(lw[max(0, i - 2):i + 2])
            if (low == "stock" and "out" in window) or (low == "sold" and "out" in window) \
                    or (low == "booked" and window & {"fully", "completely"}) or low in ("discontinued", "unavailable"):
                spans.append(doc[max(0, i - 2):i + 1])
            continue
        if low in ("all", "can"):
            # "all we can do is ...", "X can only ...": limits stated as the whole answer
            window = lw[max(s0, i - 2):i + 3]
            limited = (low == "all" and window[-3:][:2] in (["we", "can"], ["i", "can"])) or (
                low == "can" and i + 1 < n and lw[i + 1] == "only" and i > 0 and lw[i - 1] != "you"
                and (i + 2 >= n or lw[i + 2] not in ("imagine", "apologise", "apologize")))
            if limited and not {"but", "however", "instead", "join", "waitlist", "alternatively"}.intersection(lw[i:s1]):
                spans.append(doc[max(s0, i - 2):min(s1, i + 4)])
            continue
        if low == "only":
            rest = set(lw[i:s1])
            if i > 0 and lw[i - 1] in ("we", "i") and i + 1 < n and doc[i + 1].is_alpha:
                # "we only reply to claims sent through the form"
                if not rest & {"but", "however", "instead", "alternatively", "can", "happy"}:
                    spans.append(doc[i - 1:i + 2])
            elif i > 1 and lw[i - 1] in ("is", "are", "'s", "'re", "be") and lw[i - 2] != "you" and i + 1 < n \
                    and lw[i + 1] in ("for", "possible", "available", "valid", "offered", "open", "allowed", "accepted", "eligible"):
                # "phone support is only for admins"
                if not rest & {"but", "however", "you", "join", "can", "instead"}:
                    spans.append(doc[max(s0, i - 3):min(s1, i + 3)])
            continue
        if s0 not in question:
            question[s0] = _is_question(doc[s0:s1])
        if question[s0]:
            continue
        if {"if", "unless", "whether", "when", "until", "once", "even"}.intersection(lw[max(s0, i - 12):i]):
            continue
        cstart, cend = clause(i)
        if low in ("not", "n't", "nt") and i > 0 and lw[i - 1] == "do" and (
                i - 1 == s0 or lw[i - 2] in ("please", ",", "and", "just", "so", "then", "but", "now")):
            continue  # an instruction ("please do not reply to that e-mail"), not a refusal
        head_i = next((k for k in range(i + 1, cend) if lw[k] not in _FILLER and not is_punct[k]), None)
        head_low = lw[head_i] if head_i is not None else ""
        head_lemma = lemmas.get(head_low, head_low)
        if head_low in lx.FAVOURABLE_NEGATED or head_lemma in lx.FAVOURABLE_NEGATED:
            continue
        if head_low in lx.NOT_A_REFUSAL or head_lemma in lx.NOT_A_REFUSAL:
            continue
        after = lw[i + 1:cend]
        words_after = set(after)
        if words_after & {"enough", "wait", "happier", "agree", "more"} and low in ("n't", "not", "nt", "cannot"):
            if {"enough", "happier", "wait"}.intersection(after[:4]) or "more" in after[-2:]:
                continue
        if low == "no":
            # "No." as an answer, "no refunds", "there's no way"; not "no problem", "no need", "no charge"
            nxt = lw[i + 1] if i + 1 < n else None
            if nxt is None or is_punct[i + 1]:
                if (i == s0 or is_punct[i - 1]) and (nxt is None or nxt in (".", "!")):
                    spans.append(doc[i:min(i + 2, n)])
                continue
            if head_low in _NO_HEADS:
                if head_low == "longer" and not words_after & {"sell", "offer", "stock", "available", "supported",
                                                               "carry", "make", "provide", "do"}:
                    continue
                if head_low == "one" and "can" not in words_after:
                    continue
                spans.append(doc[i:head_i + 1])
            continue
        # who is negated
        aux = lw[i - 1] if i > 0 else ""
        j = i - 2 if low not in ("never", "unable", "impossible", "cannot") else i - 1
        if low in ("unable", "impossible") and j >= 0 and lw[j] in ("be", "is", "are", "'m", "'re", "am", "'s", "was"):
            j -= 1
        while j >= cstart and lw[j] in _SUBJECT_SKIP:
            j -= 1
        subj = lw[j] if j >= cstart else ""
        if subj in ("the", "a", "an", "our", "your", "their", "my", "this", "that") and j + 1 < i:
            subj = lw[j + 1]  # "the company", "our team"
        if subj not in _KNOWN_SUBJECTS:
            # a noun subject ("installation isn't included", "the set won't make it"): only unavailability counts
            if head_i is not None and (head_low in lx.UNAVAILABLE_HEADS or head_lemma in lx.UNAVAILABLE_HEADS) \
                    and subj not in ("reboots", "update", "shouting"):
                spans.append(doc[max(cstart, j):head_i + 1])
            continue
        if subj in ("who", "which", "he", "she", "they"):
            continue
        if low == "unable":
            if subj in ("i", "we", "team", "company", "department", "staff", "they") or not subj:
                spans.append(doc[max(cstart, i - 2):min(cend, i + 3)])
            continue
        if low == "impossible":
            if subj in ("it", "that", "this", "", "i", "we"):
                spans.append(doc[max(cstart, i - 2):i + 1])
            continue
        if low == "never":
            if subj in ("we", "i", "company", "store", "shop", "team") and head_i is not None \
                    and head_low not in ("happen", "hesitate", "ask", "share", "sell", "store", "request", "send", "charge"):
                spans.append(doc[max(cstart, i - 2):head_i + 1])
            continue
        # n't / not / nt / cannot
        if aux not in lx.REFUSAL_AUX and low != "cannot" and aux not in ("really", "currently", "just", "actually", "still", "also"):
            continue
        if head_i is None:
            if subj in ("i", "we", "company", "team", "they") and aux in ("ca", "can", "could", "wo", "will", "do", "does"):
                spans.append(doc[max(cstart, i - 2):cend])  # "we can't do that"
            continue
        if subj in ("it", "that", "this", "there", "policy", "system"):
            if head_low in lx.UNAVAILABLE_HEADS or head_lemma in lx.UNAVAILABLE_HEADS or head_low == "something" \
                    or (head_low in ("how", "what") and words_after & {"work", "do", "offer", "sell"}) \
                    or (head_low == "in" and "stock" in words_after):
                spans.append(doc[max(cstart, i - 2):head_i + 1])
            continue
        if subj == "you":
            if (aux in ("ca", "can", "could", "may", "might", "must") and head_low not in ("miss", "go", "beat", "lose", "fail")) \
                    or head_low in ("allowed", "permitted", "eligible", "entitled"):
                spans.append(doc[max(cstart, i - 2):head_i + 1])
            continue
        if aux in ("is", "'s") and subj not in ("company", "team", "store", "shop", "department"):
            continue
        spans.append(doc[max(cstart, i - 2):head_i + 1])
    spans.extend(extra)
    return spans


_KNOWN_SUBJECTS = lx.SUBJECTS_STAFF | {"you", "he", "she", "there", "who", "which", ""}
