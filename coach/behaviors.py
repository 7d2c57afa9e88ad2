"""The behaviour tags of shared/design/behaviors.md: the product's stable vocabulary."""

GOOD_PRACTICE = (
    "greeting",
    "self_identification",
    "offer_help",
    "empathy",
    "apology",
    "thanks",
    "information_request",
    "solution",
    "next_steps",
    "check_resolution",
    "closing",
    "hold_or_transfer",
)

POOR_PRACTICE = (
    "negative_phrasing",
    "blame",
    "dismissive",
    "risky_promise",
    "rude",
    "jargon",
)

TAGS = GOOD_PRACTICE + POOR_PRACTICE
TAG_SET = frozenset(TAGS)


def check_tags(tags, where="tags"):
    """Raise ValueError naming the unknown tags, so a typo in data or a rule file is caught early."""
    unknown = sorted(set(tags) - TAG_SET)
    if unknown:
        raise ValueError(
            f"{where}: unknown behaviour tag(s) {', '.join(unknown)}; "
            f"expected any of: {', '.join(TAGS)}"
        )
