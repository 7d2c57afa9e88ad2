"""check_resolution: the reply checks understanding, satisfaction or whether anything else is needed.

Runs after hold_or_transfer: "if you need help, call 0800 ..." hands over rather than checks.
"""

from coach.detect.context import covered
from coach.detect.resolvers import only_with_cues


@only_with_cues("check_resolution")
def resolve(ctx):
    """Checks the fix worked ("Does that help?"); traps: "if ..., call our team", "if ..., send us your number"."""
    spans = []
    for span in ctx.cues["check_resolution"]:
        if span[0].lower_ in ("if", "should") and (
                covered(span.sent, ctx.found, ("hold_or_transfer",)) or asks_for_details(span.sent, ctx.words)):
            continue
        spans.append(span)
    return spans


def asks_for_details(sent, words):
    """Does the sentence ask for an account number, an e-mail address, a reference ...?"""
    detail = words.detail_words
    lw = [t.lower_ for t in sent]
    return any(w in ("your", "the") and nxt in detail for w, nxt in zip(lw, lw[1:], strict=False)) or any(
        w in detail and i > 0 and lw[i - 1] in ("account", "phone", "order", "service", "email")
        for i, w in enumerate(lw)
    )


def conditional_detail_requests(ctx):
    """Starts of the sentences where "if you need help, send us your account number" asks for details:
    not a check of resolution, and information_request keeps its request."""
    return {span.sent.start for span in ctx.cues["check_resolution"]
            if span[0].lower_ in ("if", "should") and not covered(span.sent, ctx.found, ("hold_or_transfer",))
            and asks_for_details(span.sent, ctx.words)}
