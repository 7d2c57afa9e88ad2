"""self_identification: the reply names the staff member, their team or the company."""

from coach.detect.resolvers import only_with_cues


@only_with_cues("x-name-here", "self_identification")
def resolve(ctx):
    """Names the speaker, team or company ("This is Anna"); traps: "Sorry here", mid-sentence "this is our policy"."""
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
    return spans
