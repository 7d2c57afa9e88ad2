"""solution: the reply proposes, gives or commits to a concrete fix, workaround or alternative.

Runs after hold_or_transfer and information_request (a link that supports a question or a hand-off is
not a fix), and once more after negative_phrasing, for the way out that follows a refusal.
"""

from coach.detect.context import covered, next_lower


def resolve(ctx):
    """A fix ("I'll send a replacement", "Try restarting"); traps: "we'll get back to you", "sent to our team"."""
    spans = list(ctx.cues["x-solution"])
    spans += [span for span in ctx.cues["solution"] if not _not_a_fix(ctx, span)]
    return spans + helpful_links(ctx)


def _not_a_fix(ctx, span):
    """The cue names a next step, a hand-over, a purpose or a condition rather than a fix."""
    doc = ctx.doc
    first, last, nxt = span[0].lower_, span[-1].lower_, next_lower(span)
    after = [t.lower_ for t in doc[span.end:span.end + 3]]
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    if first in ("please", "simply", "just", "kindly") and last in ("contact", "call"):
        return True  # "please contact us" asks or hands over
    if last == "get" and nxt in ("back", "in", "touch", "to", "you"):
        return True  # "we'll get back to you" is a next step, not a fix
    if last in ("give", "book", "booked", "arrange") and ("call" in after or "callback" in after or "ring" in after):
        return True  # "I'll give you a call" is a next step
    if last in ("see", "pick", "suggest", "keep") and nxt in ("you", "up", "how", "checking", "chasing"):
        return True  # "we'll keep checking", "I'll see how"
    if before in ("until", "once", "when", "if", "before") or (
            before == "so" and len(span) > 1 and span[1].lower_ in ("can", "could", "may")):
        return True  # "so I can match it up", "until it's fixed": a purpose or a condition
    if last in ("send", "sent", "pass", "passed", "give", "forward", "get") \
            and any(t.lower_ in ctx.words.team_nouns for t in doc[span.end:span.end + 6]):
        return True  # "I've sent it to our credit team" hands over
    if first == "just" and last == "give":
        return True
    if last in ("hold",) and nxt in ("on", "the"):
        return True  # "hold on", "hold the line"
    committed = first in ("i", "we", "shall", "should", "would", "do")
    return not committed and covered(span.sent, ctx.found, ("hold_or_transfer",))  # "head here and select chat"


def helpful_links(ctx):
    """A link or e-mail address that helps ("the steps are here: <url>"), not one that says where to write to us."""
    doc, view = ctx.doc, ctx.view
    spans = []
    for tok in (doc[i] for i, text in enumerate(view.text) if "." in text or "@" in text and len(text) > 3):
        if tok.like_url or tok.like_email and tok.i > 0 and doc[tok.i - 1].lower_ in ("to", "at"):
            if not _link_is_a_request(ctx, tok):
                spans.append(doc[tok.i:tok.i + 1])
    return spans


def _link_is_a_request(ctx, tok):
    doc = ctx.doc
    sent = tok.sent
    words = {t.lower_ for t in sent}
    if tok.like_email and not (words & {"forward", "report"}):
        return True
    if words & ctx.words.contact_verbs and not (words & ctx.words.help_content_words):
        return True  # "send us an email at <url>": a request or a hand-off, not a fix
    if covered(sent, ctx.found, ("information_request", "hold_or_transfer")):
        return True  # a link that supports a question or a hand-off
    if sent.start > 0 and len([t for t in sent if not t.is_punct]) <= 2:
        prev = doc[sent.start - 1].sent  # a link on its own after such a sentence
        if covered(prev, ctx.found, ("information_request", "hold_or_transfer")):
            return True
    return False


def alternatives_after_refusals(ctx):
    """"We don't deliver on Sundays, but Saturday morning is free": the way out after a refusal is a solution."""
    spans = []
    for refusal in ctx.found.get("negative_phrasing", []):
        alternative = offered_alternative(ctx, refusal)
        if alternative is not None:
            spans.append(ctx.doc[alternative[0]:alternative[1]])
    return spans


def offered_alternative(ctx, span):
    """After a refusal, the clause that offers another way: (start, end) token range, or None."""
    s0, s1 = ctx.view.bounds[span.start]
    lw = ctx.view.lower
    openers, regrets = ctx.words.alternative_openers, ctx.words.regret_words
    for k in range(span.end, s1):
        if lw[k] in openers:
            words = [w for w in lw[k + 1:s1] if w.isalpha()]
            if len(words) >= 3 and not regrets.intersection(words[:2]) and "not" not in words \
                    and "n't" not in lw[k + 1:s1]:
                return k + 1, s1
            return None
    return None
