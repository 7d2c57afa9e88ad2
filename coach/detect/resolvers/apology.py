"""apology: the reply apologises or expresses regret."""

from coach.detect.context import near, next_lower, words_before
from coach.detect.resolvers import only_with_cues


@only_with_cues("apology")
def resolve(ctx):
    """Apologises ("Sorry to hear that"); traps: "no need to apologise", "sorry?", a "sorry" taking a promise back."""
    takebacks = ctx.cues["x-takeback"]
    spans = []
    for span in ctx.cues["apology"]:
        if near(span, takebacks, after=8):
            continue  # a correction, not an apology
        if words_before(span, 3) & {"not", "n't", "no", "need"} or next_lower(span) == "?":
            continue  # "no need to apologise", "I'm not sorry", "sorry?"
        spans.append(span)
    return spans
