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
    signed = signature(doc, ctx.words, ctx.view)
    return spans + ([signed] if signed is not None else [])


def signature(doc, words, view, longest=10):
    """The sign-off at the end of a reply when it names a team or a company: "Kind regards,\nGreen Valley
    Energy Customer Care", "Sam, Oakline Furniture", "Best wishes, Priya at Harbour Insurance Claims".
    Read on the View's token lists (a reply's last words are looked at one by one)."""
    text, lower = view.text, view.lower
    end = len(text)
    while end > 0 and (text[end - 1].isspace() or text[end - 1] in (".", "!")):
        end -= 1
    start = end
    while start > 0 and end - start <= longest:
        t = text[start - 1]
        if t.isspace() and "\n" in t or t in (".", "!", "?", ":", ";", ")") or "\n" in view.trailing(start - 1):
            break
        start -= 1
    if start == 0 or end - start > longest:
        return None  # the whole reply, or a sentence rather than a sign-off
    while start < end and (lower[start] in words.signoff_words or text[start] in SIGNATURE_MARKS):
        start += 1
    toks = [k for k in range(start, end) if not text[k].isspace()]
    if not toks or not view.flag("is_title", toks[0]) or text[toks[0]] in words.name_stop_words or any(
            lower[k] not in CONNECTORS and lower[k] != "team" and not text[k][:1].isupper() for k in toks):
        return None  # "Happy Birthday, Mum", "Ask at customer service", or other words of a sentence
    names = [k for k in toks if lower[k] not in CONNECTORS]
    if all(lower[k] == "team" for k in names):
        return None  # "The Team" names nobody
    team = any(lower[k] in words.signature_team_words for k in names)
    # "Sam, Oakline Furniture": a name, then the company after a comma, "at" or "from"
    split = next((j for j, k in enumerate(toks) if j > 0 and lower[k] in (",", "at", "from", "|", "-")), None)
    company = split is not None and any(lower[k] not in CONNECTORS for k in toks[split + 1:])
    return doc[start:end] if team or company else None
