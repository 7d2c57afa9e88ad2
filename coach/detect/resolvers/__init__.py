"""One resolver per behaviour tag: resolve(ctx) -> the spans that show the tag, judged in context.

A resolver reads the cues of its tag (and auxiliary x-... cues) from ctx.cues, weighs the words around
them and may look at the tags found before it (ctx.found); detector.RESOLVERS fixes the order. One that
judges nothing but its own cues is marked @only_with_cues(...) and skipped when none matched. Helpers
that several resolvers share live in coach/detect/context.py.
"""


def only_with_cues(*labels):
    """Mark a resolver that finds nothing unless one of these cue labels matched, so the detector can skip
    it for the many replies without them (a resolver call costs about a microsecond even when idle)."""

    def mark(resolve):
        resolve.cue_labels = frozenset(labels)
        return resolve

    return mark
