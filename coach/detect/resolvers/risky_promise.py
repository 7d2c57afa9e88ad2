"""risky_promise: the reply gives an absolute promise or guarantee the staff member cannot be sure of."""

from coach.detect.context import has_future, in_question, is_conditional, near, next_lower, overlaps
from coach.detect.resolvers import only_with_cues


@only_with_cues("risky_promise")
def resolve(ctx):
    """An absolute promise ("I guarantee it'll arrive"); traps: "I can't promise", taken back, "I'll pass it on"."""
    takebacks = ctx.cues["x-takeback"]
    softeners = ctx.cues["x-promise-not"]
    spans = []
    for span in ctx.cues["risky_promise"]:
        if any(overlaps(span, n) or (n.end <= span.start and span.start - n.end <= 2) for n in softeners):
            continue  # "I can't promise it will definitely ..."
        if near(span, takebacks, after=10):
            continue  # "I promise - sorry, let me put that better"
        if in_question(span) or is_conditional(span):
            continue
        if _not_risky(ctx, span):
            continue
        spans.append(span)
    return spans


def _not_risky(ctx, span):
    doc = ctx.doc
    if span[-1].lower_ in ("assured",) and not has_future(span.sent):
        return True  # "rest assured, your details are safe" is about now
    # "I'll definitely pass that on": in the speaker's own hands, not a risky promise
    return span.start > 0 and doc[span.start - 1].lower_ in ("i", "we") and span[0].lower_ in ("will", "'ll") \
        and next_lower(span) in ctx.words.own_actions
