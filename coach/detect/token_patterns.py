"""Token patterns of the behaviour detector (spaCy Matcher format): cues that need token
attributes or a run of optional words rather than fixed phrases."""

from __future__ import annotations

from coach.detect import lexicon as lx

def _tok(**kw):
    return kw


_IN = lambda words: {"IN": sorted(words)}  # noqa: E731


_TEAM = ["team", "department", "specialists", "specialist", "experts", "advisers", "advisors", "adviser", "advisor",
         "manager", "supervisor", "colleagues", "colleague", "desk", "agents", "engineers", "helpline"]

NAME_STOP = frozenset(
    """Not The A An Our My Your What Why How Very Really So Just Because It That This Sorry Afraid Happy Glad Here
    There Unfortunately Please Thanks Thank Sure Able Unable Going Also Now Still Currently Only Definitely
    Absolutely Totally Completely Calling Pleased Delighted Correct Right Well Okay Ok Click Tap Go Look""".split()
)


def token_patterns(forms=lambda lemmas: lemmas):
    """Matcher patterns: cues that need token attributes rather than fixed phrases.
    forms(lemmas) gives every inflected form of the lemmas (from the lemma lookup table)."""
    subj = ["i", "we"]
    aux_commit = ["'ll", "will", "can", "could", "'ve", "have", "'d", "would", "am", "'m", "are", "'re", "shall"]
    fillers = ["also", "just", "gladly", "happily", "personally", "now", "already", "be", "going", "to",
               "right", "away", "then", "certainly", "definitely", "immediately", "instead", "even", "go",
               "ahead", "and", "happy", "glad", "able", "more", "than", "e", "-"]
    return {
        "solution": [
            [_tok(LOWER=_IN(subj)), _tok(LOWER=_IN(aux_commit)), _tok(LOWER=_IN(fillers), OP="*"),
             _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
            [_tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(["'d", "would"]), OP="?"),
             _tok(LOWER=_IN(["recommend", "suggest", "advise"]))],
            [_tok(LOWER=_IN(["shall", "should"])), _tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
            [_tok(LOWER=_IN(["would", "do"])), _tok(LOWER="you"), _tok(LOWER=_IN(["like", "want"])),
             _tok(LOWER=_IN(["me", "us"])), _tok(LOWER="to"), _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
            [_tok(LOWER="you"), _tok(LOWER=_IN(["can", "could", "may", "might", "should"])),
             _tok(LOWER=_IN(["also", "simply", "just", "always", "easily", "now", "still", "want", "need", "to",
                              "then", "then", "try", "either"]), OP="*"),
             _tok(LOWER=_IN(lx.YOU_CAN_ACTIONS))],
            [_tok(IS_SENT_START=True, LOWER=_IN(lx.ACTION_IMPERATIVES))],
            # an instruction after a dash or colon: "You can - choose 'Pay in 3' at checkout"
            [_tok(LOWER=_IN(["\u2014", "\u2013", "-", ":", ";"])), _tok(LOWER=_IN(lx.ACTION_IMPERATIVES))],
            # a menu path: "Account > Subscriptions > Auto-renew"
            [_tok(LOWER=">"), _tok(IS_ALPHA=True)],
            [_tok(LOWER=_IN(["please", "simply", "just", "kindly"])), _tok(LOWER=_IN(lx.ACTION_IMPERATIVES))],
            [_tok(LOWER=_IN(["here", "there"])), _tok(LOWER=_IN(["'s", "is", "are"])),
             _tok(LOWER=_IN(["how", "what", "a", "an", "some", "the", "info", "information", "more", "our"]))],
            [_tok(LOWER=_IN(["this", "that", "these", "the", "those"])),
             _tok(LOWER=_IN(["article", "link", "guide", "page", "steps", "tips", "info", "recommendations",
                              "instructions", "blog", "post", "video", "faq", "section"])),
             _tok(LOWER=_IN(["may", "might", "should", "will", "has", "have", "explains", "explain", "shows",
                              "covers", "here", "below", "above", "outlined", "listed"]))],
            [_tok(LOWER=_IN(["this", "that", "these", "it"])), _tok(LOWER=_IN(["may", "might", "should", "will"])),
             _tok(LOWER=_IN(["help", "answer", "fix", "solve", "resolve", "clear"]))],
            [_tok(LOWER="back"), _tok(LOWER="in"), _tok(LOWER="stock")],
            [_tok(LOWER=_IN(["available", "restocked", "arrives", "arriving"])), _tok(LOWER="again", OP="?"),
             _tok(LOWER=_IN(["on", "by", "from", "within", "next", "early", "around"]))],
            [_tok(LOWER=_IN(["we", "i"])), _tok(LOWER=_IN(["encourage", "invite"])), _tok(LOWER="you"), _tok(LOWER="to")],
            [_tok(LOWER=_IN(["could", "can", "would"])), _tok(LOWER="you"), _tok(LOWER=_IN(["please", "also", "just"]), OP="*"),
             _tok(LOWER=_IN(["try", "go", "restart", "reboot", "follow", "clear", "reset", "reinstall", "visit", "head",
                              "power", "unplug", "log", "sign", "update"]))],
            [_tok(LOWER=_IN(["as", "an", "the"])), _tok(LOWER=_IN(["workaround", "alternative", "fix", "solution"]))],
            [_tok(LOWER=_IN(["in", "for"])), _tok(LOWER=_IN(["the", "now"])), _tok(LOWER=_IN(["meantime", "now"]), OP="?"),
             _tok(ORTH=",", OP="?"), _tok(LOWER=_IN(["you", "try", "please"]))],
            [_tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(["'ve", "have", "'ll", "will"])),
             _tok(LOWER=_IN(["gone", "go"])), _tok(LOWER="ahead")],
            [_tok(LOWER=_IN(["i", "we"])), _tok(LOWER=_IN(["'ve", "have", "just", "already"]), OP="+"),
             _tok(LOWER=_IN(forms(lx.SOLUTION_VERBS)))],
        ],
        "next_steps": [
            [_tok(LOWER=_IN(["i", "we", "they", "he", "she", "someone", "team", "technician", "courier", "agent",
                              "specialist", "manager", "colleague", "engineer", "driver", "supervisor"])),
             _tok(LOWER=_IN(["'ll", "will", "shall", "are", "'re", "is", "'s", "can"])),
             _tok(LOWER=_IN(["going", "to", "be", "also", "then", "personally", "get", "back", "aim", "try",
                              "definitely", "certainly", "now", "soon", "happy", "glad", "in", "e", "-"]), OP="*"),
             _tok(LOWER=_IN(forms(lx.FOLLOW_UP_VERBS)))],
            [_tok(LOWER="you"), _tok(LOWER=_IN(["'ll", "will", "should"])),
             _tok(LOWER=_IN(["also", "then", "soon", "shortly", "now", "be", "able", "to"]), OP="*"),
             _tok(LOWER=_IN(forms(["get", "receive", "hear", "see", "have", "be"]))),
             _tok(LOWER=_IN(["a", "an", "the", "your", "from", "back", "it", "them", "an", "notified", "contacted",
                              "emailed", "called", "refunded", "credited", "updated", "sent", "our"]))],
            [_tok(LOWER=_IN(["so", "for"])), _tok(LOWER="that", OP="?"), _tok(LOWER=_IN(["we", "i", "us", "someone", "they"])),
             _tok(LOWER=_IN(["can", "could", "may", "to"])), _tok(LOWER=_IN(["further", "quickly", "then"]), OP="?"),
             _tok(LOWER=_IN(["look", "investigate", "check", "review", "dig", "follow", "take", "sort",
                              "escalate", "research", "fix", "resolve", "process", "arrange"]))],
            [_tok(LOWER=_IN(["we", "i", "team", "they"])), _tok(LOWER=_IN(["'re", "are", "am", "'m", "is"])),
             _tok(LOWER=_IN(["already", "currently", "now", "actively", "still"]), OP="*"),
             _tok(LOWER=_IN(["working", "looking", "investigating", "checking", "chasing"])),
             _tok(LOWER=_IN(["on", "into", "to", "it", "this", "the", "with", "closely"]), OP="?")],
            [_tok(LOWER="once"), _tok(LOWER=_IN(["we", "it", "you", "the", "your", "they", "i", "that", "this"]))],
            [_tok(LOWER=_IN(["will", "'ll", "should"])), _tok(LOWER="be"),
             _tok(LOWER=_IN(["cancelled", "canceled", "refunded", "processed", "shipped", "delivered", "sent", "credited",
                              "updated", "reviewed", "fixed", "resolved", "replaced", "collected", "dispatched",
                              "returned", "released", "removed", "reversed", "contacted", "notified", "emailed",
                              "called", "escalated", "investigated", "repaired", "restored", "reactivated"]))],
            [_tok(LOWER=_IN(["team", "engineers", "engineer", "technician", "courier", "driver", "department",
                              "specialist", "specialists", "someone", "colleague", "manager", "supervisor", "agent"])),
             _tok(LOWER=_IN(["will", "'ll", "shall"])), _tok(IS_ALPHA=True, LOWER={"NOT_IN": ["not", "never", "be"]})],
            [_tok(LOWER=_IN(["are", "'re", "am", "'m", "is"])), _tok(LOWER=_IN(["already", "currently", "now", "actively", "still"]), OP="*"),
             _tok(LOWER=_IN(["working", "investigating", "looking"])), _tok(LOWER=_IN(["on", "into", "to"]))],
            [_tok(LOWER=_IN(["within", "in"])), _tok(LIKE_NUM=True), _tok(ORTH="-", OP="?"), _tok(LIKE_NUM=True, OP="?"),
             _tok(LOWER=_IN(["business", "working"]), OP="?"),
             _tok(LOWER=_IN(["hours", "days", "minutes", "weeks", "hour", "day", "minute", "week"]))],
            [_tok(LOWER=_IN(["takes", "take", "take", "allow"])), _tok(LIKE_NUM=True), _tok(ORTH="-", OP="?"),
             _tok(LIKE_NUM=True, OP="?"), _tok(LOWER=_IN(["business", "working"]), OP="?"),
             _tok(LOWER=_IN(["days", "hours", "weeks"]))],
            [_tok(LOWER=_IN(["call", "ring", "phone", "get", "come"])), _tok(LOWER="you", OP="?"), _tok(LOWER="back")],
            [_tok(LOWER="standing"), _tok(LOWER="by")],
            [_tok(LOWER="next"), _tok(LOWER="step")],
        ],
        "self_identification": [
            [_tok(LOWER="this"), _tok(LOWER="is"), _tok(IS_TITLE=True, ORTH={"NOT_IN": sorted(NAME_STOP)})],
            [_tok(LOWER="i"), _tok(LOWER=_IN(["'m", "am"])), _tok(IS_TITLE=True, ORTH={"NOT_IN": sorted(NAME_STOP)})],
            [_tok(LOWER="i"), _tok(LOWER=_IN(["'m", "am"])), _tok(LOWER=_IN(["from", "with", "in", "on"])),
             _tok(LOWER="the", OP="?"), _tok(IS_TITLE=True)],

            [_tok(LOWER=_IN(["thanks", "thank"])), _tok(LOWER="you", OP="?"), _tok(LOWER="for"),
             _tok(LOWER=_IN(["calling", "contacting", "choosing", "reaching", "getting", "shopping", "flying",
                              "banking", "messaging", "emailing", "writing"])),
             _tok(LOWER=_IN(["out", "in", "to", "with", "touch"]), OP="*"),
             _tok(IS_TITLE=True, LOWER={"NOT_IN": ["us", "me", "today", "again", "back"]})],
            [_tok(LOWER=_IN(["welcome", "calling"])), _tok(LOWER="to"), _tok(IS_TITLE=True)],
        ],
        # "Sam here from Billing", "Anna speaking": the name is checked in the resolution step, so the
        # pattern can start with a fixed word
        "x-name-here": [
            [_tok(LOWER="here"), _tok(LOWER=_IN(["from", "at", "with", "in"]))],
            [_tok(LOWER="speaking")],
        ],
        "hold_or_transfer": [
            # "you'll need to speak to our claims team", "you can reach our mortgage advisers on ...",
            # "chat to our billing specialists here", "please contact our returns department"
            [_tok(LOWER=_IN(["speak", "talk", "chat", "contact", "reach", "call", "ring", "phone", "email", "message"])),
             _tok(LOWER=_IN(["to", "with"]), OP="?"), _tok(LOWER=_IN(["our", "the", "one", "your"])),
             _tok(IS_ALPHA=True, LOWER={"NOT_IN": sorted(_TEAM + ["of"])}),
             _tok(IS_ALPHA=True, LOWER={"NOT_IN": sorted(_TEAM + ["of"])}, OP="?"),
             _tok(LOWER=_IN(_TEAM))],
            # "let me get my manager", "I'll get a supervisor to call you"
            [_tok(LOWER=_IN(["get", "fetch", "grab", "find", "bring"])), _tok(LOWER=_IN(["my", "a", "the", "our", "your"])),
             _tok(LOWER=_IN(["manager", "supervisor", "colleague", "specialist", "team", "lead", "senior", "engineer"]))],
            # "the billing team are the best people to help"
            [_tok(LOWER="the"), _tok(LOWER="best"), _tok(LOWER=_IN(["people", "person", "team", "ones", "place"])),
             _tok(LOWER="to"), _tok(LOWER=_IN(["help", "ask", "talk", "speak", "contact", "sort", "handle", "answer"]))],
            # "our mortgage team handles this", "our press office deals with media enquiries"
            [_tok(LOWER=_IN(_TEAM + ["office", "line", "concierge", "designer", "officer"])),
             _tok(LOWER=_IN(["handles", "handle", "deals", "deal", "arranges", "arrange", "looks", "investigate",
                              "investigates", "sets", "covers", "does", "takes", "manages", "processes"]))],
            # "they're on 0800 123 456", "you can reach her on 0113 ..."
            [_tok(LOWER=_IN(["they", "she", "he"])), _tok(LOWER=_IN(["'re", "are", "'s", "is"])),
             _tok(LOWER=_IN(["on", "at"])), _tok(IS_DIGIT=True)],
            [_tok(LOWER=_IN(["reach", "call", "ring", "contact", "phone", "text", "message"])),
             _tok(LOWER=_IN(["her", "him", "them"])), _tok(LOWER=_IN(["on", "at", "via"])), _tok(IS_DIGIT=True)],
            # "call our emergency line on 0800 ..."
            [_tok(LOWER=_IN(["call", "ring", "phone", "contact"])), _tok(LOWER=_IN(["our", "the"])),
             _tok(IS_ALPHA=True, OP="?"), _tok(IS_ALPHA=True, OP="?"),
             _tok(LOWER=_IN(["line", "number", "helpline", "hotline", "desk", "office"]))],
            # "call Home Lending Team at 1-800-..."
            [_tok(LOWER=_IN(["call", "phone", "ring", "contact"])), _tok(IS_TITLE=True, OP="+"),
             _tok(LOWER=_IN(["at", "on"])), _tok(IS_DIGIT=True)],
            # "our returns team can help", "the billing department will be able to authorise this"
            [_tok(LOWER=_IN(["our", "the", "their", "a"])),
             _tok(LOWER=_IN(["phone", "chat", "billing", "returns", "sales", "technical", "tech", "support", "account",
                              "accounts", "customer", "care", "specialist", "premium", "one-on-one", "dedicated", "live",
                              "service", "claims", "complaints", "escalations", "refunds", "delivery", "credit",
                              "engineering", "product", "loyalty", "retention", "business", "it", "finance"]), OP="+"),
             _tok(LOWER=_IN(["team", "department", "specialists", "specialist", "experts", "expert", "agents", "support",
                              "colleagues", "desk", "line", "manager", "supervisor"])),
             _tok(LOWER=_IN(["can", "will", "could", "would", "are", "is", "'ll", "may", "should"])),
             _tok(LOWER=_IN(["be", "able", "to", "best", "placed", "happy", "glad", "more", "than"]), OP="*"),
             _tok(LOWER=_IN(["help", "assist", "take", "look", "support", "sort", "handle", "authorise", "authorize",
                              "advise", "answer", "deal", "resolve", "process", "arrange", "approve"]))],
            [_tok(LOWER=_IN(["call", "phone", "ring", "dial", "text", "contacting", "calling"])),
             _tok(LOWER=_IN(["us", "them", "our", "the"]), OP="?"),
             _tok(LOWER=_IN(["at", "on", "team", "line", "anytime", "directly", "free"]), OP="*"),
             _tok(ORTH=_IN(["+", "("]), OP="*"), _tok(IS_DIGIT=True), _tok(ORTH=_IN(["-", ")", ".", "/"]), OP="?"),
             _tok(IS_DIGIT=True)],
        ],
        "x-question-offer": [
            [_tok(LOWER=_IN(["shall", "should"])), _tok(LOWER=_IN(["i", "we"]))],
            [_tok(LOWER=_IN(["would", "do"])), _tok(LOWER="you"), _tok(LOWER=_IN(["like", "want"])), _tok(LOWER=_IN(["me", "us"]))],
            [_tok(LOWER=_IN(["may", "can", "could"])), _tok(LOWER="i"),
             _tok(LOWER=_IN(["offer", "send", "suggest", "recommend", "place", "put", "transfer", "call", "book",
                              "reserve", "arrange", "help", "assist", "get", "set", "connect"]))],
            [_tok(LOWER="how"), _tok(LOWER=_IN(["about", "does"]))],
            [_tok(LOWER="why"), _tok(LOWER="not")],
        ],
    }
