"""Does a customer message complain? Complaint rules apply only to sessions where one does."""

from __future__ import annotations

from spacy.matcher import PhraseMatcher

from coach.detect.context import straighten_quotes
from coach.detect.phrases import expand

COMPLAINT_TEMPLATES = [
    "{late|delayed|delay|delays|overdue}",
    "{still|hasn't|has not|haven't|have not|never|didn't|did not|not} {arrived|come|received|got|turned up|showed up|here|delivered}",
    "{wrong|broken|damaged|faulty|defective|missing|torn|scratched|cracked|dented|stained|dead|stolen|leaking|leaks|leak|flooded|burnt|burned|mouldy|moldy|rotten|smashed|stuck|frozen|crashed|crashing|down|lost}",
    "{doesn't|does not|don't|do not|won't|will not|isn't|is not|stopped|not} {work|working|charge|turn on|start|fit}",
    "{refund|money back|complain|complaint|complaining|compensation|cancel}",
    "{terrible|awful|horrible|unacceptable|ridiculous|disgusting|useless|worst|pathetic|outrageous|shocking|appalling}",
    "{angry|furious|livid|fuming|upset|annoyed|frustrated|disappointed|fed up|sick of|tired of|not happy|unhappy}",
    "{cheated|scammed|ripped off|lied to|misled|fooled|robbed|a scam|a joke|a fool of me|stringing me along}",
    "{waited|waiting|been waiting|kept waiting|on hold} {for|so|too|ages|hours|days|weeks|forever}",
    "{overcharged|charged twice|double charged|charged me twice|too expensive|rip-off|rip off}",
    "{rude|unhelpful|ignored|nobody called|no one called|never called|no reply|no answer|no response}",
    "{not what i ordered|not what we ordered|not what we agreed|price isn't what}",
]


class ComplaintDetector:
    def __init__(self, nlp):
        self.nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        phrases = []
        for template in COMPLAINT_TEMPLATES:
            phrases.extend(expand(template))
        self.matcher.add("complaint", [nlp.make_doc(p) for p in dict.fromkeys(phrases)])

    def is_complaint(self, text: str) -> bool:
        if not text:
            return False
        if sum(1 for c in text if c.isupper()) > 12 and text.upper() == text:
            return True  # a customer shouting in capitals
        doc = self.nlp.make_doc(straighten_quotes(text))
        return bool(self.matcher(doc))
