"""greeting: the reply greets the customer."""

from coach.detect.context import opens


def resolve(ctx):
    """Greets the customer ("Hi there", "Dear Mrs Berg"); trap: a greeting word inside a sentence ("say hello to")."""
    doc = ctx.doc
    spans = [span for span in ctx.cues["greeting"] if opens(span)]
    if doc and doc[0].lower_ == "dear" and len(doc) > 1 and doc[1].is_title:
        spans.append(doc[0:2])
    return spans
