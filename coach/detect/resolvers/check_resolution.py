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
        if span[-1].lower_ == "back" and not customer_comes_back(span, ctx.words):
            continue  # "the £200 will come back to your account", "I'll get back to you by Friday"
        spans.append(span)
    return spans


def customer_comes_back(span, words):
    """Whether "come back" (get, write, check back ...) is the customer's return: an imperative ("if it's still red,
    come back to us") or "you" ("when you come back"); not a thing's, a third party's or the staff member's ("the
    money will come back", "I'll get back to you", "if it doesn't come back up"), and not a visit ("you're welcome
    to come back and have it again")."""
    doc, start = span.doc, span.sent.start
    after = [t.lower_ for t in doc[span.end:span.end + 2]]
    if after[:1] in (["up"], ["on"]) or after[:1] in (["to"], ["into"]) and after[1:] in (["your"], ["the"]):
        return False  # "comes back up", "come back on their own", "back to your account"
    k, helped = span.start - 1, False
    while k >= start and doc[k].lower_ in words.return_auxiliaries:
        k, helped = k - 1, True
    before = doc[k].lower_ if k >= start else ""
    if before == "you" or before == "" and not helped:
        return True
    if before == "to":
        return after[:2] in (["to", "us"], ["to", "me"])  # "feel free to come back to us", not "welcome to come back"
    return not helped and before not in words.return_subjects


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
