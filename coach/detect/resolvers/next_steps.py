"""next_steps: the reply says what will happen next, who does it, or when."""

from coach.detect.context import has_future, next_lower


def resolve(ctx):
    """What happens next ("You'll get an email within 24 hours"); traps: "look forward", "in 3 days" with no future."""
    spans = [span for span in ctx.cues["next_steps"] if not _not_a_next_step(ctx, span)]
    return spans + [span for span in scheduled_future(ctx) if not _looks_after_you(span.doc[span.start:span.end + 2])]


def _not_a_next_step(ctx, span):
    first, last = span[0].lower_, span[-1].lower_
    if last == "look" and next_lower(span) in ("out", "forward"):
        return True  # "we look forward to", "look out for"
    if _looks_after_you(span.doc[span.start:span.end + 2]):
        return True  # "I'll be looking after you today" offers help; it plans nothing
    if last in ("be", "is", "are", "been") and not has_time(span.sent, ctx.words.time_words):
        return True  # "someone will be ..." with no time says nothing concrete
    if first in ("within", "in", "takes", "take", "allow") and not has_future(span.sent):
        return True  # "it was delivered in 3 days" looks back
    return first == "once" and not has_future(span.sent)


def _looks_after_you(span):
    words = [t.lower_ for t in span]
    return any(words[k:k + 3] in (["look", "after", "you"], ["looking", "after", "you"]) for k in range(len(words)))


def has_time(sent, time_words):
    return any(t.lower_ in time_words or t.like_num for t in sent)


def scheduled_future(ctx):
    """'The blue one goes out today', 'it'll arrive by the 22nd', 'we expect service back by 18:00':
    what happens next, with a time."""
    doc, view, w = ctx.doc, ctx.view, ctx.words
    time_words, durations, time_prepositions = w.time_words, w.duration_words, w.time_prepositions
    future, scheduled = w.future_markers, w.scheduled_verbs
    out = []
    for s0, s1 in view.sents:
        words = view.lower[s0:s1]
        if words and words[-1] == "?" or any(x in ("if", "unless") for x in words[:3]):
            continue
        marker = next((k for k, x in enumerate(words) if x in future or x in scheduled), None)
        if marker is None:
            continue
        for k in range(marker + 1, len(words)):
            x = words[k]
            # a day or a moment ("today", "by the 22nd"); "days" alone is a length, not a time
            timed = x in time_words and x not in durations \
                or (x in time_prepositions and k + 1 < len(words) and (
                    view.flag("like_num", s0 + k + 1) or words[k + 1] in time_words
                    or words[k + 1] in ("the", "next", "end")))
            if timed:
                out.append(doc[s0 + marker:s0 + k + 1])
                break
    return out
