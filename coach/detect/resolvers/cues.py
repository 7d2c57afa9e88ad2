"""Every tag at once, for a language without resolvers of its own (language.yml `resolvers: cues`).

A tag is found where one of its cue phrases matched, unless the match lies in a wording that takes the tag back
(a cue labelled x-not-<tag>: "не за что" holds "за что" and thanks nobody); jargon is also any word of the
language's and the standards pack's jargon lists, and any abbreviation in capitals ("PIR", "ДС", "CRC") that is
not one everybody knows (words.yml: common_acronyms); rude is also a dictionary word written in capitals.
Context (who is blamed, whether a "no" refuses) is left to the learned model, which reads these findings as
features beside the reply's words.
"""

from coach.behaviors import TAGS
from coach.detect.context import overlaps
from coach.detect.morph import dictionary_word, matches_on_lemmas


def resolve_all(ctx):
    """Fill ctx.found from the cues, in TAGS order."""
    cues = ctx.cues
    capitals = _capitals(ctx)
    for tag in TAGS:
        spans = list(cues.get(tag, ()))
        if tag == "jargon":
            spans += [ctx.doc[i:i + 1] for i, low in enumerate(ctx.view.lower) if low in ctx.jargon]
            spans += capitals["abbreviation"]
        elif tag == "rude":
            spans += capitals["shouted"]
        if not spans:
            continue
        back = cues.get(f"x-not-{tag}", ())
        kept = [s for s in spans if not any(overlaps(s, b) for b in back)]
        if kept:
            ctx.found[tag] = kept


def _capitals(ctx):
    """Words in capitals: a word of the language's dictionary (four letters or more, or a common word) is shouted
    ("Как я УЖЕ писала"); anything else of 2-6 characters, letters first, is an abbreviation ("PIR", "ДС", "CN23")
    unless everybody knows it ("СМС"). A common word of the language is a word, whether or not the dictionary has it
    (pymorphy3's Ukrainian one lacks «вже», «ще», «теж»: «Я ВАМ ВЖЕ ПОЯСНЮВАЛА» shouts, it names no abbreviation).
    The dictionary is the lemmatiser's (pymorphy3's, simplemma's); without one (a language lemmatised by lookup) only
    the abbreviations are told."""
    in_dictionary = dictionary_word(ctx.lexicon.code) if matches_on_lemmas(ctx.lexicon) else None
    common = ctx.words.common_words

    def is_word(word):
        return in_dictionary is not None and (word in common or in_dictionary(word))

    out = {"shouted": [], "abbreviation": []}
    known = ctx.words.common_acronyms
    for i, word in enumerate(ctx.view.text):
        text = _compound_head(word)  # «AVV-kod», «KYC:n»: the head of a compound is an abbreviation or nothing
        if not (text.isupper() and text.isalnum() and text[0].isalpha()) or len(text) < 2:
            continue
        low = text.lower()
        if text == word and (len(text) >= 4 or low in ctx.words.common_words) and is_word(low) and low not in known:
            out["shouted"].append(ctx.doc[i:i + 1])
        elif len(text) <= 6 and low not in known and not is_word(low):
            out["abbreviation"].append(ctx.doc[i:i + 1])
    return out


def _compound_head(word):
    """The part of a word before its first hyphen or colon when the rest is a lower-case ending or word («AVV-kod»,
    «UC-poängen», «KYC:n» give AVV, UC, KYC); otherwise the word itself («COVID-19», «A-B»)."""
    for k, ch in enumerate(word):
        if ch in "-:":
            head, rest = word[:k], word[k + 1:]
            return head if head and rest and rest.isalpha() and rest.islower() else word
    return word
