"""offer_help: the reply offers help in general terms."""

from coach.detect.context import in_question_of
from coach.detect.resolvers import only_with_cues


@only_with_cues("offer_help")
def resolve(ctx):
    """Offers help in general ("How can I help?"); trap: "anything else I can help with?" checks resolution."""
    return [span for span in ctx.cues["offer_help"] if not in_question_of(span, ("anything", "else"))]
