"""Every tag at once, for a language without resolvers of its own (language.yml `resolvers: cues`).

A tag is found where one of its cue phrases matched, unless the match lies in a wording that takes the tag back
(a cue labelled x-not-<tag>: "не за что" holds "за что" and thanks nobody); jargon is also any word of the
language's and the standards pack's jargon lists. Context (who is blamed, whether a "no" refuses) is left to the
learned model, which reads these findings as features beside the reply's lemmas.
"""

from coach.behaviors import TAGS
from coach.detect.context import overlaps


def resolve_all(ctx):
    """Fill ctx.found from the cues, in TAGS order."""
    cues = ctx.cues
    for tag in TAGS:
        spans = list(cues.get(tag, ()))
        if tag == "jargon":
            spans += [ctx.doc[i:i + 1] for i, low in enumerate(ctx.view.lower) if low in ctx.jargon]
        if not spans:
            continue
        back = cues.get(f"x-not-{tag}", ())
        kept = [s for s in spans if not any(overlaps(s, b) for b in back)]
        if kept:
            ctx.found[tag] = kept
