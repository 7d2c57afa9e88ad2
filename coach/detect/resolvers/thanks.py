"""thanks: the reply thanks the customer."""

from coach.detect.context import next_lower, overlaps
from coach.detect.resolvers import only_with_cues


@only_with_cues("thanks")
def resolve(ctx):
    """Thanks the customer ("Thanks for waiting"); traps: "thanks to the update", "no thanks", "appreciate how hard"."""
    not_thanks = ctx.cues["x-thanks-not"]
    spans = []
    for span in ctx.cues["thanks"]:
        if any(overlaps(span, n) for n in not_thanks):
            continue
        if span[-1].lower_ == "appreciate" and next_lower(span) in ("how", "that"):
            continue
        spans.append(span)
    return spans
