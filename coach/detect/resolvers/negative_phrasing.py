"""negative_phrasing: the reply frames the answer around what cannot be done.

A refusal, an inability or a bare "no" about what the staff or the company will do, judged over each
negation's scope: "No problem", "don't worry", "I can't wait", "no need to" are good news, not refusals;
"the account you can't access" describes the problem; "please do not reply" is an instruction. Runs last
but for the solution that follows a refusal: a stock-out with a way forward ("sold out, but ...") is fine.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.detect.context import CLAUSE_BREAKS as _CLAUSE_BREAKS
from coach.detect.context import asks

_STOCK_OUT = ("stock", "sold", "discontinued", "unavailable", "booked")
_CLAUSE_ENDS = _CLAUSE_BREAKS + (".", "!", "?")


def resolve(ctx):
    """What cannot be done ("We can't do that", "No."); traps: "no problem", "can't wait", "you can't miss it"."""
    return refusals(ctx) + list(ctx.cues["x-negative"])


def refusals(ctx):
    """Judge every negation, stock-out and limit in the reply; at most one span each."""
    triggers = ctx.words.negation_triggers
    if not triggers.intersection(ctx.view.lower):
        return []
    judge = _Judge(ctx)
    spans = []
    for i, low in enumerate(ctx.view.lower):
        if low in triggers:
            span = judge(i, low)
            if span is not None:
                spans.append(span)
    return spans


@dataclass(slots=True)
class _Negation:
    """One negation and its scope: the clause around it and the word it is about (its head)."""

    i: int
    low: str
    s0: int  # the sentence
    s1: int
    cstart: int  # the clause
    cend: int
    head_i: int | None
    head_low: str
    head_lemma: str
    words_after: set


class _Judge:
    """Judges the negations of one reply; built once per reply, called per trigger word."""

    def __init__(self, ctx):
        self.doc, self.lw, self.bounds = ctx.doc, ctx.view.lower, ctx.view.bounds
        self.n = len(self.lw)
        self.words = ctx.words
        self.lemmas = ctx.lemmas or {}
        self.view = ctx.view
        self.is_punct = ctx.view.flags("is_punct")
        self.way_forward = bool(set(ctx.found) & {"solution", "next_steps", "hold_or_transfer"})

    def __call__(self, i, low):
        s0, s1 = self.bounds[i]
        if low in _STOCK_OUT:
            return self.stock_out(i, low, s0, s1)
        if low in ("all", "can"):
            return self.limit(i, low, s0, s1)
        if low == "only":
            return self.only(i, s0, s1)
        if asks(self.view, s0, s1):
            return None  # "Can't you log in?" asks
        if {"if", "unless", "whether", "when", "until", "once", "even"}.intersection(self.lw[max(s0, i - 12):i]):
            return None  # "if we can't fix it, ..." is a condition
        neg = self.scope(i, low, s0, s1)
        if neg is None:
            return None
        if low == "no":
            return self.no(neg)
        return self.negated_subject(neg)

    def stock_out(self, i, low, s0, s1):
        """Stock-outs without a way forward: "it's sold out", "fully booked", "discontinued"."""
        lw = self.lw
        if self.way_forward or {"but", "however", "instead", "alternatively", "meanwhile"}.intersection(lw[s0:s1]):
            return None
        window = set(lw[max(0, i - 2):i + 2])
        if (low == "stock" and "out" in window) or (low == "sold" and "out" in window) \
                or (low == "booked" and window & {"fully", "completely"}) or low in ("discontinued", "unavailable"):
            return self.doc[max(0, i - 2):i + 1]
        return None

    def limit(self, i, low, s0, s1):
        """"all we can do is ...", "X can only ...": limits stated as the whole answer."""
        lw, n = self.lw, self.n
        limited = (low == "all" and lw[i + 1:i + 3] in (["we", "can"], ["i", "can"])) or (
            low == "can" and i + 1 < n and lw[i + 1] == "only" and i > 0 and lw[i - 1] != "you"
            and (i + 2 >= n or lw[i + 2] not in ("imagine", "apologise", "apologize")))
        if limited and not {"but", "however", "instead", "join", "waitlist", "alternatively"}.intersection(lw[i:s1]):
            return self.doc[max(s0, i - 2):min(s1, i + 4)]
        return None

    def only(self, i, s0, s1):
        """"we only reply to claims sent through the form", "phone support is only for admins"."""
        lw, n, doc = self.lw, self.n, self.doc
        rest = set(lw[i:s1])
        if i > 0 and lw[i - 1] in ("we", "i") and i + 1 < n and doc[i + 1].is_alpha:
            if not rest & {"but", "however", "instead", "alternatively", "can", "happy"}:
                return doc[i - 1:i + 2]
        elif i > 1 and lw[i - 1] in ("is", "are", "'s", "'re", "be") and lw[i - 2] != "you" and i + 1 < n \
                and lw[i + 1] in ("for", "possible", "available", "valid", "offered", "open", "allowed", "accepted",
                                  "eligible"):
            if not rest & {"but", "however", "you", "join", "can", "instead"}:
                return doc[max(s0, i - 3):min(s1, i + 3)]
        return None

    def clause(self, i, s0, s1):
        """The clause around token i: between commas, colons, dashes, "but" and the sentence's ends."""
        lw = self.lw
        a = i
        while a > s0 and lw[a - 1] not in _CLAUSE_BREAKS:
            a -= 1
        b = i + 1
        while b < s1 and lw[b] not in _CLAUSE_ENDS:
            b += 1
        return a, b

    def scope(self, i, low, s0, s1):
        """The negation's clause and head; None when the head makes it good news or no refusal at all."""
        lw, w = self.lw, self.words
        cstart, cend = self.clause(i, s0, s1)
        if low in ("not", "n't", "nt") and i > 0 and lw[i - 1] == "do" and (
                i - 1 == s0 or lw[i - 2] in ("please", ",", "and", "just", "so", "then", "but", "now")):
            return None  # an instruction ("please do not reply to that e-mail"), not a refusal
        fillers, is_punct = w.negation_fillers, self.is_punct
        head_i = next((k for k in range(i + 1, cend) if lw[k] not in fillers and not is_punct[k]), None)
        head_low = lw[head_i] if head_i is not None else ""
        head_lemma = self.lemmas.get(head_low, head_low)
        if head_low in w.favourable_negated or head_lemma in w.favourable_negated:
            return None  # "no problem", "don't worry", "won't need to pay"
        if head_low in w.not_a_refusal or head_lemma in w.not_a_refusal:
            return None  # "I don't think", "not only"
        after = lw[i + 1:cend]
        words_after = set(after)
        if words_after & {"enough", "wait", "happier", "agree", "more"} and low in ("n't", "not", "nt", "cannot"):
            if {"enough", "happier", "wait"}.intersection(after[:4]) or "more" in after[-2:]:
                return None  # "can't thank you enough", "couldn't agree more"
        return _Negation(i, low, s0, s1, cstart, cend, head_i, head_low, head_lemma, words_after)

    def no(self, neg):
        """"No." as an answer, "no refunds", "there's no way"; not "no problem", "no need", "no charge"."""
        i, n, lw, doc = neg.i, self.n, self.lw, self.doc
        nxt = lw[i + 1] if i + 1 < n else None
        if nxt is None or self.is_punct[i + 1]:
            if (i == neg.s0 or self.is_punct[i - 1]) and (nxt is None or nxt in (".", "!")):
                return doc[i:min(i + 2, n)]
            return None
        if neg.head_low in self.words.no_heads:
            if neg.head_low == "longer" and not neg.words_after & {"sell", "offer", "stock", "available", "supported",
                                                                   "carry", "make", "provide", "do"}:
                return None
            if neg.head_low == "one" and "can" not in neg.words_after:
                return None
            return doc[i:neg.head_i + 1]
        return None

    def subject(self, neg):
        """Who is negated: (index, word) of the subject before the negation; "" when there is none."""
        lw, i, low = self.lw, neg.i, neg.low
        j = i - 2 if low not in ("never", "unable", "impossible", "cannot") else i - 1
        if low in ("unable", "impossible") and j >= 0 and lw[j] in ("be", "is", "are", "'m", "'re", "am", "'s", "was"):
            j -= 1
        while j >= neg.cstart and lw[j] in self.words.subject_adverbs:
            j -= 1
        subj = lw[j] if j >= neg.cstart else ""
        if subj in ("the", "a", "an", "our", "your", "their", "my", "this", "that") and j + 1 < i:
            subj = lw[j + 1]  # "the company", "our team"
        return j, subj

    def negated_subject(self, neg):
        """A negation judged by who is negated: "we can't", "it's impossible", "installation isn't included"."""
        doc, i, cstart, head_i = self.doc, neg.i, neg.cstart, neg.head_i
        j, subj = self.subject(neg)
        if subj not in self.words.known_subjects:
            # a noun subject ("installation isn't included", "the set won't make it"): only unavailability counts
            if head_i is not None and self._unavailable(neg) and subj not in ("reboots", "update", "shouting"):
                return doc[max(cstart, j):head_i + 1]
            return None
        if subj in ("who", "which", "he", "she", "they"):
            return None
        if neg.low == "unable":
            if subj in ("i", "we", "team", "company", "department", "staff", "they") or not subj:
                return doc[max(cstart, i - 2):min(neg.cend, i + 3)]
            return None
        if neg.low == "impossible":
            return doc[max(cstart, i - 2):i + 1] if subj in ("it", "that", "this", "", "i", "we") else None
        if neg.low == "never":
            if subj in ("we", "i", "company", "store", "shop", "team") and head_i is not None \
                    and neg.head_low not in ("happen", "hesitate", "ask", "share", "sell", "store", "request", "send",
                                             "charge"):
                return doc[max(cstart, i - 2):head_i + 1]
            return None
        return self.negated_verb(neg, j, subj)

    def _unavailable(self, neg):
        return neg.head_low in self.words.unavailable_heads or neg.head_lemma in self.words.unavailable_heads

    def negated_verb(self, neg, j, subj):
        """n't / not / nt / cannot after an auxiliary: "we can't", "that isn't possible", "you can't return it"."""
        doc, lw, i, cstart, head_i, head_low = self.doc, self.lw, neg.i, neg.cstart, neg.head_i, neg.head_low
        aux = lw[i - 1] if i > 0 else ""
        if aux not in self.words.refusal_auxiliaries and neg.low != "cannot" \
                and aux not in ("really", "currently", "just", "actually", "still", "also"):
            return None  # "we didn't ..." tells the past, it refuses nothing
        if head_i is None:
            if subj in ("i", "we", "company", "team", "they") \
                    and aux in ("ca", "can", "could", "wo", "will", "do", "does"):
                return doc[max(cstart, i - 2):neg.cend]  # "we can't do that"
            return None
        if subj in ("it", "that", "this", "there", "policy", "system"):
            if self._unavailable(neg) or head_low == "something" \
                    or (head_low in ("how", "what") and neg.words_after & {"work", "do", "offer", "sell"}) \
                    or (head_low == "in" and "stock" in neg.words_after):
                return doc[max(cstart, i - 2):head_i + 1]
            return None
        if subj == "you":
            if j > neg.s0 and lw[j - 1] in self.words.relative_heads:
                return None  # "the account you can't access" describes the problem, it refuses nothing
            if (aux in ("ca", "can", "could", "may", "might", "must")
                    and head_low not in ("miss", "go", "beat", "lose", "fail")) \
                    or head_low in ("allowed", "permitted", "eligible", "entitled"):
                return doc[max(cstart, i - 2):head_i + 1]
            return None
        if aux in ("is", "'s") and subj not in ("company", "team", "store", "shop", "department"):
            return None
        return doc[max(cstart, i - 2):head_i + 1]
