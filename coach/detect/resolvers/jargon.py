"""jargon: the reply uses internal or technical terms or unexplained abbreviations the customer may not know.

Runs after rude: a sentence shouted in capitals is not a row of abbreviations.
"""


def resolve(ctx):
    """Internal terms ("WMS", "soft decline"); traps: explained "SLA (our reply time)", sign-offs "-JD", shouting."""
    doc, view, known, common = ctx.doc, ctx.view, ctx.jargon, ctx.words.common_acronyms
    spans = [span for span in ctx.cues["jargon"] if not explained(span[-1])]
    unknown = []
    for i, text in enumerate(view.text if ctx.shouting is None else ()):
        if len(text) < 2 or text.islower() or (text[0].isupper() and text[1:].islower()):
            continue  # most words: not an abbreviation
        tok = doc[i]
        if explained(tok) or is_signoff(tok):
            continue
        if text in known:
            spans.append(doc[i:i + 1])
        elif looks_like_abbreviation(tok) and text.upper() not in common:
            unknown.append(doc[i:i + 1])
    # one unknown abbreviation may be a product name; two, or one beside known jargon, are jargon
    if len({u.text for u in unknown}) >= 2 or (unknown and spans):
        spans += unknown
    return spans


def looks_like_abbreviation(tok):
    t = tok.text
    if len(t) < 2 or len(t) > 7 or tok.like_url or tok.like_email or not t[0].isalpha() or "-" in t:
        return False
    letters = [c for c in t if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return upper >= 2 and upper >= len(letters) - 1 and not tok.is_sent_start or (upper >= 3 and upper == len(letters))


def explained(tok):
    """Followed or preceded by a bracket: "SLA (our response time)", "(SLA)"."""
    doc = tok.doc
    return tok.i + 1 < len(doc) and doc[tok.i + 1].text == "(" or tok.i > 0 and doc[tok.i - 1].text == "("


def is_signoff(tok):
    """Initials after a sign-off mark at the end: "Thanks! -JD", "^KM"."""
    doc = tok.doc
    return tok.i > 0 and doc[tok.i - 1].text in ("^", "-", "~", "*", "/", "–", "—") and tok.i >= len(doc) - 2
