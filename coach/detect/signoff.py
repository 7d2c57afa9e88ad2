"""A sign-off that names a person or nobody ("Mvh Lina", "Vänliga hälsningar", "Kind regards") is not
self-identification: behaviors.md counts a signature that names the team or company, not a bare name or initials.
The learned model cannot tell "Mvh Lina" from "Mvh Receptionen" by its words, so a self-identification it adds on
such a sentence is taken back, by word lists of the language (words.yml): `signoff_words` and `first_names`."""

from __future__ import annotations

from spacy.tokens import Span


def names_a_person_only(span: Span, lists: dict) -> bool:
    """Whether `span` is a sign-off followed by nothing, or by a first name and at most one more capitalised word
    ("Hälsningar Elin", "Med vänlig hälsning Ingrid Sjöberg", "Mvh"). Without the language's sign-off words, never."""
    signoff = lists.get("signoff_words")
    if not signoff:
        return False
    words = [t for t in span if not (t.is_punct or t.is_space)]
    k = 0
    while k < len(words) and words[k].lower_ in signoff:
        k += 1
    if k == 0:
        return False  # not a sign-off
    rest = words[k:]
    if not rest:
        return True  # a bare sign-off names nobody
    first_names = lists.get("first_names", frozenset())
    return rest[0].lower_ in first_names and len(rest) <= 2 and all(t.is_alpha and t.is_title for t in rest[1:])


def drop_personal_signoff(found: dict, added, lists: dict) -> None:
    """Take back a self-identification the model added where each of its spans is a sign-off naming a person only."""
    spans = found.get("self_identification")
    if "self_identification" in added and spans and all(names_a_person_only(s, lists) for s in spans):
        del found["self_identification"]
