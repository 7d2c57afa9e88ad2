"""blame: the reply puts the fault on the customer, a colleague, another department or a third party."""

from coach.detect.context import next_lower, overlaps


def resolve(ctx):
    """Puts the fault elsewhere ("You entered the wrong address"); traps: "we lost it", "that's why I refunded you"."""
    owned = ctx.cues["x-not-blame"]
    spans = []
    for span in ctx.cues["blame"] + ctx.cues["x-blame-you-did"]:
        if any(overlaps(span, o) for o in owned):
            continue  # "our mistake", "not your fault"
        if _explains_or_owns(ctx, span):
            continue
        spans.append(span)
    return spans + third_party_fault(ctx)


def _explains_or_owns(ctx, span):
    """The cue explains, reassures or owns the mistake instead of blaming."""
    first, last = span[0].lower_, span[-1].lower_
    if last == "why" and not blames_before(span, ctx.words):
        return True  # "that's why I've refunded you" explains; "you typed it wrong, that's why" blames
    if first == "because" and next_lower(span) not in ctx.words.customer_fault_verbs:
        return True
    if in_conditional_reassurance(span):
        return True
    subj = subject_before(span, ctx.words.doers)
    if first in ctx.words.damage_verbs and (subj is None or subj in ("we", "i", "you")):
        return True  # "we lost it" owns the mistake; only a third party's doing is blame
    if first in ("made", "makes") and (subj is None or subj in ("we", "i")):
        return True
    if (first in ("messed", "screwed", "mucked", "cocked", "dropped") or first == "blame") and subj in ("we", "i"):
        return True
    # "we should have told you" owns the mistake
    return subj in ("we", "i") and first not in ("you", "your", "if", "had", "the", "that", "well", "look", "but",
                                                 "and")


def subject_before(span, doers):
    """Who does it: the nearest doer in the three words before the span, or None."""
    doc = span.doc
    for j in range(span.start - 1, max(span.sent.start, span.start - 4) - 1, -1):
        if doc[j].lower_ in doers:
            return doc[j].lower_
    return None


def in_conditional_reassurance(span):
    """'Even if you entered the wrong address, we'll fix it' is not blame."""
    doc = span.doc
    window = doc[max(span.sent.start, span.start - 3):span.start]
    return any(t.lower_ in ("even", "whether", "doesn't", "matter", "happens") for t in window)


def blames_before(span, words):
    """Does the sentence before 'that's why' say someone did something wrong?"""
    doc = span.doc
    before = [t.lower_ for t in doc[span.sent.start:span.start]]
    return ("you" in before or "you've" in before or any(w in words.third_parties for w in before)) and (
        any(w in words.fault_words or w in ("didn't", "never", "wrong", "forgot", "weren't", "n't") for w in before)
        or "you" in before and any(w.endswith("ed") for w in before)
    )


def _fault_at(words, j, fault_words, duty_verbs):
    """Is words[j] a fault ("lost", "keeps forgetting", "didn't update")?"""
    v = words[j]
    if v in ("keeps", "keep"):
        return j + 1 < len(words) and words[j + 1].endswith("ing")
    if v in fault_words:
        return True
    return v in ("didn't", "never", "n't") and j + 1 < len(words) and words[j + 1] in duty_verbs


def third_party_fault(ctx):
    """'The courier left it out in the rain', 'my colleague didn't update your address', 'the warehouse
    picked it wrong': a third party (or a colleague) named as the cause. 'We' and 'I' own it instead."""
    doc, view, w = ctx.doc, ctx.view, ctx.words
    parties, fault_words, duty_verbs = w.third_parties, w.fault_words, w.duty_verbs
    out = []
    for s0, s1 in view.sents:
        words = view.lower[s0:s1]
        if any(x in ("if", "unless", "whether", "in case") for x in words):
            continue
        for k, party in enumerate(words):
            if party not in parties:
                continue
            if k > 0 and words[k - 1] in ("to", "with", "for", "from", "by", "at", "call", "ask", "contact"):
                continue  # the party is an object ("passed to the warehouse"), not the doer
            j = next((j for j in range(k + 1, min(len(words), k + 9))
                      if _fault_at(words, j, fault_words, duty_verbs)), None)
            if j is None:
                continue
            if not any(x in ("we", "i") for x in words[max(0, k - 2):k]):
                out.append(doc[s0 + k:s0 + j + 1])
    return out
