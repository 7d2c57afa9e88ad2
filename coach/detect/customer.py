"""Does a customer message complain? Complaint rules apply only to sessions where one does.

The complaint phrases are the brace templates of the language's customer.yml (lexicons/<code>/)."""

from __future__ import annotations

from spacy.matcher import PhraseMatcher

from coach.detect.lexicon import expand, load_lexicon
from coach.detect.markup import straighten_quotes
from coach.detect.patterns import inside


class ComplaintDetector:
    def __init__(self, nlp, language="en", reader=None):
        """reader: how the detector reads and matches its cues (detector.CueReader: a new phrase matcher, a phrase
        as its add() takes it, text -> Doc); whole lower-case words when absent."""
        self.nlp = nlp
        if reader is None:
            self.matcher, phrase, self.make = PhraseMatcher(nlp.vocab, attr="LOWER"), nlp.make_doc, nlp.make_doc
        else:
            self.matcher, phrase, self.make = reader.matcher(), reader.phrase, reader.make
        lexicon = load_lexicon(language)
        for label, templates in (("complaint", lexicon.complaints), ("not", lexicon.not_complaints)):
            phrases = [p for template in templates for p in expand(template)]
            if phrases:
                self.matcher.add(label, [phrase(p) for p in dict.fromkeys(phrases)])
        self._not = nlp.vocab.strings["not"]

    def is_complaint(self, text: str, doc=None) -> bool:
        """Whether the message complains. `doc`: the message as self.make makes it (quotes straightened), when
        the caller has made it already; the matcher only reads it."""
        if not text:
            return False
        if sum(1 for c in text if c.isupper()) > 12 and text.upper() == text:
            return True  # a customer shouting in capitals
        if doc is None:
            doc = self.make(straighten_quotes(text))
        matches = self.matcher(doc)
        taken_back = [(s, e) for m, s, e in matches if m == self._not]
        return any(m != self._not and not inside(s, e, taken_back) for m, s, e in matches)
