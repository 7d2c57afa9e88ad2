"""closing: the reply closes warmly or wishes the customer well."""

from coach.detect.resolvers import only_with_cues


@only_with_cues("closing")
def resolve(ctx):
    """Closes warmly ("Have a great day", "Hope this helps"); the phrases need no judgement of context."""
    return list(ctx.cues["closing"])
