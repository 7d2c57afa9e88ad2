"""rude: the reply is insulting, sarcastic, condescending, profane or shouting."""

from coach.detect.context import overlaps

_MAKES_SURE = frozenset({"make", "makes", "making", "made", "be", "am", "'m", "is", "are", "'re", "not", "n't", "so",
                         "pretty", "quite", "very", "just", "for"})


_FIRST_PERSON = frozenset({"i", "we", "me", "us", "'ll", "'m"})
CURT_WORDS = 12  # a reply this short is all tone: a mild wording in it is the reply's register
_FRIENDLY = ("apology", "empathy", "thanks", "offer_help", "solution", "next_steps")  # found before rude
_HARSH_CUES = ("dismissive", "blame", "x-blame-you-did")


def resolve(ctx):
    """Insults, shouting, mild wordings where the reply is not friendly (_mild_counts); traps: abbreviations in
    capitals, "you should have read" (blame)."""
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
    mild = _mild_spans(ctx)
    if mild and _mild_counts(ctx, spans):
        spans.extend(mild)
    return spans


def _mild_spans(ctx) -> list:
    """The mild wordings of a reply: x-rude-mild cues not taken back, and a closing "obviously"."""
    doc, taken_back = ctx.doc, ctx.cues["x-not-rude"]
    mild = [span for span in ctx.cues["x-rude-mild"] if not any(overlaps(span, t) for t in taken_back)]
    last_word = next((t for t in reversed(doc) if not t.is_punct and not t.is_space), None)
    if last_word is not None and last_word.lower_ == "obviously":
        mild.append(doc[last_word.i:last_word.i + 1])  # "cuz it's better obviously"
    return mild


def mild_only(ctx, spans) -> bool:
    """Whether every rude span found is a mild wording."""
    mild = {(s.start, s.end) for s in _mild_spans(ctx)}
    return bool(spans) and all((s.start, s.end) in mild for s in spans)


def after_model(ctx) -> None:
    """Once the learned model has added its tags: a rude finding made only of mild wordings is dropped when the
    reply, as the model read it, helps after all ("Ha, sizzle's out the front till two, mate. Chlorine's aisle
    forty-one": the rules found no help in it, the model found the answer) and nothing else in it is harsh."""
    spans = ctx.found.get("rude")
    if spans and mild_only(ctx, spans) and not _mild_counts(ctx, []):
        del ctx.found["rude"]


resolve.after_model = after_model  # the detector calls it once the learned model has added its tags


def _mild_counts(ctx, rude_spans) -> bool:
    """A mild wording (x-rude-mild) is rude in a curt reply, beside other rudeness or a blame or dismissive cue, or
    in a reply that does nothing friendly; in a reply that helps, apologises or thanks it is everyday talk."""
    words = sum(1 for t in ctx.doc if not t.is_punct and not t.is_space)
    return (words <= CURT_WORDS or bool(rude_spans) or any(ctx.cues[c] for c in _HARSH_CUES)
            or not any(ctx.found.get(t) for t in _FRIENDLY))
