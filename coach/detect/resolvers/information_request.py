"""information_request: the reply asks the customer for information or to send or confirm details.

Runs after check_resolution, offer_help and hold_or_transfer: a question those explain asks for nothing.
"""

from coach.detect.context import asks, covered, is_conditional
from coach.detect.resolvers.check_resolution import conditional_detail_requests


def resolve(ctx):
    """Asks for details ("Could you send your order number?"); traps: "if they send us a tweet", offers ("Shall I?")."""
    return asking_phrases(ctx) + questions_to_customer(ctx)


def asking_phrases(ctx):
    """Asking phrases ("could you confirm", "please DM us"), unless a condition describes rather than asks."""
    doc = ctx.doc
    detail_requests = None  # computed when first needed
    spans = []
    for span in ctx.cues["information_request"]:
        sent = span.sent
        if is_conditional(span) and not any(t.lower_ in ("could", "would") for t in doc[sent.start:span.start]):
            continue  # "if they send us a tweet, ..." describes, it does not ask
        if covered(sent, ctx.found, ("check_resolution",)):
            if detail_requests is None:
                detail_requests = conditional_detail_requests(ctx)
            if sent.start not in detail_requests:
                continue  # "should you have other concerns, send us a message" invites, it does not ask
        spans.append(span)
    return spans


def questions_to_customer(ctx):
    """Questions that ask the customer something: they open like a question or speak to "you"."""
    doc, view = ctx.doc, ctx.view
    offers = {"offer": ctx.cues["x-question-offer"]}
    openers, lead_ins = ctx.words.question_openers, ctx.words.lead_in_words
    lower = view.lower
    spans = []
    for a, b in view.sents:
        if not asks(view, a, b):
            continue
        sent = doc[a:b]
        if covered(sent, ctx.found, ("check_resolution", "offer_help", "hold_or_transfer")) \
                or covered(sent, offers, ("offer",)):
            continue  # "Anything else?", "How can I help?", "Shall I send it?"
        # the first word that says what kind of sentence it is ("So, could you ..." -> could)
        first = next((k for k in range(a, b) if view.flag("is_alpha", k) and lower[k] not in lead_ins), None)
        if first is None:
            continue
        if lower[first] in openers or any(lower[k] in ("you", "your") for k in range(a, b)):
            spans.append(trim(sent))
    return spans


def trim(sent):
    """The sentence without trailing whitespace tokens."""
    doc = sent.doc
    end = sent.end
    while end > sent.start + 1 and doc[end - 1].is_space:
        end -= 1
    return doc[sent.start:end]
