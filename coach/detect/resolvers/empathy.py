"""empathy: the reply acknowledges the customer's feelings or what the problem means for them."""

from coach.detect.context import next_lower, words_before


def resolve(ctx):
    """Acknowledges feelings ("I understand how frustrating"); traps: "make sure I understand", "if I understand"."""
    spans = [span for span in ctx.cues["empathy"] if not _checks_understanding(span)]
    return spans + evaluative_empathy(ctx)


def _checks_understanding(span):
    """"to make sure I understand", "if I understand you", "I understand?": checking the facts, not feelings."""
    if span[0].lower_ in ("i", "we") and span[-1].lower_ == "understand":
        return bool(words_before(span, 3) & {"sure", "to", "if", "make"}) or next_lower(span) in ("?",)
    return False


def evaluative_empathy(ctx):
    """'That's a rotten end to a journey', 'what a disappointing thing to find', 'a real loss for your shop':
    the staff member names how bad the situation is for the customer."""
    doc, view = ctx.doc, ctx.view
    evaluative, leads = ctx.words.evaluative_words, ctx.words.evaluative_leads
    out = []
    for s0, s1 in view.sents:
        words = view.lower[s0:s1]
        if any(w in ("i'm", "i") for w in words[:2]) and "sorry" not in words and "understand" not in words \
                and any(w in ("frustrated", "annoyed") for w in words):
            continue  # "I'm frustrated too" speaks of the staff member's feelings
        for k, w in enumerate(words):
            if w in evaluative and any(x in leads for x in words[max(0, k - 4):k]):
                if "not" in words[max(0, k - 3):k] or "no" in words[max(0, k - 2):k]:
                    continue  # "that's not a problem", "no hassle"
                start = next(j for j in range(max(0, k - 4), k + 1) if words[j] in leads)
                out.append(doc[s0 + start:s0 + k + 1])
                break
    return out
