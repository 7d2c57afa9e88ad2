"""dismissive: the reply brushes the customer off, minimises the problem or passes the buck.

Runs after solution, hold_or_transfer and next_steps: "please wait a few more days" and "not us" are dismissive
only with nothing done.
"""

from coach.detect.context import next_lower
from coach.detect.markup import straighten_quotes
from coach.detect.resolvers import only_with_cues


@only_with_cues("x-wait", "dismissive")
def resolve(ctx):
    """Brushes off ("Calm down", "wait a bit longer" to a customer already late); trap: "that happens when ..."."""
    spans = []
    if ctx.customer and waited_long(ctx.customer, ctx.words.waited_long_cues) \
            and not (set(ctx.found) & {"solution", "hold_or_transfer"}):
        spans += ctx.cues["x-wait"]  # more waiting, with nothing done, for a customer who has waited long
    for span in ctx.cues["dismissive"]:
        if span[0].lower_ in ("that", "it") and span[-1].lower_ == "happens" \
                and next_lower(span) not in (".", "!", ",", ""):
            continue  # "that happens when the card expires" explains; "That happens." shrugs
        if _not_us(span) and set(ctx.found) & {"solution", "hold_or_transfer", "next_steps"}:
            continue  # "Deliveries handle dates, not us, but I'll get you to them myself" passes no buck
        spans.append(span)
    return spans


def waited_long(customer, cues):
    """Does the customer say they have already waited long ("still hasn't arrived", "two weeks ago")?"""
    text = straighten_quotes(customer.lower())
    return any(cue in text for cue in cues)


def _not_us(span):
    """"not us", "not me": whose job it is, which is a brush-off only when nothing is done about it."""
    words = [t.lower_ for t in span if not t.is_punct]
    return len(words) == 2 and words[0] in ("not", "n't") and words[1] in ("us", "me", "ours")
