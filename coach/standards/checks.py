"""One check per rule type. Each returns None (the rule does not apply to this session), [] (met) or findings.

A rule names behaviour tags and signals alike ("marks" of a staff turn); `together` asks for more marks in
the same turn ("next_steps" together with "time_given": a next step with a time); `except` names marks that
excuse a finding in the same turn; `unless` names a condition on the whole session that makes an avoid rule
moot. Windows say which staff turns a rule looks at (standards/README.md).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from coach.detect.markup import straighten_quotes
from coach.i18n import gettext, say
from coach.standards.analysis import Analysis
from coach.standards.situation import PRICED_AFTER, amounts, offer_near


@dataclass
class Context:
    """What checks share for one session: the pack's own phrase matches per rule, its substitutions, its jargon."""

    phrase_hits: dict
    swap: dict  # (rule id, phrase key) -> the better wording
    jargon: set
    phrase_key: Callable[[str], str]  # the detector's phrase_key: one key for every form of a phrase
    forms: dict = field(default_factory=dict)  # (rule id, swap_form of a phrase as the pack writes it) -> better


@dataclass
class Finding:
    rule: str
    severity: str
    category: str
    message: str
    suggestion: str | None = None
    turn: int | None = None  # index into transcript.turns; None for the session as a whole
    span: dict | None = None  # {"start", "end", "text"} in that turn's text
    fix: str | None = None  # the reply with a substitution applied, where one exists

    def as_dict(self):
        d = {"turn": self.turn, "rule": self.rule, "severity": self.severity, "category": self.category,
             "span": self.span, "message": self.message, "suggestion": self.suggestion}
        if self.fix is not None:
            d["fix"] = self.fix
        return d


def finding(rule, turn=None, span=None, match=None, suggestion=None, fix=None) -> Finding:
    if match:
        msg = rule.message.replace("{match}", match)
    else:
        msg = rule.message.replace("'{match}' ", "").replace("{match}", "this")
    return Finding(rule=rule.id, severity=rule.severity, category=rule.category, message=msg,
                   suggestion=suggestion if suggestion is not None
                   else (rule.suggestions[0] if rule.suggestions else None),
                   turn=turn, span=span, fix=fix)


def span_dict(ev):
    return {"start": ev[0], "end": ev[1], "text": ev[2]} if ev else None


def shows(a: Analysis, i: int, spec: dict, key: str = "behaviors") -> bool:
    """Staff turn i shows one of spec[key], with all of spec['together'] in the same turn, and none of
    spec['except']."""
    marks = a.marks(i)
    return bool(marks & set(spec[key])) and set(spec.get("together", ())) <= marks \
        and not (marks & set(spec.get("except", ())))


# -- windows ---------------------------------------------------------------------------------------
def window(name: str, a: Analysis, spec: dict) -> list[int] | None:
    """Staff-turn indices a rule looks at, or None when the window does not occur in this session.
    before_hold / before_transfer give one index per event (-1: no staff reply before it)."""
    staff = a.staff
    if name == "any":
        return staff
    if name == "first":
        return staff[:1]
    if name == "last":
        return staff[-1:]
    if name == "after_complaint":
        if a.complaint_turn is None:
            return None
        return [i for i in staff if i > a.complaint_turn][:1] or None
    if name == "in_public":
        return [i for i in staff if i in a.public_turns] or None
    if name == "after_customer":
        said = a.customer_turns_with(spec.get("customer", ()))
        if not said:
            return None
        return [i for i in staff if i > said[0]][: spec.get("within", 2) or None] or None
    if name == "before_customer":  # the staff reply each customer turn showing `customer: [...]` answers
        said = a.customer_turns_with(spec.get("customer", ()))
        return sorted({max(j for j in staff if j < i) for i in said if any(j < i for j in staff)}) or None
    if name == "leading_to_transfer":  # the last two staff replies before each transfer: the hand-over is often
        # said, the caller answers ("OK, go on"), and only then "Putting you through"
        events = [i for i, t in enumerate(a.transcript.turns) if t.event == "transfer"]
        return sorted({i for e in events for i in [j for j in staff if j < e][-2:]}) or None
    return _event_window(name, a, staff)


def _event_window(name, a, staff):
    event = {"before_hold": "hold", "before_transfer": "transfer", "after_resume": "resume"}[name]
    events = [i for i, t in enumerate(a.transcript.turns) if t.event == event]
    if not events:
        return None
    out = []
    for e in events:
        if name == "after_resume":
            nxt = [i for i in staff if i > e]
            if nxt:
                out.append(nxt[0])
        else:
            prev = [i for i in staff if i < e]
            out.append(prev[-1] if prev else -1)
    return out


def holds(a: Analysis, cond: dict) -> bool:
    """A session-wide condition ({behaviors, together, window}) holds somewhere in its window."""
    turns = window(cond.get("window", "any"), a, cond)
    return bool(turns) and any(i >= 0 and shows(a, i, cond) for i in turns)


# -- checks by type --------------------------------------------------------------------------------
def check_avoid(rule, a: Analysis, ctx):
    spec = rule.spec
    if "unless" in spec and holds(a, spec["unless"]):
        return []
    turns = window(spec.get("window", "any"), a, spec)
    if turns is None:
        return None
    out, seen = [], set()
    names = set(spec.get("behaviors", ()))
    for i in turns:
        if names and shows(a, i, spec):
            for start, end, text in _spans_of(a, i, names):
                if (i, start) not in seen:
                    seen.add((i, start))
                    out.append(finding(rule, i, {"start": start, "end": end, "text": text}, text))
    allowed = set(turns)
    for i, start, end, text in ctx.phrase_hits.get(rule.id, []):
        if i in allowed and (i, start) not in seen:
            seen.add((i, start))
            out.append(finding(rule, i, {"start": start, "end": end, "text": text}, text))
    return out


def _spans_of(a: Analysis, i, names):
    det = a.detections.get(i)
    spans = [(e.start, e.end, e.text) for e in det.spans if e.behavior in names] if det is not None else []
    for name in names:
        spans += [(h.start, h.end, h.text) for h in a.staff_signals.get(i, {}).get(name, ())]
    return sorted(set(spans))


def check_require(rule, a: Analysis, ctx):
    spec = rule.spec
    if "unless" in spec and holds(a, spec["unless"]):
        return []  # moot: what the rule asks for is done another way (a live hand-over, say)
    name = spec["window"]
    turns = window(name, a, spec)
    if not turns:
        return None
    if name in ("before_hold", "before_transfer", "after_resume"):
        return [finding(rule, i if i >= 0 else None) for i in turns if i < 0 or not shows(a, i, spec)]
    if any(shows(a, i, spec) for i in turns):
        return []
    target = None if name in ("any", "in_public") else (turns[-1] if name == "last" else turns[0])
    return [finding(rule, target)]


def check_sequence(rule, a: Analysis, ctx):
    steps = rule.spec["steps"]
    staff = a.staff
    firsts = [next((i for i in staff if a.marks(i) & set(step)), None) for step in steps]
    if all(f is None for f in firsts):
        return [finding(rule)]
    out = []
    either = _say(a, " or ")

    def named(step):  # "next_steps or solution", with the behaviours' names in the pack's language
        return either.join(gettext(a.language, name) for name in step)

    missing = [named(step) for step, f in zip(steps, firsts, strict=True) if f is None]
    if missing:
        out.append(finding(rule))
        out[-1].message += " " + _say(a, "Missing: {missing}.", missing="; ".join(missing))
    present = [(f, step) for f, step in zip(firsts, steps, strict=True) if f is not None]
    for (f1, s1), (f2, s2) in zip(present, present[1:], strict=False):
        if f2 < f1:
            fnd = finding(rule, f2)
            fnd.message += " " + _say(a, "Here {later} came before {earlier}.", later=named(s2), earlier=named(s1))
            out.append(fnd)
    return out


def check_conditional(rule, a: Analysis, ctx):
    spec = rule.spec
    cond, then, within = set(spec["if"]), set(spec["then"]), spec["within"]
    staff = a.staff
    if spec.get("by") == "customer":
        said = a.customer_turns_with(cond)
        if not said:
            return None
        after = [i for i in staff if i > said[0]]
        if not after:
            return None
        if any(a.marks(i) & then for i in after[:within + 1]):
            return []
        return [finding(rule, after[min(within, len(after) - 1)])]
    triggered = [k for k, i in enumerate(staff) if a.marks(i) & cond]
    if not triggered:
        return None
    before = spec.get("before", 0)
    out = []
    for k in triggered:
        if not any(a.marks(i) & then for i in staff[max(0, k - before):k + within + 1]):
            ev = a.evidence(staff[k], cond)
            out.append(finding(rule, staff[k], span_dict(ev), ev[2] if ev else None))
    return out


def check_offers(rule, a: Analysis, ctx):
    """Offers beyond what the situation allows: an amount above an offer's maximum, or a promise it rules out."""
    sit = a.situation
    if not sit.offers and not sit.not_allowed:
        return None
    out = []
    for i in a.staff:
        text = straighten_quotes(a.transcript.turns[i].text)
        low = text.lower()
        explained = [(h.start, h.end) for h in a.staff_signals.get(i, {}).get("not_an_offer", ())]
        for value, unit, start, end in amounts(text):
            sentence = _sentence_of(a, i, start)
            clause = _clause_of(a, low, start, end, sentence)
            if any(_explains(a, low, s, e, start, clause, sentence) for s, e in explained):
                # "our 10% volume discount starts at five desks", "the volume discount is 10%, but it starts at five
                # desks" explain a threshold; "normally discounts are for bulk orders, but I'll do 12%" offers 12%
                continue
            if PRICED_AFTER.match(low, end):
                continue  # "two Auroras with 5% off, £1,233.10 in total" states what the customer pays
            offer = offer_near(sit.offers, unit, low, start, end, clause)
            if offer is not None and value > offer.max:
                f = finding(rule, i, {"start": start, "end": end, "text": text[start:end]}, text[start:end])
                f.message += " " + _say(a, "(the most this situation allows for a {what} is {amount})",
                                        what=offer.what, amount=_money(offer.max, unit))
                out.append(f)
    out += _price_cuts(rule, a)
    for i, start, end, text in a.not_allowed:
        out.append(finding(rule, i, {"start": start, "end": end, "text": text}, text))
    return out


def _price_cuts(rule, a):
    """Where the situation allows no discount at all, a cut in the price itself ("I'll knock it down to £1,900 for
    you", "a special price, just between us") offers one, whatever amount it names."""
    none = next((o for o in a.situation.offers if o.max == 0), None)
    if none is None:
        return []
    out = []
    for i in a.staff:
        text = a.transcript.turns[i].text
        for h in a.staff_signals.get(i, {}).get("price_cut", ()):
            f = finding(rule, i, {"start": h.start, "end": h.end, "text": text[h.start:h.end]}, text[h.start:h.end])
            f.message += " " + _say(a, "(this situation allows no {what})", what=none.what)
            out.append(f)
    return out


def _sentence_of(a, i, start):
    """(start, end) of the sentence of turn `i` that holds character `start`, or None."""
    det = a.detections.get(i)
    if det is None or det.doc is None:
        return None
    for sent in det.doc.sents:
        lo, hi, _ = det.source(sent.start_char, sent.end_char)
        if lo <= start < hi:
            return lo, hi
    return None


def _any_word(words) -> str:
    """A regex alternative of whole words (a language's word list), or one that matches nothing."""
    if not words:
        return r"(?!x)x"
    return r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)"


@functools.lru_cache(maxsize=16)
def _clause_regexes(joiners: frozenset, contrast: frozenset):
    """(where one item of a list or one clause ends, a turn from what usually happens to what this customer gets),
    from the language's word lists (words.yml: clause_joiners, contrast_words)."""
    return (re.compile(r"[,;:()]|\s[-\u2013\u2014]\s|" + _any_word(joiners)), re.compile(_any_word(contrast)))


def _explains(a, low, s, e, start, clause, sentence):
    """Whether an explaining phrase at s:e (a threshold, a refusal, the usual price) is about the amount at `start`:
    in its clause, after it in its sentence ("10%, but it starts at five desks"), or before it with no turn between
    ("orders of 50 or more get 10% off"; not "normally discounts are for bulk orders, but I'll do 12% off for you")."""
    if s <= start < e or clause[0] <= s < clause[1]:
        return True
    lo, hi = sentence or (0, len(low))
    if start < s < hi:
        return True
    return lo <= s < start and not _regexes(a)[1].search(low, e, start)


def _regexes(a):
    words = a.words
    if words is None:
        return _clause_regexes(frozenset(), frozenset())
    return _clause_regexes(frozenset(words.clause_joiners), frozenset(words.contrast_words))


def _clause_of(a, low, start, end, bounds=None):
    """(start, end) of the clause of `low` around the amount at start:end, within the sentence `bounds`: an amount is
    read with the words of its own clause, so in "the free delivery, or the 5% voucher, or the Lite at £499" the £499
    is not a voucher."""
    lo, hi = bounds or (0, len(low))
    breaks = _regexes(a)[0]
    for m in breaks.finditer(low, lo, start):
        lo = m.end()
    after = breaks.search(low, end, hi)
    return lo, after.start() if after else hi


def _money(x, unit):
    num = str(int(x)) if float(x).is_integer() else f"{x:.2f}"
    return f"{num}%" if unit == "%" else f"{unit}{num}"


def check_outcome(rule, a: Analysis, ctx):
    """The customer's last word: a session that ends with the customer giving up, escalating or leaving
    unhappy missed its purpose, however polite it was. A recorded outcome (the rule's `recorded`: escalated,
    hung_up) counts too. The rule reads the customer's last `last_turns` messages (2 by default)."""
    outcome = a.transcript.meta.get("outcome")
    if outcome in rule.spec.get("recorded", ("escalated", "hung_up")):
        return [finding(rule, None, match=outcome.replace("_", " "))]
    first_staff = a.staff[0] if a.staff else 0
    last_two = [i for i, t in enumerate(a.transcript.turns)
                if t.speaker == "customer" and i > first_staff][-rule.spec.get("last_turns", 2):]
    if not last_two:
        return None
    unhappy = set(rule.spec.get("unsatisfied", ()))
    last = a.customer_signals.get(last_two[-1], {})
    if "satisfied" in last:
        happy = max(last["satisfied"], key=lambda h: h.start)
        later = any(h.start > happy.start for name in unhappy for h in last.get(name, ()))
        earlier = any(h.start < happy.start for name in unhappy for h in last.get(name, ()))
        sarcastic = a.words.sarcastic_praise if a.words is not None else frozenset()
        if not later and not (earlier and happy.text.lower() in sarcastic):
            # "That'll do. Thanks." ends well, whatever came before; "Great. I'll just wait, shall I." does not, nor
            # does "So I'm still waiting. Great." (a bare "great" after a complaint is sarcasm)
            return []
    conditional = frozenset(a.words.conditional_openers) if a.words is not None else frozenset()
    for i in reversed(last_two):  # "That'll never arrive by Friday." / "No." ends badly too
        text = a.transcript.turns[i].text
        hits = [h for name in unhappy for h in a.customer_signals.get(i, {}).get(name, ())
                if not _warned(text, h.start, conditional)]
        if hits:
            h = hits[0]
            return [finding(rule, i, {"start": h.start, "end": h.end, "text": h.text}, h.text)]
    return []


def _warned(text: str, start: int, conditional) -> bool:
    """Whether the words at `start` are said on a condition opened earlier in their sentence ("Fine. If he doesn't
    show on Saturday, the review goes up"): a warning about what has just been agreed, not a bad ending."""
    sentence = _REPLY_ENDS.split(text[:start])[-1]
    return any(w in conditional for w in re.findall(r"\w+", sentence.lower()))


def check_substitution(rule, a: Analysis, ctx):
    out = []
    excused = set(rule.spec.get("except", ()))
    for i, start, end, text in ctx.phrase_hits.get(rule.id, []):
        if excused & a.marks(i):
            continue  # "I don't know yet, but I'll find out and call you by 4" already does what the swap asks
        # the form the trainee typed, where the pack gives a swap for it ("slutsålt" -> "... när det kommer in?"),
        # else the swap for any form of its words (a language matched on lemmas finds "slutsålda" by "slutsåld")
        better = ctx.forms.get((rule.id, swap_form(text))) or ctx.swap.get((rule.id, ctx.phrase_key(text)))
        fix = apply_swap(a.transcript.turns[i].text, start, end, better) if better else None
        out.append(finding(rule, i, {"start": start, "end": end, "text": text}, text, suggestion=better, fix=fix))
    return out


def swap_form(text: str) -> str:
    """A swap's phrase as written, for finding the swap of the very form a trainee typed: lower case, straight quotes,
    single spaces."""
    return " ".join(straighten_quotes(text).lower().split())


_ENDS = ".!?\u2026"  # marks that end a sentence
_OPENERS = "\"'\u00ab\u201e\u201c\u201a\u2018(["  # what may stand before a sentence's first word
_REPLY_ENDS = re.compile(r"[.!?\u2026]+")
_REPLY_CLAUSE = re.compile(r"[,;:]\s*")


def apply_swap(reply: str, start: int, end: int, better: str) -> str:
    """The reply with its words at start:end said as `better`, never with two marks in a row. A better wording that
    ends with a sentence's mark keeps it where the reply's sentence ends after the words, and the reply's marks go
    ("What's the problem?" -> "How can I help?", not "How can I help??"; "...kad prece pienāks?", not "pienāks?.");
    where the reply goes on after a comma, semicolon or colon, that mark goes and what follows starts a sentence
    ("Apsolu, rīt tā būs pie Jums." -> "... es Jums uzreiz paziņošu. Rīt tā būs pie Jums."); where it goes on with a
    word, the better wording's mark gives way ("What is the problem this time?" -> "How can I help this time?"). A
    better wording that starts the reply's sentence starts with a capital ("Nav problēmu, ..." -> "Labprāt, ...");
    within a sentence it stays as the pack writes it."""
    before, after = reply[:start], reply[end:]
    if better[:1].islower() and _starts_sentence(before):
        better = better[0].upper() + better[1:]
    if better.endswith(tuple(_ENDS)):
        marks, clause = _REPLY_ENDS.match(after), _REPLY_CLAUSE.match(after)
        if marks:
            after = after[marks.end():]
        elif clause:
            rest = after[clause.end():]
            after = " " + rest[:1].upper() + rest[1:] if rest else ""
        elif not _sentence_ends_before(after):
            better = better.rstrip(_ENDS)
    return before + better + after


def _sentence_ends_before(after: str) -> bool:
    """Whether the reply's sentence has ended where `after` (the rest of the reply after some words) starts: nothing
    follows, or a new line or a capitalised word does."""
    rest = after.lstrip()
    if not rest or "\n" in after[:len(after) - len(rest)]:
        return True
    return after[:1].isspace() and rest.lstrip(_OPENERS)[:1].isupper()


def _starts_sentence(before: str) -> bool:
    """Whether what follows `before` (the reply up to some words) starts a sentence."""
    if "\n" in before[len(before.rstrip()):]:
        return True
    text = before.rstrip().rstrip(_OPENERS).rstrip()
    return not text or text[-1] in _ENDS


def check_timing(rule, a: Analysis, ctx):
    measure = rule.spec["measure"]
    if measure == "answer":
        return _answer_time(rule, a)
    if measure == "reply":
        return _reply_times(rule, a)
    if measure == "wait":
        return _waits(rule, a)
    return _hold_times(rule, a)


def _answer_time(rule, a):
    """From the phone ringing to the answer (or the first staff words). A phone transcript without a ring event
    started ringing at t = 0, so the first staff turn's time is the answer time."""
    turns, mx = a.transcript.turns, rule.spec["max_seconds"]
    ring = next((i for i, t in enumerate(turns) if t.event == "ring" and t.t is not None), None)
    if ring is None:
        if a.transcript.channel != "phone":
            return None
        first = next((i for i, t in enumerate(turns) if t.speaker != "system" or t.event == "answer"), None)
        if (first is None or turns[first].speaker != "staff" and turns[first].event != "answer"
                or turns[first].t is None):
            return None
        start, ans = 0.0, first
    else:
        ans = next((i for i in range(ring + 1, len(turns))
                    if (turns[i].speaker == "staff" or turns[i].event == "answer") and turns[i].t is not None), None)
        if ans is None:
            return [finding(rule, None)]
        start = turns[ring].t
    waited = turns[ans].t - start
    if waited <= mx:
        return []
    staff = next((i for i in range(ans, len(turns)) if turns[i].speaker == "staff"), None)
    f = finding(rule, staff)
    f.message += " " + _say(a, "(answered after {waited} s; the standard is {max} s)", waited=_num(waited),
                            max=_num(mx))
    return [f]


def _reply_times(rule, a):
    turns, mx = a.transcript.turns, rule.spec["max_seconds"]
    excused = set(rule.spec.get("excused_by") or ())
    pairs = []
    for i, t in enumerate(turns):
        if t.speaker == "staff" and t.t is not None:
            prev = next((j for j in range(i - 1, -1, -1) if turns[j].speaker != "staff"), None)
            if prev is not None and turns[prev].speaker == "customer" and turns[prev].t is not None:
                said = next((j for j in range(prev - 1, -1, -1) if turns[j].speaker == "staff"), None)
                if said is not None and a.marks(said) & excused:
                    continue  # "let me check with dispatch, give me three minutes": the wait was announced
                pairs.append((i, t.t - turns[prev].t))
    return _over(rule, pairs, lambda gap: _say(a, "(this reply came after {gap} s; the standard is {max} s)",
                                               gap=_num(gap), max=_num(mx)))


def _waits(rule, a):
    """From a staff reply that asks the customer to wait (the rule's `after`: "One moment.", "give me two minutes while
    I check") to the staff member's next reply: a wait longer than max_seconds is a finding at the reply that ended
    it. The customer's "Hello? Are you still there?" in between does not end it; only the staff member can."""
    turns, mx, starts = a.transcript.turns, rule.spec["max_seconds"], set(rule.spec.get("after") or ())
    timed = [i for i in a.staff if turns[i].t is not None]
    waits = [(i, j) for i, j in zip(timed, timed[1:], strict=False) if a.marks(i) & starts]
    return _over(rule, [(j, turns[j].t - turns[i].t) for i, j in waits],
                 lambda gap: _say(a, "(you came back after {gap} s; the standard is {max} s)", gap=_num(gap),
                                  max=_num(mx)))


def _over(rule, gaps, says):
    """A finding at each (turn, seconds) longer than the rule's max_seconds, its message followed by says(seconds);
    None when there was nothing to time."""
    if not gaps:
        return None
    out = []
    for i, gap in gaps:
        if gap > rule.spec["max_seconds"]:
            f = finding(rule, i)
            f.message += " " + says(gap)
            out.append(f)
    return out


def _hold_times(rule, a):
    """From each hold event to the next resume, staff turn or hang-up. Every further `max_seconds` without a check
    back is another miss: three minutes of silence is worse than a minute and a half."""
    turns, mx = a.transcript.turns, rule.spec["max_seconds"]
    hold_events = [i for i, t in enumerate(turns) if t.event == "hold" and t.t is not None]
    if not hold_events:
        return None
    out = []
    for h in hold_events:
        end = next((j for j in range(h + 1, len(turns)) if turns[j].t is not None and
                    (turns[j].event in ("resume", "hangup", "transfer") or turns[j].speaker == "staff")), None)
        if end is None:
            continue
        held = turns[end].t - turns[h].t
        for k in range(1, math.ceil(held / mx)):  # 61-120 s: one miss, 121-180 s: two ...
            f = finding(rule, end if turns[end].speaker == "staff" else None)
            if k > 1:
                f.message += " " + _say(
                    a, "(on hold {held} s; the standard is {max} s; {silent} s without a check back)",
                    held=_num(held), max=_num(mx), silent=_num(k * mx))
            else:
                f.message += " " + _say(a, "(on hold {held} s; the standard is {max} s)", held=_num(held), max=_num(mx))
            out.append(f)
    return out


def check_limit(rule, a: Analysis, ctx):
    measure, mx = rule.spec["measure"], rule.spec["max"]
    if measure == "repeat":
        return _repeats(rule, a, mx)
    out = []
    for i in a.staff:
        text = a.transcript.turns[i].text
        if measure == "words":
            count = len(a.turn_words(i))
            if count > mx:
                f = finding(rule, i)
                f.message += " " + _say(a, "({count} words; the standard is at most {max})", count=count, max=_num(mx))
                out.append(f)
        elif measure == "exclamations":
            count = text.count("!")
            if count > mx:
                f = finding(rule, i)
                f.message += " " + _say(a, "({count} exclamation marks; at most {max})", count=count, max=_num(mx))
                out.append(f)
        elif measure == "caps":
            found = a.turn_words(i)
            long_words = [w for m in found if len(w := m.group(0)) > 1]
            caps = [w for w in long_words if w.isupper() and w not in ctx.jargon]
            if len(long_words) >= 3 and len(caps) / len(long_words) > mx:
                span = _shouted_run(text, found, ctx.jargon)
                out.append(finding(rule, i, span, span["text"] if span else None))
    return out


def _shouted_run(text, found, jargon):
    """The longest run of two or more words in capitals (one long one will do), as a span of the text."""
    best, run = None, []
    for m in found + [None]:
        w = m.group(0) if m else ""
        if m and len(w) > 1 and w.isupper() and w not in jargon:
            run.append(m)
            continue
        if run and (len(run) >= 2 or len(run[0].group(0)) >= 5):
            if best is None or run[-1].end() - run[0].start() > best[1] - best[0]:
                best = (run[0].start(), run[-1].end())
        run = []
    return {"start": best[0], "end": best[1], "text": text[best[0]:best[1]]} if best else None


def _repeats(rule, a, mx):
    seen_text, seen_open, out = {}, {}, []
    turns = a.transcript.turns
    for i in a.staff:
        words = re.findall(r"[^\W_]+(?:'[^\W_]+)*", straighten_quotes(turns[i].text).lower())
        if not words:
            continue
        whole = " ".join(words)
        seen_text[whole] = seen_text.get(whole, 0) + 1
        repeated = seen_text[whole] > mx
        if not repeated and len(words) >= 6:
            opener = " ".join(words[:5])
            seen_open[opener] = seen_open.get(opener, 0) + 1
            repeated = seen_open[opener] > mx
        if repeated:
            text = turns[i].text
            out.append(finding(rule, i, {"start": 0, "end": len(text), "text": text}, None))
    return out


def check_voice(rule, a: Analysis, ctx):
    """How the spoken replies sounded (a turn's `voice` measures, coach/voice). Not applicable to a session
    with no spoken reply: typed replies have no pace or loudness."""
    spoken = [i for i in a.staff if a.transcript.turns[i].voice]
    if not spoken:
        return None
    spec, out = rule.spec, []
    for i in spoken:
        v = a.transcript.turns[i].voice
        measure = spec["measure"]
        if measure == "pace":
            wpm = v.get("words_per_minute")
            if wpm is None or len(a.transcript.turns[i].text.split()) < spec.get("min_words", 6):
                continue  # "Yes, of course." has no pace worth reading
            lo, hi = spec.get("min"), spec.get("max")
            if (lo is not None and wpm < lo) or (hi is not None and wpm > hi):
                f = finding(rule, i)
                f.message += " " + _say(a, "({wpm} words a minute; the standard is {low} to {high})",
                                        wpm=_num(round(wpm)), low=_num(lo or 0), high=_num(hi) if hi else "-")
                out.append(f)
        elif measure == "dead_air":
            long = [x for x in v.get("silences") or () if x["end"] - x["start"] > spec["max"]]
            if long:
                worst = max(x["end"] - x["start"] for x in long)
                f = finding(rule, i)
                f.message += " " + _say(a, "({count} silence(s), the longest {secs} s at {at} s; the standard is at "
                                           "most {max} s)", count=len(long), secs=_num(round(worst, 1)),
                                        at=_num(round(max(long, key=lambda x: x["end"] - x["start"])["start"], 1)),
                                        max=_num(spec["max"]))
                out.append(f)
        elif measure == "talk_over":
            over = v.get("talk_over_s") or 0.0
            if over > spec["max"]:
                f = finding(rule, i)
                f.message += " " + _say(a, "(you spoke over the caller for {secs} s)", secs=_num(round(over, 1)))
                out.append(f)
        elif v.get("too_quiet") or v.get("clipped"):
            f = finding(rule, i)
            f.message += " " + (_say(a, "(too quiet to hear well)") if v.get("too_quiet")
                                else _say(a, "(so loud the sound broke up)"))
            out.append(f)
    return out


def _say(a: Analysis, message: str, **values) -> str:
    """An engine-made part of a finding's message, in the pack's language (coach/i18n.py)."""
    return say(a.language, message, **values)


def _num(x):
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


CHECKS = {
    "avoid": check_avoid, "substitution": check_substitution, "require": check_require,
    "sequence": check_sequence, "conditional": check_conditional, "timing": check_timing,
    "limit": check_limit, "offers": check_offers, "outcome": check_outcome, "voice": check_voice,
}
