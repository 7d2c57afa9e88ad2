"""rude: the reply is insulting, sarcastic, condescending, profane or shouting."""

from coach.detect.context import overlaps

_MAKES_SURE = frozenset({"make", "makes", "making", "made", "be", "am", "'m", "is", "are", "'re", "not", "n't", "so",
                         "pretty", "quite", "very", "just", "for"})


_FIRST_PERSON = frozenset({"i", "we", "me", "us", "'ll", "'m"})


def resolve(ctx):
    """Insults, shouting, a closing "obviously"; traps: abbreviations in capitals, "you should have read" (blame)."""
    doc = ctx.doc
    spans = []
    taken_back = ctx.cues["x-not-rude"]
    for span in ctx.cues["rude"]:
        if any(overlaps(span, t) for t in taken_back):
            continue  # "you can go away and think about it" gives the customer time
        if span[0].lower_ == "read" and span.start > 0 \
                and doc[span.start - 1].lower_ in ("have", "'ve", "you", "to", "'d", "had"):
            continue  # "you should have read the terms" blames; the bare order "Read the banner." is rude
        if span[0].lower_ == "sure" and span.start > 0 and doc[span.start - 1].lower_ in _MAKES_SURE:
            continue  # "Sure you did." is sarcasm; "I'll make sure you don't wait" is a promise
        before = {t.lower_ for t in doc[max(0, span.start - 3):span.start]}
        if span[0].lower_ in ("look", "google") and _FIRST_PERSON & before:
            continue  # "Look it up." sends the customer off; "while I look it up" is the staff member's own work
        spans.append(span)
    if ctx.shouting is not None:
        spans.append(ctx.shouting)
    last_word = next((t for t in reversed(doc) if not t.is_punct and not t.is_space), None)
    if last_word is not None and last_word.lower_ == "obviously":
        spans.append(doc[last_word.i:last_word.i + 1])  # "cuz it's better obviously"
    return spans
