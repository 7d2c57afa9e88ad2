"""Context judgements of the behaviour detector: what the words around a cue do.

Negation scope (a refusal or good news), who is blamed (the customer, a colleague, a third party,
or the speaker owning it), hand-overs to another team, evaluative empathy, statements of what
happens next, questions, shouting and unexplained abbreviations. Each function works on a parsed
reply (a spaCy Doc) and the View of it computed once per reply.
"""

from __future__ import annotations

import re

from coach.detect import lexicon as lx

# Straighten typographic quotes one character for one, so spans still index the original text.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'"})

QUESTION_OPENERS = frozenset(
    "could can would will do does did have has is are was were which what when where who whom whose how "
    "may might any anything".split()
)


HTML_TAG = re.compile(r"<[A-Za-z/!][^<>]{0,200}>")


def straighten_quotes(text: str) -> str:
    """Typographic quotes to straight ones, one character for one (offsets stay valid)."""
    return text.translate(_QUOTES)


def normalise(text: str) -> str:
    """Same-length clean-up, so spans still index the original text: straight quotes, and HTML tags
    blanked out ("<p>Hello</p>" reads as "Hello")."""
    text = straighten_quotes(text)
    if "<" in text:
        text = HTML_TAG.sub(lambda m: " " * len(m.group(0)), text)
    return text


ENGLISH_WORDS = frozenset(
    """the a an to you your we i is are it and of for be this that in on with can will have please thanks thank
    sorry hi hello my me our us not no yes do did was what how when there here so if at as by from help order
    just all get know let they he she them one out up about could would should""".split()
)


def looks_english(text: str) -> bool:
    """False for text of six or more words in which almost none is a common English word (another
    language); the detector and the English pack then have nothing reliable to say."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 6:
        return True
    common = sum(1 for w in words if w in ENGLISH_WORDS)
    return common / len(words) >= 0.08



def opens(span):
    """True when nothing but punctuation, numbering or a handle comes before the span in its sentence
    (or in the reply, for openings like "Hi there")."""
    doc = span.doc
    i = span.start
    j = i - 1
    while j >= 0 and (doc[j].is_punct or doc[j].like_num or doc[j].text.startswith("@") or doc[j].is_space
                      or doc[j].lower_ in ("oh", "and", "well", "so", "a", "very", "and")):
        j -= 1
    if j < 0:
        return True
    return span.sent.start == span.start or doc[j].text in (".", "!", "?", ":", "-", "\n")


def next_lower(span):
    doc = span.doc
    return doc[span.end].lower_ if span.end < len(doc) else ""


def overlaps(a, b):
    return a.start < b.end and b.start < a.end


def near(span, others, after):
    return any(o.start >= span.start and o.start - span.end <= after for o in others) or any(
        overlaps(span, o) for o in others
    )


def is_question(sent):
    toks = [t for t in sent if not t.is_space]
    if not toks:
        return False
    last = toks[-1]
    if last.text == "?" or last.text.endswith("?"):
        return True
    # a question followed by a link or handle: "Did you try the steps here: <url> ?"
    return any(t.text == "?" for t in toks[-3:])


def in_question(span):
    return is_question(span.sent)


def in_question_of(span, words):
    sent = span.sent
    return is_question(sent) and all(any(t.lower_ == w for t in sent) for w in words)


def first_word(sent):
    skip = {"so", "and", "also", "just", "but", "ok", "okay", "great", "thanks", "oh", "hi", "hello", "hey", "well", "now", "then"}
    for t in sent:
        if t.is_alpha and t.lower_ not in skip:
            return t
    return None


def covered(sent, found, tags):
    for tag in tags:
        for span in found.get(tag, []):
            if span.start >= sent.start and span.end <= sent.end:
                return True
    return False


def trim(sent):
    doc = sent.doc
    end = sent.end
    while end > sent.start + 1 and doc[end - 1].is_space:
        end -= 1
    return doc[sent.start:end]


def has_time(sent):
    return any(t.lower_ in lx.TIME_WORDS or t.like_num for t in sent)


def has_future(sent):
    return any(t.lower_ in ("will", "'ll", "shall", "going", "should", "takes", "take", "can", "'re", "are") for t in sent)


def subject_before(span):
    doc = span.doc
    for j in range(span.start - 1, max(span.sent.start, span.start - 4) - 1, -1):
        w = doc[j].lower_
        if w in ("we", "i", "you", "they", "he", "she", "courier", "warehouse", "driver", "team", "colleague",
                 "bank", "it", "someone", "supplier", "department", "system", "agent", "carrier", "office"):
            return w
    return None


def is_conditional(span):
    doc = span.doc
    for j in range(span.sent.start, span.start):
        if doc[j].lower_ in ("if", "unless", "whether"):
            return True
    return False


def in_conditional_reassurance(span):
    """'Even if you entered the wrong address, we'll fix it' is not blame."""
    doc = span.doc
    window = doc[max(span.sent.start, span.start - 3):span.start]
    return any(t.lower_ in ("even", "whether", "doesn't", "matter", "happens") for t in window)


DETAIL_WORDS = frozenset("number email e-mail address details name account postcode zip phone id reference".split())


def asks_for_details(sent):
    words = [t.lower_ for t in sent]
    return any(w in ("your", "the") and nxt in DETAIL_WORDS for w, nxt in zip(words, words[1:])) or any(
        w in DETAIL_WORDS and i > 0 and words[i - 1] in ("account", "phone", "order", "service", "email") for i, w in enumerate(words)
    )


CUSTOMER_FAULT_NEXT = frozenset(
    "didn't did never forgot typed entered chose ordered booked weren't missed ignored gave put set selected "
    "clicked used picked filled skipped failed haven't hadn't".split()
)

THIRD_PARTY = frozenset(
    """courier couriers carrier carriers warehouse driver drivers supplier suppliers factory sales finance accounts
    ops billing scheduling packing bank issuer manufacturer manufacturers colleague colleagues host agent technician
    engineer operator partner subcontractor airline customs kitchen vendor department store branch he she they
    team staff packer packers reception restaurant surgery dispatch shift""".split()
)
FAULT_WORDS = frozenset(
    """forgot forgets ignored ignores lost loses broke breaks damaged misconfigured messed messes screwed dropped
    mixed misplaced mislabelled mislabeled misrouted careless useless incompetent nightmare behind wrong failed
    fails keeps keep forgetting losing double-booked overload overloaded threw throw grabbed slow""".split()
)
DUTY_VERBS = frozenset("update send call tell check deliver knock ring pass process follow record note read book "
                        "turn show pick load scan log".split())


LATE_CUES = ("weeks", "week ago", "days ago", "still not", "still hasn't", "still haven't", "still waiting",
              "been waiting", "waiting since", "hasn't arrived", "has not arrived", "haven't received", "not arrived",
              "days late", "weeks late", "over a week", "over a month", "month ago", "ages", "forever", "since")


def waited_long(customer):
    text = straighten_quotes(customer.lower())
    return any(cue in text for cue in LATE_CUES)


def blames_before(span):
    """Does the sentence before 'that's why' say someone did something wrong?"""
    doc = span.doc
    words = [t.lower_ for t in doc[span.sent.start:span.start]]
    return ("you" in words or "you've" in words or any(w in THIRD_PARTY for w in words)) and (
        any(w in FAULT_WORDS or w in ("didn't", "never", "wrong", "forgot", "weren't", "n't") for w in words)
        or "you" in words and any(w.endswith("ed") for w in words)
    )


def third_party_fault(doc, view):
    """'The courier left it out in the rain', 'my colleague didn't update your address', 'the warehouse
    picked it wrong': a third party (or a colleague) named as the cause. 'We' and 'I' own it instead."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        if any(w in ("if", "unless", "whether", "in case") for w in words):
            continue
        for k, w in enumerate(words):
            if w not in THIRD_PARTY:
                continue
            if k > 0 and words[k - 1] in ("to", "with", "for", "from", "by", "at", "call", "ask", "contact"):
                continue  # the party is an object ("passed to the warehouse"), not the doer
            for j in range(k + 1, min(len(words), k + 9)):
                v = words[j]
                fault = v in FAULT_WORDS and v not in ("keeps", "keep") or (
                    v in ("keeps", "keep") and j + 1 < len(words) and words[j + 1].endswith("ing"))
                if v in ("didn't", "never", "n't") and j + 1 < len(words) and (words[j + 1] in DUTY_VERBS):
                    fault = True
                if fault:
                    if any(x in ("we", "i", "our") and x != "our" for x in words[max(0, k - 2):k]):
                        break
                    out.append(doc[toks[k].i:toks[j].i + 1])
                    break
    return out


TEAM_NOUNS = frozenset(
    "team department specialists specialist experts expert advisers advisors adviser advisor manager supervisor "
    "desk lead engineers colleagues".split()
)
HANDOVER = frozenset(
    """pass passing passed escalate escalating escalated refer referring referred forward forwarding forwarded hand
    handing handed transfer transferring transferred connect connecting sending sent raise raised raising booked
    handled assessed investigated processed reviewed arranged approved""".split()
)
TEAM_FOLLOW = frozenset("call ring phone contact email reply respond follow look review handle process approve "
                        "handles deals arranges investigate investigates "
                         "arrange get be reach pick assess investigate help assist".split())


def team_handover(doc, view):
    """'I'm passing your case to our claims team', 'Laura from our billing team will call you':
    another team or person takes over. A bare 'our team' is too vague to count."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        for k, w in enumerate(words):
            if w not in TEAM_NOUNS:
                continue
            det = next((j for j in range(k - 1, max(-1, k - 4), -1) if words[j] in ("our", "the", "your", "my", "their")), None)
            if det is None or (det == k - 1 and not (w in ("manager", "supervisor") and words[det] == "my")):
                continue  # needs a qualifier ("our billing team", "your account manager"), or "my supervisor"
            if any(x in ("i'm", "i", "from") for x in words[max(0, det - 3):det]) and "from" in words[max(0, det - 2):det] \
                    and any(x in ("i", "'m", "am", "this", "is", "name") for x in words[:det]):
                continue  # "I'm Felix from the support team" introduces, it does not hand over
            handover = any(x in HANDOVER for x in words)
            follow = any(words[j] in ("will", "'ll", "can", "could", "would") and j + 1 < len(words)
                         and (words[j + 1] in TEAM_FOLLOW or words[j + 1] in ("be", "definitely", "usually", "also", "then"))
                         for j in range(k + 1, min(len(words), k + 6)))
            if handover or follow:
                out.append(doc[toks[det].i:toks[k].i + 1])
                break
    return out


EVAL = frozenset(
    """frustrating annoying exhausting awful horrible terrible rotten stressful worrying upsetting disappointing
    unacceptable embarrassing alarming nasty shock loss hassle nightmare rough tough uncomfortable inconvenient
    scary unfair ordeal worry frustration inconvenience disappointment stress upset maddening infuriating
    gutting heartbreaking miserable""".split()
)
EVAL_LEAD = frozenset("that's that is it's it this what sounds sound must such a so really very quite real big "
                       "serious huge".split())


def evaluative_empathy(doc, view):
    """'That's a rotten end to a journey', 'what a disappointing thing to find', 'a real loss for your shop':
    the staff member names how bad the situation is for the customer."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        if any(w in ("i'm", "i") for w in words[:2]) and "sorry" not in words and "understand" not in words \
                and any(w in ("frustrated", "annoyed") for w in words):
            continue
        for k, w in enumerate(words):
            if w in EVAL and any(x in EVAL_LEAD for x in words[max(0, k - 4):k]):
                if "not" in words[max(0, k - 3):k] or "no" in words[max(0, k - 2):k]:
                    continue
                start = next(j for j in range(max(0, k - 4), k + 1) if words[j] in EVAL_LEAD)
                out.append(doc[toks[start].i:toks[k].i + 1])
                break
    return out


OWN_ACTIONS = frozenset("pass call ring look check let email e-mail note mention flag ask chase follow get keep "
                         "raise log text message update remember try".split())
FUTURE = frozenset("will 'll shall going expect expected should".split())
SCHEDULED = frozenset("goes leaves ships arrives lands reaches stays expires starts opens runs comes appears shows "
                       "lands completes".split())
TIME_PREP = frozenset("by within until before after at on from".split())


def scheduled_future(doc, view):
    """'The blue one goes out today', 'it'll arrive by the 22nd', 'we expect service back by 18:00':
    what happens next, with a time."""
    out = []
    for s0, s1 in view.sents:
        toks = view.toks[s0:s1]
        words = view.lower[s0:s1]
        if words and words[-1] == "?" or any(w in ("if", "unless") for w in words[:3]):
            continue
        marker = next((k for k, w in enumerate(words) if w in FUTURE or w in SCHEDULED), None)
        if marker is None:
            continue
        for k in range(marker + 1, len(words)):
            w = words[k]
            timed = w in lx.TIME_WORDS and w not in ("day", "days", "hour", "hours", "week", "weeks", "month", "minute",
                                                      "minutes", "business", "working") \
                or (w in TIME_PREP and k + 1 < len(words) and (toks[k + 1].like_num or words[k + 1] in lx.TIME_WORDS
                                                               or words[k + 1] in ("the", "next", "end")))
            if timed:
                out.append(doc[toks[marker].i:toks[k].i + 1])
                break
    return out


def looks_like_abbreviation(tok):
    t = tok.text
    if len(t) < 2 or len(t) > 7 or tok.like_url or tok.like_email or not t[0].isalpha() or "-" in t:
        return False
    letters = [c for c in t if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return upper >= 2 and upper >= len(letters) - 1 and not tok.is_sent_start or (upper >= 3 and upper == len(letters))


def explained(tok):
    doc = tok.doc
    return tok.i + 1 < len(doc) and doc[tok.i + 1].text == "(" or tok.i > 0 and doc[tok.i - 1].text == "("


def is_signoff(tok):
    doc = tok.doc
    return tok.i > 0 and doc[tok.i - 1].text in ("^", "-", "~", "*", "/", "–", "—") and tok.i >= len(doc) - 2


def shouting(doc, jargon, view=None):
    """Three or more capitalised words in a row that are not abbreviations: shouting."""
    if view is not None and sum(1 for t in view.text if t.isupper() and len(t) > 1) < 2:
        return None
    run = []
    best = None
    for tok in doc:
        if tok.is_alpha and tok.is_upper and (len(tok.text) > 1 or tok.text in ("I", "A")) and tok.text not in jargon \
                and tok.text not in lx.COMMON_ACRONYMS or (run and tok.is_alpha and tok.is_upper and tok.text in ("I", "A")):
            run.append(tok)
            continue
        if tok.is_punct and run and tok.text in (",", "'", "-"):
            continue
        if len(run) >= 3:
            best = best or doc[run[0].i:run[-1].i + 1]
        run = []
    if len(run) >= 3:
        best = best or doc[run[0].i:run[-1].i + 1]
    return best



FILLER = frozenset(
    "be able to a an any the really currently yet been have get do just actually always even quite necessarily "
    "offer it that this there we i you us our your more longer at all anymore so very".split()
)


SUBJECT_SKIP = frozenset("really just currently actually still also simply honestly definitely unfortunately "
                          "sadly probably certainly usually normally".split())


NEG_TRIGGERS = lx.NEGATION_CUES | {"no", "stock", "sold", "discontinued", "unavailable", "booked", "all", "can", "only"}
NO_HEADS = frozenset(
    "way refunds refund returns exchanges discount discounts option options chance possibility exceptions exception "
    "information info news update updates record details plans availability stock longer one more compensation "
    "cancellations".split()
)


def sentence_bounds(doc):
    """(start, end) of the sentence of every token, computed once per reply."""
    bounds = [None] * len(doc)
    for sent in doc.sents:
        for i in range(sent.start, sent.end):
            bounds[i] = (sent.start, sent.end)
    return bounds


def negative_phrasing(doc, found, extra=(), lemmas=None, lw=None, bounds=None):
    """Refusals and inability framed as what cannot be done, judged over each negation's scope."""
    lw = lw if lw is not None else [t.lower_ for t in doc]
    n = len(lw)
    if not NEG_TRIGGERS.intersection(lw):
        return list(extra)
    bounds = bounds or sentence_bounds(doc)
    lemmas = lemmas or {}
    is_punct = [t.is_punct for t in doc]
    question = {}
    spans = []
    found_way_forward = bool(set(found) & {"solution", "next_steps", "hold_or_transfer"})

    def clause(i):
        s0, s1 = bounds[i]
        a = i
        while a > s0 and lw[a - 1] not in (",", ";", ":", "—", "–", "but", "although", "though"):
            a -= 1
        b = i + 1
        while b < s1 and lw[b] not in (",", ";", ":", ".", "!", "?", "—", "–", "but", "although", "though"):
            b += 1
        return a, b

    for i, low in enumerate(lw):
        if low not in NEG_TRIGGERS:
            continue
        s0, s1 = bounds[i]
        if low in ("stock", "sold", "discontinued", "unavailable", "booked"):
            # stock-outs without a way forward
            if found_way_forward or {"but", "however", "instead", "alternatively", "meanwhile"}.intersection(lw[s0:s1]):
                continue
            window = set(lw[max(0, i - 2):i + 2])
            if (low == "stock" and "out" in window) or (low == "sold" and "out" in window) \
                    or (low == "booked" and window & {"fully", "completely"}) or low in ("discontinued", "unavailable"):
                spans.append(doc[max(0, i - 2):i + 1])
            continue
        if low in ("all", "can"):
            # "all we can do is ...", "X can only ...": limits stated as the whole answer
            window = lw[max(s0, i - 2):i + 3]
            limited = (low == "all" and lw[i + 1:i + 3] in (["we", "can"], ["i", "can"])) or (
                low == "can" and i + 1 < n and lw[i + 1] == "only" and i > 0 and lw[i - 1] != "you"
                and (i + 2 >= n or lw[i + 2] not in ("imagine", "apologise", "apologize")))
            if limited and not {"but", "however", "instead", "join", "waitlist", "alternatively"}.intersection(lw[i:s1]):
                spans.append(doc[max(s0, i - 2):min(s1, i + 4)])
            continue
        if low == "only":
            rest = set(lw[i:s1])
            if i > 0 and lw[i - 1] in ("we", "i") and i + 1 < n and doc[i + 1].is_alpha:
                # "we only reply to claims sent through the form"
                if not rest & {"but", "however", "instead", "alternatively", "can", "happy"}:
                    spans.append(doc[i - 1:i + 2])
            elif i > 1 and lw[i - 1] in ("is", "are", "'s", "'re", "be") and lw[i - 2] != "you" and i + 1 < n \
                    and lw[i + 1] in ("for", "possible", "available", "valid", "offered", "open", "allowed", "accepted", "eligible"):
                # "phone support is only for admins"
                if not rest & {"but", "however", "you", "join", "can", "instead"}:
                    spans.append(doc[max(s0, i - 3):min(s1, i + 3)])
            continue
        if s0 not in question:
            question[s0] = is_question(doc[s0:s1])
        if question[s0]:
            continue
        if {"if", "unless", "whether", "when", "until", "once", "even"}.intersection(lw[max(s0, i - 12):i]):
            continue
        cstart, cend = clause(i)
        if low in ("not", "n't", "nt") and i > 0 and lw[i - 1] == "do" and (
                i - 1 == s0 or lw[i - 2] in ("please", ",", "and", "just", "so", "then", "but", "now")):
            continue  # an instruction ("please do not reply to that e-mail"), not a refusal
        head_i = next((k for k in range(i + 1, cend) if lw[k] not in FILLER and not is_punct[k]), None)
        head_low = lw[head_i] if head_i is not None else ""
        head_lemma = lemmas.get(head_low, head_low)
        if head_low in lx.FAVOURABLE_NEGATED or head_lemma in lx.FAVOURABLE_NEGATED:
            continue
        if head_low in lx.NOT_A_REFUSAL or head_lemma in lx.NOT_A_REFUSAL:
            continue
        after = lw[i + 1:cend]
        words_after = set(after)
        if words_after & {"enough", "wait", "happier", "agree", "more"} and low in ("n't", "not", "nt", "cannot"):
            if {"enough", "happier", "wait"}.intersection(after[:4]) or "more" in after[-2:]:
                continue
        if low == "no":
            # "No." as an answer, "no refunds", "there's no way"; not "no problem", "no need", "no charge"
            nxt = lw[i + 1] if i + 1 < n else None
            if nxt is None or is_punct[i + 1]:
                if (i == s0 or is_punct[i - 1]) and (nxt is None or nxt in (".", "!")):
                    spans.append(doc[i:min(i + 2, n)])
                continue
            if head_low in NO_HEADS:
                if head_low == "longer" and not words_after & {"sell", "offer", "stock", "available", "supported",
                                                               "carry", "make", "provide", "do"}:
                    continue
                if head_low == "one" and "can" not in words_after:
                    continue
                spans.append(doc[i:head_i + 1])
            continue
        # who is negated
        aux = lw[i - 1] if i > 0 else ""
        j = i - 2 if low not in ("never", "unable", "impossible", "cannot") else i - 1
        if low in ("unable", "impossible") and j >= 0 and lw[j] in ("be", "is", "are", "'m", "'re", "am", "'s", "was"):
            j -= 1
        while j >= cstart and lw[j] in SUBJECT_SKIP:
            j -= 1
        subj = lw[j] if j >= cstart else ""
        if subj in ("the", "a", "an", "our", "your", "their", "my", "this", "that") and j + 1 < i:
            subj = lw[j + 1]  # "the company", "our team"
        if subj not in KNOWN_SUBJECTS:
            # a noun subject ("installation isn't included", "the set won't make it"): only unavailability counts
            if head_i is not None and (head_low in lx.UNAVAILABLE_HEADS or head_lemma in lx.UNAVAILABLE_HEADS) \
                    and subj not in ("reboots", "update", "shouting"):
                spans.append(doc[max(cstart, j):head_i + 1])
            continue
        if subj in ("who", "which", "he", "she", "they"):
            continue
        if low == "unable":
            if subj in ("i", "we", "team", "company", "department", "staff", "they") or not subj:
                spans.append(doc[max(cstart, i - 2):min(cend, i + 3)])
            continue
        if low == "impossible":
            if subj in ("it", "that", "this", "", "i", "we"):
                spans.append(doc[max(cstart, i - 2):i + 1])
            continue
        if low == "never":
            if subj in ("we", "i", "company", "store", "shop", "team") and head_i is not None \
                    and head_low not in ("happen", "hesitate", "ask", "share", "sell", "store", "request", "send", "charge"):
                spans.append(doc[max(cstart, i - 2):head_i + 1])
            continue
        # n't / not / nt / cannot
        if aux not in lx.REFUSAL_AUX and low != "cannot" and aux not in ("really", "currently", "just", "actually", "still", "also"):
            continue
        if head_i is None:
            if subj in ("i", "we", "company", "team", "they") and aux in ("ca", "can", "could", "wo", "will", "do", "does"):
                spans.append(doc[max(cstart, i - 2):cend])  # "we can't do that"
            continue
        if subj in ("it", "that", "this", "there", "policy", "system"):
            if head_low in lx.UNAVAILABLE_HEADS or head_lemma in lx.UNAVAILABLE_HEADS or head_low == "something" \
                    or (head_low in ("how", "what") and words_after & {"work", "do", "offer", "sell"}) \
                    or (head_low == "in" and "stock" in words_after):
                spans.append(doc[max(cstart, i - 2):head_i + 1])
            continue
        if subj == "you":
            if j > s0 and lw[j - 1] in _RELATIVE_HEADS:
                continue  # "the account you can't access" describes the problem, it refuses nothing
            if (aux in ("ca", "can", "could", "may", "might", "must") and head_low not in ("miss", "go", "beat", "lose", "fail")) \
                    or head_low in ("allowed", "permitted", "eligible", "entitled"):
                spans.append(doc[max(cstart, i - 2):head_i + 1])
            continue
        if aux in ("is", "'s") and subj not in ("company", "team", "store", "shop", "department"):
            continue
        spans.append(doc[max(cstart, i - 2):head_i + 1])
    spans.extend(extra)
    return spans


_RELATIVE_HEADS = frozenset(
    "account order item product page file email link password card device app service feature content site "
    "website anything something everything thing things one parcel package message code number".split()
)
KNOWN_SUBJECTS = lx.SUBJECTS_STAFF | {"you", "he", "she", "there", "who", "which", ""}


_ALTERNATIVE_WORDS = frozenset("but though however instead although".split())
_NOT_AN_ALTERNATIVE = frozenset("sorry unfortunately afraid apologies".split())


def offered_alternative(view, span):
    """After a refusal, the clause that offers another way ("..., but Saturday morning is free"):
    (start, end) token range, or None."""
    s0, s1 = view.bounds[span.start]
    lw = view.lower
    for k in range(span.end, s1):
        if lw[k] in _ALTERNATIVE_WORDS:
            words = [w for w in lw[k + 1:s1] if w.isalpha()]
            if len(words) >= 3 and not _NOT_AN_ALTERNATIVE.intersection(words[:2]) and "not" not in words \
                    and "n't" not in lw[k + 1:s1]:
                return k + 1, s1
            return None
    return None
