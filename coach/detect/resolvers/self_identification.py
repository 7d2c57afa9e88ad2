"""self_identification: the reply names the staff member, their team or the company."""

CONNECTORS = frozenset({",", "at", "from", "of", "the", "and", "&", "-", "|", "/"})
SIGNATURE_MARKS = frozenset({"-", "--", "–", "—", "~", "^", ","})


def resolve(ctx):
    """Names the speaker, team or company ("This is Anna"), or signs off with the team or company ("Priya,
    Card Services Team"); traps: "Sorry here", mid-sentence "this is our policy", a bare "-Kim" or "^JD"."""
    doc = ctx.doc
    name_stop = ctx.words.name_stop_words
    spans = []
    for span in ctx.cues["x-name-here"]:  # "Sam here from Billing", "Anna speaking"
        if span.start > 0:
            name = doc[span.start - 1]
            if name.is_title and name.text not in name_stop and name.is_alpha:
                spans.append(doc[span.start - 1:span.end])
    for span in ctx.cues["self_identification"]:
        if span[0].lower_ == "this" and span.sent.start != span.start \
                and doc[span.start - 1].text not in (",", "-", "!", "."):
            continue  # "... and this is Amazon's policy" is not an introduction
        spans.append(span)
    signed = signature(doc, ctx.words)
    return spans + ([signed] if signed is not None else [])


def signature(doc, words, longest=10):
    """The sign-off at the end of a reply when it names a team or a company: "Kind regards,\nGreen Valley
    Energy Customer Care", "Sam, Oakline Furniture", "Best wishes, Priya at Harbour Insurance Claims"."""
    end = len(doc)
    while end > 0 and (doc[end - 1].is_space or doc[end - 1].text in (".", "!")):
        end -= 1
    start = end
    while start > 0 and end - start <= longest:
        t = doc[start - 1]
        if t.is_space and "\n" in t.text or t.text in (".", "!", "?", ":", ";", ")") or "\n" in t.whitespace_:
            break
        start -= 1
    if start == 0 or end - start > longest:
        return None  # the whole reply, or a sentence rather than a sign-off
    while start < end and (doc[start].lower_ in words.signoff_words or doc[start].text in SIGNATURE_MARKS):
        start += 1
    toks = [t for t in doc[start:end] if not t.is_space]
    team_words = words.signature_team_words
    if not toks or not toks[0].is_title or toks[0].text in words.name_stop_words or any(
            t.lower_ not in CONNECTORS and t.lower_ != "team" and not t.text[:1].isupper() for t in toks):
        return None  # "Happy Birthday, Mum", "Ask at customer service", or other words of a sentence
    names = [t for t in toks if t.lower_ not in CONNECTORS]
    if all(t.lower_ == "team" for t in names):
        return None  # "The Team" names nobody
    team = any(t.lower_ in team_words for t in names)
    # "Sam, Oakline Furniture": a name, then the company after a comma, "at" or "from"
    split = next((k for k, t in enumerate(toks) if k > 0 and t.lower_ in (",", "at", "from", "|", "-")), None)
    company = split is not None and any(t.lower_ not in CONNECTORS for t in toks[split + 1:])
    return doc[start:end] if team or company else None
