"""What the resolvers look at, and the judgements of context that several of them share.

`Context` is one reply as the resolvers see it: the parsed doc, the token view, the cues found by
label, the tags found so far, the customer's message and the language's lexicon. The functions
below answer small questions about a span or a sentence that more than one resolver asks: does
it open the sentence, is the sentence a question or a condition, does it speak of the future,
is a run of capitals shouting. Judgements that belong to one tag live in that tag's resolver.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

from spacy.tokens import Doc, Span

from coach.detect.lexicon import Lexicon, WordLists
from coach.detect.patterns import View

# what ends a clause inside a sentence: a negation's scope stops there ("No, but I can ..."; "Don't worry, ...")
CLAUSE_BREAKS = (",", ";", ":", "—", "–", "but", "although", "though")


def looks_like_language(text: str, common_words, letters: frozenset = frozenset(), rivals=()) -> bool:
    """False for text of six or more words in which almost none is a common word of the language
    (another language), with a letter of the language's script that its alphabet lacks
    (`letters`, from language.yml: Ukrainian "і", "ї", "є" in a reply read as Russian), or that another language
    of `rivals` ((common words, letters) each) claims more of than this one (Russian typed without "ы", "э", "ё" to
    the Ukrainian detector: «Спасибо, ждите звонка»); the detector and the pack then have nothing reliable to say."""
    if letters and foreign_letters(text, letters):
        return False
    words = words_of(text)
    own = common_share(words, common_words)
    for common, alphabet in rivals:
        share = common_share(words, common)
        if share <= own or share < MIN_COMMON_SHARE:
            continue  # its score is at most its share of common words: it cannot claim the text (most texts)
        rival = language_score(words, common, alphabet)
        if rival > own and rival >= MIN_COMMON_SHARE:
            return False
    return len(words) < 6 or own >= MIN_COMMON_SHARE


MIN_COMMON_SHARE = 0.08  # the share of a language's common words below which a text is not taken to be in it
_WORDS = re.compile(r"[^\W\d_]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})  # one apostrophe for all: «пам'ятка» is «пам’ятка»


def words_of(text: str) -> list[str]:
    """The words of a text, lower case, letters only (an apostrophe, whichever was typed, ends a word)."""
    return _WORDS.findall(text.lower().translate(_APOSTROPHES))


def common_share(words, common_words) -> float:
    """The share of `words` that are common words of a language."""
    return sum(1 for w in words if w in common_words) / len(words) if words else 0.0


def language_score(words, common_words, letters: frozenset = frozenset()) -> float:
    """How much `words` look like a language: the share of its common words, less the share of words with a letter
    of its script that its alphabet lacks (Russian "ы", "ё" against Ukrainian; Ukrainian "і", "ї", "є" against
    Russian), so that the words two languages write alike weigh the same for both and the rest decide."""
    if not words:
        return 0.0
    foreign = sum(1 for w in words if foreign_letters(w, letters)) if letters else 0
    return common_share(words, common_words) - foreign / len(words)


@functools.lru_cache(maxsize=None)
def _scripts(letters: frozenset) -> frozenset:
    """The scripts of an alphabet's letters (those with a case: not an apostrophe such as Ukrainian "ʼ")."""
    return frozenset(unicodedata.name(c, "?").split()[0] for c in letters if c.lower() != c.upper())


def foreign_letters(text: str, letters: frozenset) -> int:
    """Letters of the alphabet's scripts (Cyrillic for Russian) that the alphabet does not have; other scripts
    (a Latin "SMS" in a Russian reply) do not count."""
    foreign = _foreign(letters)
    return sum(1 for c in text.lower() if foreign(c))


@functools.lru_cache(maxsize=None)
def _foreign(letters: frozenset):
    """char -> whether it is a letter of the alphabet's scripts the alphabet lacks (each character's script looked
    up once per process, not once per text)."""
    scripts = _scripts(letters)
    seen: dict[str, bool] = {}

    def foreign(c: str) -> bool:
        hit = seen.get(c)
        if hit is None:
            hit = seen[c] = c.isalpha() and c not in letters and unicodedata.name(c, "?").split()[0] in scripts
        return hit

    return foreign


class Context:
    """One reply as the resolvers see it. `found` grows as the resolvers run, in detector.RESOLVERS order."""

    __slots__ = ("doc", "view", "cues", "found", "customer", "lexicon", "words", "jargon", "lemmas", "_shouting")

    def __init__(self, doc: Doc, view: View, cues: defaultdict, customer: str, lexicon: Lexicon, jargon, lemmas: dict):
        self.doc = doc
        self.view = view
        self.cues = cues  # label -> [Span] from the phrase and token patterns; [] for a label not found
        self.found: dict[str, list[Span]] = {}  # tag -> [Span] found by the resolvers that ran before
        self.customer = customer  # the customer's message before the reply ("" when unknown)
        self.lexicon = lexicon
        self.words: WordLists = lexicon.words
        self.jargon = jargon  # the lexicon's jargon and the standards pack's
        self.lemmas = lemmas  # form -> lemma
        self._shouting = _NOT_YET

    @property
    def shouting(self) -> Span | None:
        """The first run of shouted words (rude), which also keeps capitals from counting as jargon."""
        if self._shouting is _NOT_YET:
            self._shouting = shouting(self.doc, self.jargon, self.words.common_acronyms, self.view)
        return self._shouting


_NOT_YET = object()


def opens(span):
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


def next_lower(span):
    doc = span.doc
    return doc[span.end].lower_ if span.end < len(doc) else ""


def words_before(span, n):
    """The lowercase words of the n tokens before the span, as a set."""
    return {t.lower_ for t in span.doc[max(0, span.start - n):span.start]}


def overlaps(a, b):
    return a.start < b.end and b.start < a.end


def near(span, others, after):
    return any(o.start >= span.start and o.start - span.end <= after for o in others) or any(
        overlaps(span, o) for o in others
    )


def is_question(sent):
    return _ends_as_question([t.text for t in sent if not t.is_space])


def asks(view, a, b):
    """is_question for tokens a..b of a View (a sentence), on its plain lists; remembered per sentence."""
    memo = view.memo("question")
    hit = memo.get(a)
    if hit is None:
        hit = memo[a] = _ends_as_question([x for x in view.text[a:b] if not x.isspace()])
    return hit


def _ends_as_question(texts):
    """The non-space token texts of a sentence end as a question; a question may be followed by a link or handle:
    "Did you try the steps here: <url> ?"."""
    return bool(texts) and (texts[-1].endswith("?") or "?" in texts[-3:])


def in_question(span):
    return is_question(span.sent)


def in_question_of(span, words):
    sent = span.sent
    return is_question(sent) and all(any(t.lower_ == w for t in sent) for w in words)


def covered(sent, found, tags):
    """Does a span of one of these tags lie inside the sentence?"""
    for tag in tags:
        for span in found.get(tag, []):
            if span.start >= sent.start and span.end <= sent.end:
                return True
    return False


def has_future(sent):
    return any(t.lower_ in ("will", "'ll", "shall", "going", "should", "takes", "take", "can", "'re", "are")
               for t in sent)


def is_conditional(span):
    doc = span.doc
    for j in range(span.sent.start, span.start):
        if doc[j].lower_ in ("if", "unless", "whether"):
            return True
    return False


def shouting(doc, jargon, common_acronyms, view=None):
    """Three or more capitalised words in a row that are not abbreviations: shouting."""
    if view is not None and sum(1 for t in view.text if t.isupper() and len(t) > 1) < 2:
        return None
    run = []
    best = None
    for tok in doc:
        # a capitalised word that is not an abbreviation, or "I" / "A" inside a run ("WHY DID I SAY")
        if tok.is_alpha and tok.is_upper and (len(tok.text) > 1 or tok.text in ("I", "A")) and tok.text not in jargon \
                and tok.text not in common_acronyms \
                or (run and tok.is_alpha and tok.is_upper and tok.text in ("I", "A")):
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
