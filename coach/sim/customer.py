"""The customer simulator: a scenario's customer reacting to what the trainee does, turn by turn.

Pure and deterministic: the customer's whole state is a small JSON-able dict (CustomerState), and every
random choice is seeded by (seed, scenario, turn, what is chosen), so a session replays exactly from its
seed and its staff turns, in any process. The rules are described in bot/scenarios/README.md.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from coach.behaviors import POOR_PRACTICE
from coach.detect.lexicon import load_lexicon
from coach.detect.markup import straighten_quotes
from coach.sim.lines import customer_lines
from coach.sim.lines import words_of as _words
from coach.sim.scenario import BANDS, Scenario, band_of
from coach.standards.situation import PRICED_AFTER, amounts, offer_near
from coach.vocabulary import CONVERSATION_CHANNELS

DECAY = 0.5  # the second apology is worth half the first, the third a quarter
REPEAT_PENALTY = -0.1
OFF_TOPIC_PENALTY = -0.1  # a fix offered for another problem than this customer's
CONTRADICTION_PENALTY = -0.1  # "three days" a minute ago, "five days" now; a £45 voucher, then a £15 one
OFFER_REACH = 15  # an offer's word this close to an amount makes it that offer: "a £10 credit", "a credit of £30"
WRONG_NAME_PENALTY = -0.05  # "Ms Olsen" to Mrs Price
REACTION_LINE_BELOW = -0.08  # poor practice whose reaction is milder than this costs mood but gets no line
IDLE_AFTER, IDLE_PENALTY = 3, -0.1  # the third empty reply in a row, and each after it, costs mood (x temper)
OFFERED = ("solution", "next_steps", "hold_or_transfer")  # count only when about this customer's problem
# after the mix-up is noticed, this many more replies still meant for someone else and the customer leaves: readers
# found a customer who says "Still not my question" turn after turn, instead of giving up, the least believable
STILL_OFF_LIMIT = 2
STRANGERS_TO_CONFUSE = 2  # another company's greeting names two things at least: "Marta from Norrpack Supplies"
# an answer about another problem, a reply naming another customer's things, and any reply after that which still
# names nothing of this customer's case (it stays wary: no credit, no thanks, and it says so again, briefly)
OFF_TOPIC = ("off_topic", "stranger", "still_off")
# a brush-off: a reply that promises, hands over, brushes aside or closes and meets nothing, asks nothing and names
# nothing definite; the second in a row costs mood and the customer says so, the third and it leaves
BRUSH_OFF = OFFERED + ("dismissive", "check_resolution", "closing")  # (apologies wear off by themselves)
BRUSH_OFF_SAY, BRUSH_OFF_LIMIT, BRUSH_OFF_PENALTY = 2, 3, -0.1
CALL_EVENTS = ("answer", "hold", "resume", "transfer", "hangup")
GRIEVANCE = ("empathy", "apology")  # a need met only by these is a grievance: its ask is a complaint
_TIME = re.compile(r"\b(\d{1,2}([:.]\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon|midday|end of (the )?day|"
                   r"(next|this) (week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
                   r"\d+\s*(working |business )?(minutes?|hours?|days?|weeks?|mins?|hrs?))\b", re.I)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# words in quotation marks: «...», „...“, “...”, ”...”, ‘...’, "..." and '...' (not an apostrophe: can't, customers')
# (an apostrophe inside the quoted words is one: 'Can't' quotes "can't")
_QUOTED = re.compile(r"«([^»]+)»|„([^“”]+)[“”]|“([^”]+)”|”([^”]+)”|‘([^’]+)’|\"([^\"]+)\"|"
                     r"(?<![^\W_])'((?:[^']|(?<=[^\W_])'(?=[^\W_]))+?)'(?![^\W_])")
_STOP = re.compile(r"[.!?…](?:\s|$)")
_WORD = re.compile(r"(?<![^\W_])[^\W\d_]{2,}")  # a word of letters
_INNER_WORD = re.compile(r"(?<=[^\W\d_] )([^\W\d_]{2,})")  # a word after another word and a space


class SimulationError(ValueError):
    """A request the simulator cannot follow (a call event in a chat, a turn after the end, ...)."""


@lru_cache(maxsize=256)  # a turn asks it twice (the needs met, and whether an answer is concrete)
def names_a_time(text: str, language: str = "en") -> bool:
    """Does a reply name a time or day for what happens next ("by 3 pm", "tomorrow", "within 2 days")? Other
    languages than English answer with their `time_given` staff signal (lexicons/<lang>/signals.yml)."""
    if language != "en":
        matcher = _time_signals(language)
        return bool(text) and bool(matcher.match("staff", matcher.nlp(straighten_quotes(text))).get("time_given"))
    if _TIME.search(text):
        return True
    words = set(re.findall(r"[a-z]+", text.lower()))
    lists = load_lexicon("en").words
    return bool(words & (lists.time_words - lists.duration_words - {"shortly"}))  # a moment, not a length


@lru_cache(maxsize=None)
def _time_signals(language: str):
    """The signals of a language over its blank tokenizer (signals match words, not lemmas)."""
    import spacy

    from coach.detect.signals import SignalMatcher

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return SignalMatcher(nlp, language)


@dataclass
class CustomerState:
    mood: float
    turn: int = 0  # staff replies so far
    counts: dict = field(default_factory=dict)  # behaviour -> times seen
    met: list = field(default_factory=list)  # needs met, in the order they were met
    given: list = field(default_factory=list)  # facts the customer has told
    used: dict = field(default_factory=dict)  # line pool -> indices already said
    said_before: list = field(default_factory=list)  # normalised staff replies, to notice repetition
    openers: list = field(default_factory=list)  # their first five words
    call: str = "connected"  # phone: ringing, connected, on_hold, ended
    rang_at: float = 0.0
    hold_at: float | None = None
    awaiting_greeting: bool = False  # phone: answered, the customer waits for the trainee to speak first
    just_resumed: bool = False
    last_behaviors: list = field(default_factory=list)
    last_band: str = ""  # the mood band when the customer last spoke
    idle: int = 0  # staff replies in a row that moved nothing
    corrected: list = field(default_factory=list)  # wrong names the customer has corrected
    promised: dict = field(default_factory=dict)  # "need:unit" -> [number, words]: the lengths of time given
    named: list = field(default_factory=list)  # the needs the last staff reply named (talked about)
    confused: bool = False  # a reply named things of another customer's case, and none since named this one's
    brushed: int = 0  # brush-offs in a row
    off: int = 0  # replies in a row meant for someone else (a mix-up noticed, and still nothing of this case)
    told_open: bool = False  # the staff said goodbye with a need open, and the customer has said so
    asking: str = ""  # the need the customer's last question was about
    asked: int = 0  # its messages in a row that asked about that need (a third, to a reply that moved nothing, waits)
    outcome: str | None = None
    customer_said: list = field(default_factory=list)  # the customer's messages so far, never said twice
    choices: int = 0  # random choices made so far (part of each choice's seed)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "CustomerState":
        return cls(**d)


@dataclass
class CustomerReply:
    text: str | None  # None: the customer says nothing (ringing, on hold)
    mood: float
    mood_change: float
    band: str
    outcome: str | None
    needs_met: list
    newly_met: list
    notes: list  # why the mood moved, for the trainee: "apology +0.12", "blame -0.39"
    facts_given: list

    def as_dict(self) -> dict:
        return asdict(self)


class CustomerSimulator:
    """One customer of one scenario. `staff_says` for each trainee reply, `call_event` for the phone."""

    def __init__(self, scenario: Scenario, seed: int = 0, state: CustomerState | dict | None = None,
                 channel: str | None = None):
        self.scenario = scenario
        self.seed = int(seed)
        # any scenario can be practised in chat or on the phone; its own channel is the default
        self.channel = channel or scenario.channel
        if self.channel not in CONVERSATION_CHANNELS:
            raise SimulationError(f"channel {self.channel!r}: expected chat or phone")
        if isinstance(state, dict):
            state = CustomerState.from_dict(state)
        self.state = state or CustomerState(mood=scenario.start_mood,
                                            call="ringing" if self.channel == "phone" else "connected")

    # -- the start --------------------------------------------------------------------------------
    def opening(self) -> CustomerReply:
        """Chat: the customer's first message. Phone: the call rings (no words until it is answered)."""
        if self.channel == "phone":
            return self._reply(None, 0.0, [], [], [])
        text = self._choose("openings", self.scenario.openings)
        self.state.customer_said.append(text)
        return self._reply(text, 0.0, [], [], [])

    # -- a staff reply ----------------------------------------------------------------------------
    def staff_says(self, text: str, behaviors, t: float | None = None) -> CustomerReply:
        s = self.state
        if s.outcome is not None:
            raise SimulationError(f"the session has ended ({s.outcome}); start a new one to practise again")
        behaviors = set(behaviors)
        before, notes, ended = self._settle_call(t)
        if ended is not None:
            return ended
        s.turn += 1
        if "solution" in behaviors and not self._fixes(text):
            behaviors.discard("solution")  # "the lids were short on Monday, our mistake": why, and no fix yet
            notes.append("explains what went wrong, offers nothing yet: no fix")
        credited, missed = self._about_the_problem(text, behaviors, notes)
        delta = self._reactions(credited, notes)  # each step adds to the mood change in turn
        delta += OFF_TOPIC_PENALTY if missed in OFF_TOPIC else 0.0
        delta = self._repetition(text, notes, delta)
        changed = self._contradiction(text)
        if changed:
            delta += CONTRADICTION_PENALTY
            notes.append(f"said {changed[1]}, after {changed[0]} earlier {CONTRADICTION_PENALTY:+.2f}")
        misnamed = customer_lines(self.scenario.language).wrong_names(text, self._names())
        if misnamed:
            delta += WRONG_NAME_PENALTY
            notes.append(f"called the customer {misnamed[0]} {WRONG_NAME_PENALTY:+.2f}")
        corrected = [n for n in misnamed if n not in s.corrected]  # it says its name once for each wrong one
        s.corrected += corrected
        delta = self._phone_manners(behaviors, notes, delta)
        surprise = self._policy_notes(text, notes)
        newly = [] if missed in ("stranger", "still_off") else self._meet_needs(text, behaviors)
        delta = self._idle(newly, behaviors, notes, delta)
        facts = [] if missed in ("stranger", "still_off") else self._facts_asked(text, behaviors)
        delta = self._brush_off(text, newly, behaviors, missed, facts, notes, delta)
        s.mood = _clamp(s.mood + delta)
        s.last_behaviors = sorted(behaviors)
        newly += self._details_settled(facts)
        outcome = self._decide()
        if outcome:
            return self._end(outcome, before + delta, newly, notes, facts, applied=True)
        heard = {"missed": missed, "changed": changed, "misnamed": bool(corrected),
                 "surprise": None if missed else surprise,  # no thanks for an offer meant for someone else
                 "goodbye": self._goodbye(text, behaviors), "wait": self._asked_to_wait(text, behaviors, missed)}
        text = self._next_line(behaviors, facts, newly, heard)
        if text is None:  # everything it could say, it has said: it gives up rather than repeat itself
            notes.append("the customer had asked every way it could and gave up")
            return self._end("hung_up", before + delta, newly, notes, facts, applied=True)
        s.customer_said.append(text)
        return self._reply(text, before + delta, newly, notes, facts)

    def _settle_call(self, t):
        """Speaking before pressing Answer answers the call; speaking to a caller on hold takes them off it.
        Returns (the mood change already applied, notes, the reply when that ended the call, else None)."""
        s, before, notes = self.state, 0.0, []
        for state, event in (("ringing", "answer"), ("on_hold", "resume")):
            if s.call == state:
                pre = self.call_event(event, t if t is not None else (s.hold_at or s.rang_at))
                if pre.outcome:
                    return before, notes, pre
                before += pre.mood_change  # already applied to the mood by call_event
                notes += pre.notes
        return before, notes, None

    def _about_the_problem(self, text, behaviors, notes) -> tuple[set, str | None]:
        """What is offered, arranged or handed over counts only when it is about this customer's problem (names
        what one of the needs is about). Returns the behaviours that earn their reaction, and what was missed:
        - "stranger": the reply names two or more things this customer has never heard of (another company,
          product or place; one is enough with another customer's name) and nothing of its own case: it meets
          nothing, costs mood and gets an `off_topic` line;
        - "still_off": after such a mix-up (or an offer for another problem), the reply still names nothing of its
          case: the same, with a brief `still_off` line; until a reply names its case, words that fit anyone's
          case ("order", "deliver") no longer count as about it;
        - "off_topic": something concrete (a number, a time, an unknown name) about another problem: it costs mood,
          gets an `off_topic` line and is a mix-up the customer stays wary of;
        - "vague": a fix, next step or hand-over that says nothing concrete about anything: it earns nothing and the
          customer asks again;
        - None otherwise."""
        s, lines = self.state, customer_lines(self.scenario.language)
        was = s.confused
        specific = [n.id for n in self.scenario.needs if n.named_in(text, lines.is_everyday)]
        strangers = [] if specific else self._strangers(text)
        greets = behaviors & {"greeting", "self_identification"}
        introduced = [] if specific or not greets else self._strangers(text, introduced=True)
        strangers += [n for n in introduced if n not in strangers]
        # one unknown name ("I've asked DPD to redeliver it") is likely a carrier, tool or place; with another
        # customer's name ("Hello, Sergei! ... «Masterok»") it is someone else's answer, and so it is when the staff
        # member introduces themself from a company this customer never contacted ("this is Sam from Toolhouse")
        sure = introduced or lines.wrong_names(text, self._names())
        if len(strangers) < (1 if sure else STRANGERS_TO_CONFUSE):
            strangers = []
        s.confused = bool(strangers) or (s.confused and not specific)
        s.off = s.off + 1 if s.confused else 0
        s.named = specific if s.confused else [n.id for n in self.scenario.needs if n.named_in(text)]
        offered = behaviors & set(OFFERED)
        if strangers:
            notes.append(f"names {', '.join(strangers)}, unknown to this customer: a reply for someone else "
                         f"{OFF_TOPIC_PENALTY:+.2f}")
            return behaviors - offered, "stranger"
        if was and s.confused:
            notes.append("still nothing of this customer's case since the mix-up: no credit")
            return behaviors - offered, "still_off"
        if not offered or s.named:
            return behaviors, None
        notes.append(f"{', '.join(sorted(offered))} not about this customer's problem: no credit")
        if self._concrete(text):
            notes.append(f"an offer for another problem {OFF_TOPIC_PENALTY:+.2f}")
            s.confused = True  # it has noticed a mix-up: it stays wary until a reply names its case
            return behaviors - offered, "off_topic"
        return behaviors - offered, "vague"

    def _strangers(self, text, introduced=False) -> list[str]:
        """The names in a reply that this customer has never heard of: capitalised words inside a sentence that are
        not in its scenario (alike but for the last three letters counts: «Свежего», «свежий»), not everyday words
        (Friday, SMS) and not the name the trainee gives themself or a colleague. `introduced`: only those in a
        sentence where the trainee greets and gives their own name, after its first word (their company: "Hello,
        this is Sam from Toolhouse", «Добрый день, магазин «Солнечный зайчик», меня зовут Вера»)."""
        lines, known = customer_lines(self.scenario.language), self.scenario.known_words
        own = lines.own_names(text)
        if introduced:  # the names in the opening sentences where the trainee gives their own name, but the first
            said = [x for x in sentences(text)[:2] if any(re.search(rf"\b{re.escape(n)}\b", x) for n in own)]
            names = [n for x in said for n in _WORD.findall(x)[1:] if n[0].isupper() and n not in own]
        else:
            names = [n for n in _names_in(text) if n not in own]
        out = []
        for name in names:
            stem = name.lower()[:max(4, len(name) - 3)]
            if not lines.is_everyday(name) and not any(k.startswith(stem) for k in known) and name not in out:
                out.append(name)
        return out

    def _concrete(self, text) -> bool:
        """Does a reply name something definite: a number, a time, or a name (a capitalised word inside a sentence)
        that appears nowhere in what this customer knows (the scenario's brief, persona, facts and lines)?"""
        if re.search(r"\d", text) or names_a_time(text, self.scenario.language):
            return True
        return any(n.lower() not in self.scenario.known_words for n in _names_in(text))

    def _reactions(self, behaviors, notes) -> float:
        """The scenario's reaction to each behaviour; good service wears off when repeated, bad does not."""
        s, sc, delta = self.state, self.scenario, 0.0
        for b in sorted(behaviors):
            base = sc.reactions.get(b, 0.0)
            if not base:
                continue
            k = s.counts.get(b, 0)
            s.counts[b] = k + 1
            d = base * DECAY ** k if base > 0 else base * (0.5 + sc.temper)  # bad service does not wear off
            delta += d
            notes.append(f"{b} {d:+.2f}")
        return delta

    def _repetition(self, text, notes, delta) -> float:
        """A reply said before, or opening like one, annoys."""
        s = self.state
        whole = _words(text)  # any alphabet: Russian repeats annoy too
        words = whole.split()
        opener = " ".join(words[:5])
        if whole and (whole in s.said_before or (len(words) >= 6 and opener in s.openers)):
            delta += REPEAT_PENALTY
            notes.append(f"repeated reply {REPEAT_PENALTY:+.2f}")
        s.said_before.append(whole)
        if len(words) >= 6:
            s.openers.append(opener)
        return delta

    def _names(self) -> list[str]:
        """The customer's names (first and family name, from the persona)."""
        return str(self.scenario.persona.get("name", "")).replace("-", " ").split()

    def _contradiction(self, text) -> tuple[str, str, bool] | None:
        """A length of time that changes for the same thing ("the refund lands within three working days", then
        "the refund takes five days"), or an amount offered for the same thing that drops ("a £45 voucher", then
        "the £15 voucher"): (what was said before, what is said now), or None. A length counts for the needs its
        sentence is about (`shows`), an amount for the kind of offer its sentence names (`situation.offers` words;
        a sentence with two amounts of one unit says nothing sure of either); the latest of each is remembered. An
        amount that grows is no complaint (an offer beyond the limits is a pleasant surprise instead). The third item
        says whether it is an amount (a dropped offer, which the customer holds the trainee to)."""
        s, out, now = self.state, None, {}
        for unit, n, words, start in customer_lines(self.scenario.language).durations(text):
            sentence = _sentence_at(text, start)
            for need in self.scenario.needs:
                if need.named_in(sentence):
                    now.setdefault(f"{need.id}:{unit}", [n, words, False])
        for value, unit, start, end, what in self._offered_amounts(text):
            now.setdefault(f"offer:{what}:{unit}", [value, text[start:end], True])
        for key, (n, words, amount) in now.items():
            before = s.promised.get(key)
            if before and before[0] != n and out is None and not (amount and n > before[0]):
                out = (before[1], words, amount)
            s.promised[key] = [n, words]
        return out

    def _offered_amounts(self, text) -> list[tuple]:
        """The amounts a reply offers, each with the kind of offer it is of: (value, unit, start, end, what). An
        amount is of the offer whose word is right next to it ("a £10 credit", "a credit of £30": offer_near within a
        few characters), so "refunding the £54.99 and a £10 credit" reads the £10 as the credit; with no such word,
        of the kind its sentence names when the sentence has no other amount of that unit."""
        low, offers, found = text.lower(), self.scenario.situation.offers, list(amounts(text))
        out = []
        for value, unit, start, end in found:
            bounds = _sentence_bounds(low, start)
            near = offer_near(offers, unit, low, start, end, bounds, reach=OFFER_REACH) if offers else None
            if near is not None:
                out.append((value, unit, start, end, near.what))
                continue
            sentence = low[bounds[0]:bounds[1]]
            if sum(u == unit and _sentence_bounds(low, st) == bounds for _, u, st, _ in found) > 1:
                continue  # two amounts of one unit and no word beside either: nothing sure of either
            what = next((w for w, u, _, words in self._limits()
                         if words and u == unit and _names_offer(sentence, words)), None)
            if what:
                out.append((value, unit, start, end, what))
        return out

    def _idle(self, newly, behaviors, notes, delta) -> float:
        """Replies that move nothing (no need met, nothing about the problem) wear the customer down: from the third
        in a row each costs mood (unless poor practice in it already did), so empty politeness ends in escalation."""
        s = self.state
        s.idle = 0 if newly or s.named else s.idle + 1
        if s.idle >= IDLE_AFTER and not behaviors & set(POOR_PRACTICE):
            cost = IDLE_PENALTY * (0.5 + self.scenario.temper)
            notes.append(f"{s.idle} replies in a row with nothing new {cost:+.2f}")
            delta += cost
        return delta

    def _brush_off(self, text, newly, behaviors, missed, facts, notes, delta) -> float:
        """A reply that promises, hands over, brushes aside or closes (BRUSH_OFF) and meets no need, asks nothing and
        names nothing definite is a brush-off: from the second in a row each costs mood (x temper) and the customer
        says so; the third and it leaves (_decide)."""
        s = self.state
        brushed = (not newly and missed not in OFF_TOPIC and not facts and "information_request" not in behaviors
                   and bool(behaviors & set(BRUSH_OFF)) and not self._concrete(text))
        s.brushed = s.brushed + 1 if brushed else 0
        if s.brushed >= BRUSH_OFF_SAY:
            cost = BRUSH_OFF_PENALTY * (0.5 + self.scenario.temper)
            notes.append(f"brushed off {s.brushed} times in a row {cost:+.2f}")
            delta += cost
        return delta

    def _phone_manners(self, behaviors, notes, delta) -> float:
        """On the phone: a greeting or name when answering, thanks or an update after a hold."""
        s = self.state
        if s.awaiting_greeting and not behaviors & {"greeting", "self_identification"}:
            delta -= 0.1
            notes.append("no greeting or name when answering -0.10")
        if s.just_resumed:
            if behaviors & {"thanks", "apology"}:
                delta += 0.05
                notes.append("thanked for holding +0.05")
            else:
                delta -= 0.1
                notes.append("no thanks or update after the hold -0.10")
            s.just_resumed = False
        return delta

    def _limits(self) -> list[tuple]:
        """The most that may be offered of each kind: (what, unit, most, words naming it), from `situation.offers`
        and the policy's `max_discount_percent` (no words: any percentage)."""
        sc = self.scenario
        limits = [(o.what, o.unit, o.max, tuple(o.words)) for o in sc.situation.offers]
        limit = sc.policy.get("max_discount_percent")
        if isinstance(limit, (int, float)) and not any(u == "%" for _, u, _, _ in limits):
            limits.append(("discount", "%", limit, ()))
        return limits

    def _policy_notes(self, text, notes) -> str | None:
        """An offer beyond what the situation allows (`situation.offers`, or the policy's `max_discount_percent`)
        is noted; the customer happily takes it (the first such amount, as written, is returned: a pleasant
        surprise it remarks on), and the scorecard shows it as a promise the company cannot keep."""
        low, seen, first = text.lower(), set(), None
        offers = self.scenario.situation.offers
        for value, unit, start, end in amounts(text):
            if PRICED_AFTER.match(low, end):
                continue  # "5% off, £1,233.10 in total" states what the customer pays
            # the offer an amount is of is named by the word nearest to it in its sentence, as the scorecard reads it
            # (coach.standards.situation.offer_near): "free assembly, which saves you £90" offers no £90 discount
            bounds = _sentence_bounds(low, start)
            near = offer_near(offers, unit, low, start, end, bounds) if offers else None
            for what, u, most, words in self._limits():
                named = not words or (near is not None and near.what == what and near.unit == u)
                if u == unit and value > most and named and (value, unit) not in seen:
                    seen.add((value, unit))
                    first = first or text[start:end]
                    shown = f"{value:g}%" if unit == "%" else f"{unit}{value:g}"
                    notes.append(f"offered {shown} ({what}); the most you may offer here is "
                                 f"{f'{most:g}%' if unit == '%' else f'{unit}{most:g}'} (policy)")
        return first

    def _meet_needs(self, text, behaviors) -> list[str]:
        """The needs this reply meets for the first time (a need that asks for a time needs one named)."""
        s, newly = self.state, []
        timed = names_a_time(text, self.scenario.language)
        for need in self.scenario.needs:
            about = not need.shows or need.id in s.named
            if need.id not in s.met and behaviors & set(need.by) and about and (timed or not need.needs_time):
                s.met.append(need.id)
                newly.append(need.id)
        return newly

    def _details_settled(self, facts) -> list[str]:
        """A need for details is met once the customer has given one of its facts, or once its problem is solved:
        the customer does not go on offering its order number after handing it over or after the fix."""
        s, sc = self.state, self.scenario
        solved = any(n.id in s.met for n in sc.needs if "solution" in n.by)
        newly = [n.id for n in sc.needs if set(n.by) == {"information_request"} and n.id not in s.met
                 and (facts or solved)]
        s.met += newly
        return newly

    def _facts_asked(self, text, behaviors) -> list[str]:
        """The customer's answers to what the reply asks about that it has not given yet."""
        s, facts = self.state, []
        if "information_request" in behaviors or "?" in text:
            low = text.lower()
            for fact in self.scenario.facts:
                if fact.id not in s.given and any(re.search(rf"\b{re.escape(k)}", low) for k in fact.ask):
                    s.given.append(fact.id)
                    pool = f"fact:{fact.id}"
                    facts.append(self._fresh(pool, fact.say, facts, value=fact.value)
                                 or self._choose(pool, fact.say).format(value=fact.value))
        return facts

    def _next_line(self, behaviors, facts, newly, heard) -> str | None:
        """What the customer says next: the opening line after the greeting, else a composed reply; None when it
        has nothing left to say that it has not said already (it gives up)."""
        s = self.state
        if s.awaiting_greeting:
            s.awaiting_greeting = False
            return self._choose("openings", self.scenario.openings)
        text = self._compose(behaviors, facts, newly, heard) or None
        s.last_band = band_of(s.mood)
        return text

    def _compose(self, behaviors, facts, newly, heard) -> str:
        """[a reaction to a wrong name, a contradiction, an offer beyond the limits, a brush-off, poor service, an
        offer for another problem, or a mood line] + [facts asked for] + [the first unmet need's ask, or for details
        asked for in vain, the detail itself; after the staff's goodbye, an answer to it instead (nothing more after
        a line about a reply for someone else); when asked to hold on, its agreement instead].

        `heard`: what the reply did (missed, changed, misnamed, surprise; goodbye, wait: it ends or asks to hold).
        A message has one tone: a pleased line (a good mood, a pleasant surprise) is not followed by a grievance (the
        ask of a need met by empathy or apology), and a part that follows another does not open with an
        acknowledgement again (_joined). Every part is a line not said yet in this session: a pool that is used up
        gives way to the next (another reaction, a mood line, the next unmet need), so no sentence repeats."""
        s, sc = self.state, self.scenario
        first, pleased = self._first_line(behaviors, facts, newly, heard)
        parts = ([first] if first else []) + facts
        unmet = [n for n in sc.needs if n.id not in s.met]
        lines = customer_lines(sc.language)
        if heard.get("held"):  # "Hang on, you said £30 a minute ago. Now it's £10? I'll hold you to the £30.":
            return _joined(parts, lines.acknowledgements)  # readers found the next question there letting it go
        if heard.get("wait"):  # asked to hold on: it agrees, and its next question waits
            said = self._fresh("wait_ok", lines.wait_ok, parts)
            return _joined(parts + ([said] if said else []), lines.acknowledgements)
        if heard.get("goodbye"):  # the staff said goodbye: answer it, or say once that something is still open
            if first and heard.get("missed") in OFF_TOPIC:
                return _joined(parts, lines.acknowledgements)  # "Still not my question." says it all
            pool, options = ("still_open", lines.still_open) if unmet and not s.told_open else ("goodbye",
                                                                                                lines.goodbye)
            s.told_open = s.told_open or bool(unmet)
            said = self._fresh(pool, options, parts)
            return _joined(parts + ([said] if said else []), lines.acknowledgements)
        ready = [n for n in unmet if set(self._after(n)) <= set(s.met)]  # "when?" waits for "what?", always
        if ready and ready[0].id == s.asking and s.asked >= 2 and not (newly or facts or s.named):
            s.asked = 0  # asked twice about it and answered with nothing: no third rephrasing, it says it is stuck
            stuck = self._stuck(first, parts)
            if stuck is not None:
                return stuck
        for need in ready:
            if pleased and set(need.by) <= set(GRIEVANCE):
                continue  # "Thank you, that's generous." is not followed by "Why should I stay with you?"
            given = self._volunteer(need, parts, heard)
            if not given and self._offered_in_vain(need):
                # it offered its details and the reply took no notice: offering again, and again, reads as a loop
                # (round 12's readers: "offers her budget three times in almost the same words"); it says it is stuck
                stuck = self._stuck(first, parts)
                if stuck is not None:
                    return stuck
            ask = given or self._fresh(f"need:{need.id}", need.ask, parts)
            if ask:
                parts.append(ask)
                s.asked = 0 if given else (s.asked + 1 if need.id == s.asking else 1)
                s.asking = need.id
                break
        return _joined(parts, lines.acknowledgements)

    def _fixes(self, text) -> bool:
        """Does the reply do or offer something (a `fixes` word of lines/<lang>.yml: "will", "can", "refund")? One
        that only explains what went wrong is no fix, however it names the problem."""
        return _begins_any(text, customer_lines(self.scenario.language).fixes)

    def _goodbye(self, text, behaviors) -> bool:
        """Does the reply end the conversation? Only when the detector reads a closing and the last sentence says
        goodbye (lines/<lang>.yml farewell) and asks nothing: "Thanks for your patience." mid-reply is no goodbye."""
        said = sentences(text)
        if "closing" not in behaviors or not said or "?" in said[-1]:
            return False
        return _begins_any(said[-1], customer_lines(self.scenario.language).farewell)

    def _asked_to_wait(self, text, behaviors, missed) -> bool:
        """Does the reply ask the customer, about its own case, to hold on or be put through ("May I put you on
        hold for a minute while I check?")? The customer agrees before anything else: a hand-over that asks."""
        said = sentences(text)
        return "hold_or_transfer" in behaviors and missed is None and bool(said) and said[-1].endswith("?")

    def _surprise_lines(self) -> tuple[str, tuple]:
        """(pool, lines) for an offer beyond the limits, as this customer takes it: in the way of one of its personas
        or its customer type when the language has lines for it (a haggler pushes on), grudgingly while annoyed or
        worse, else pleased (lines/<lang>.yml beyond_policy_by, beyond_policy_upset, beyond_policy)."""
        sc, lines = self.scenario, customer_lines(self.scenario.language)
        for kind in [*sc.persona.get("personas", []), sc.persona.get("customer_type")]:
            if kind in (lines.beyond_policy_by or {}):
                return f"beyond_policy:{kind}", lines.beyond_policy_by[kind]
        if BANDS.index(band_of(self.state.mood)) <= BANDS.index("annoyed"):
            return "beyond_policy_upset", lines.beyond_policy_upset
        return "beyond_policy", lines.beyond_policy

    def _first_offer(self, newly, facts) -> str | None:
        """A customer who haggles (one of its personas or its customer type has lines/<lang>.yml first_offer_by lines)
        takes the first fix offered as a start, not with delight: readers found a hard bargainer who says "Excellent"
        to free delivery the least believable of the well served."""
        sc, lines = self.scenario, customer_lines(self.scenario.language)
        fixes = {n.id for n in sc.needs if "solution" in n.by}
        if not fixes & set(newly) or fixes & set(self.state.met) - set(newly):
            return None
        kind = next((k for k in [*sc.persona.get("personas", []), sc.persona.get("customer_type")]
                     if k in (lines.first_offer_by or {})), None)
        return self._fresh(f"first_offer:{kind}", lines.first_offer_by[kind], facts) if kind else None

    def _first_line(self, behaviors, facts, newly, heard) -> tuple[str | None, bool]:
        """The customer's reaction to the reply, or None; and whether it is a pleased one (a good mood line, a
        pleasant surprise). A mood line answers something: a need met by a reply about this customer's problem,
        the mood falling, or poor service whose own lines are used up (not a greeting, and never a pleased line for
        an apology about something else)."""
        s, sc, lines = self.state, self.scenario, customer_lines(self.scenario.language)
        missed, changed = heard.get("missed"), heard.get("changed")
        if heard.get("misnamed"):
            said = self._fresh("wrong_name", lines.wrong_name, facts, name=sc.persona.get("name", ""))
            if said:
                return said, False
        if changed:
            said = self._fresh("contradiction", lines.contradiction, facts, before=changed[0], now=changed[1])
            if said and changed[2]:  # a dropped offer: it holds the trainee to the first amount, and asks nothing else
                held = self._fresh("held_to", lines.held_to, [said, *facts], before=changed[0])
                heard["held"] = bool(held)
                said = f"{said} {held}" if held else said
            if said:
                return said, False
        if heard.get("surprise"):
            pool, options = self._surprise_lines()
            said = self._fresh(pool, options, facts, amount=heard["surprise"])
            if said:
                return said, pool == "beyond_policy"
        said = self._first_offer(newly, facts) if not missed else None
        if said:
            return said, False
        if s.brushed == BRUSH_OFF_SAY:
            said = self._fresh("brush_off", lines.brush_off, facts)
            if said:
                return said, False
        # a reaction line answers poor practice that hurts (a know-it-all shrugs off jargon: no line for it)
        poor = [b for b in POOR_PRACTICE if b in behaviors and b in sc.reaction_lines
                and sc.reactions.get(b, 0.0) <= REACTION_LINE_BELOW]
        if poor:
            worst = min(poor, key=lambda b: sc.reactions.get(b, 0.0))
            said = self._fresh(f"react:{worst}", sc.reaction_lines[worst], facts)
            if said:
                return said, False
        said = self._fresh("still_off", lines.still_off, facts) if missed == "still_off" else None
        said = said or (self._fresh("off_topic", sc.off_topic, facts) if missed in OFF_TOPIC else None)
        if said:
            return said, False
        band, before = band_of(s.mood), s.last_band or band_of(sc.start_mood)
        content = [n for n in newly if any(b in ("solution", "next_steps", "hold_or_transfer") for b in
                                           next(x.by for x in sc.needs if x.id == n))]
        moved = (content and s.named) or BANDS.index(band) < BANDS.index(before) or missed in OFF_TOPIC or (
            poor and band in ("furious", "angry", "annoyed"))
        if moved and not ((missed or not s.named) and band in ("calm", "pleased")):
            return self._fresh(f"mood:{band}", sc.mood_lines[band], facts), band in ("calm", "pleased")
        return None, False

    def _after(self, need) -> tuple[str, ...]:
        """The needs whose asks come before this one's: its `after`, or for a next step, the fixes."""
        if need.after or "next_steps" not in need.by or "solution" in need.by:
            return need.after
        return tuple(n.id for n in self.scenario.needs if "solution" in n.by)

    def _stuck(self, first, parts) -> str | None:
        """The message instead of asking again: its reaction alone, or that it is getting nowhere (`stonewalled`);
        None when it has neither (every stonewalled line said), so the ask goes on."""
        lines = customer_lines(self.scenario.language)
        said = None if first else self._fresh("stonewalled", lines.stonewalled, parts)
        return _joined(parts + ([said] if said else []), lines.acknowledgements) if first or said else None

    def _offered_in_vain(self, need) -> bool:
        """A need for being asked (`by: [information_request]`) whose offer the customer has already made: its next
        line would offer its details once more."""
        return set(need.by) == {"information_request"} and bool(self.state.used.get(f"need:{need.id}"))

    def _volunteer(self, need, saying=(), heard=None) -> str | None:
        """A customer who has offered its details once and was not asked gives them (and the need is settled), but
        only into a reply about its own case (one that names what a need is about): readers found "Just two, one for
        me and one for my partner" said to "We'll look into it" (a reply that asks and names nothing) or after
        "Still not my question" a customer answering a question nobody asked."""
        s = self.state
        if set(need.by) != {"information_request"} or not s.used.get(f"need:{need.id}"):
            return None
        if heard is not None and (heard.get("missed") or not s.named):
            return None
        fact = next((f for f in self.scenario.facts if f.id not in s.given), None)
        if fact is None:
            return None
        s.given.append(fact.id)
        s.met.append(need.id)
        pool = f"fact:{fact.id}"
        return self._fresh(pool, fact.say, saying, value=fact.value) or self._choose(pool, fact.say).format(
            value=fact.value)

    # -- the phone --------------------------------------------------------------------------------
    def call_event(self, event: str, t: float) -> CustomerReply:
        s = self.state
        if self.channel != "phone":
            raise SimulationError(f"{event!r}: call events belong to phone sessions; this session is a chat")
        if event not in CALL_EVENTS:
            raise SimulationError(f"unknown call event {event!r}; expected one of {', '.join(CALL_EVENTS)}")
        if s.outcome is not None:
            raise SimulationError(f"the call has ended ({s.outcome})")
        t = float(t)
        if event == "answer":
            return self._answered(t)
        if event == "hold":
            return self._held(t)
        if event == "resume":
            return self._resumed(t)
        if event == "transfer":
            return self._transferred()
        # the trainee hangs up
        done = self._satisfied()
        return self._end("resolved" if done else "ended_by_trainee", 0.0, [], ["the trainee ended the call"], [])

    def _answered(self, t: float) -> CustomerReply:
        s, sc, notes, delta = self.state, self.scenario, [], 0.0
        p = sc.phone
        if s.call != "ringing":
            raise SimulationError("the call is already answered")
        waited = t - s.rang_at
        if waited > p["ring_patience"]:
            notes.append(f"rang {waited:.0f} s; the caller gave up after {p['ring_patience']:.0f} s")
            return self._end("hung_up", 0.0, [], notes, [])
        if waited > p["answer_within"]:
            delta = -0.15 * (0.5 + sc.temper)
            notes.append(f"answered after {waited:.0f} s (the standard is {p['answer_within']:.0f} s) {delta:+.2f}")
        s.call, s.awaiting_greeting = "connected", True
        s.mood = _clamp(s.mood + delta)
        return self._reply(None, delta, [], notes, [])

    def _held(self, t: float) -> CustomerReply:
        s, sc, notes, delta = self.state, self.scenario, [], 0.0
        if s.call != "connected":
            raise SimulationError(f"cannot hold a call that is {s.call.replace('_', ' ')}")
        if "hold_or_transfer" not in s.last_behaviors:
            delta = -0.2 * (0.5 + sc.temper)
            notes.append(f"put on hold without asking first {delta:+.2f}")
        s.call, s.hold_at = "on_hold", t
        s.mood = _clamp(s.mood + delta)
        return self._reply(None, delta, [], notes, [])

    def _resumed(self, t: float) -> CustomerReply:
        s, sc, notes, delta = self.state, self.scenario, [], 0.0
        p = sc.phone
        if s.call != "on_hold":
            raise SimulationError("the caller is not on hold")
        held = t - (s.hold_at or t)
        s.call, s.hold_at = "connected", None
        if held > 2 * p["hold_patience"]:
            notes.append(f"on hold {held:.0f} s; the caller hung up")
            return self._end("hung_up", 0.0, [], notes, [])
        text = None
        if held > p["hold_patience"]:
            delta = -0.25 * (0.5 + sc.temper)
            notes.append(f"on hold {held:.0f} s (patience {p['hold_patience']:.0f} s) {delta:+.2f}")
            s.mood = _clamp(s.mood + delta)
            band = band_of(s.mood)
            text = self._choose(f"mood:{band}", sc.mood_lines[band])
        s.just_resumed = True
        return self._reply(text, delta, [], notes, [])

    def _transferred(self) -> CustomerReply:
        s, sc, notes = self.state, self.scenario, []
        if s.call == "ringing":
            raise SimulationError("answer the call before transferring it")
        # explained: the reply before it said it would hand over, and to whom about what (this customer's problem)
        explained = "hold_or_transfer" in s.last_behaviors and bool(s.named)
        if explained and sc.phone["transfer_resolves"] and s.mood > sc.outcomes["escalated"]["below_mood"]:
            notes.append("transfer explained and owned")
            return self._end("resolved", 0.0, [], notes, [])
        notes.append("transferred without explaining where or why" if not explained else "transfer did not help")
        return self._end("escalated", -0.3, [], notes, [])

    def end(self) -> CustomerReply:
        """The trainee ends the session (the End button)."""
        if self.state.outcome is not None:
            raise SimulationError(f"the session has already ended ({self.state.outcome})")
        return self._end("resolved" if self._satisfied() else "ended_by_trainee", 0.0, [], ["ended by the trainee"], [])

    # -- internals --------------------------------------------------------------------------------
    def _satisfied(self) -> bool:
        s, sc = self.state, self.scenario
        return all(n.id in s.met for n in sc.needs) and s.mood >= sc.outcomes["resolved"]["min_mood"]

    def _decide(self) -> str | None:
        s, sc = self.state, self.scenario
        if s.mood <= sc.outcomes["escalated"]["below_mood"]:
            return "escalated"
        if self._satisfied():
            return "resolved"
        if s.off > STILL_OFF_LIMIT:  # told twice it has the wrong customer, and still answering someone else
            return "hung_up"
        if s.brushed >= BRUSH_OFF_LIMIT:  # brushed off once too often: an upset customer wants a manager, others leave
            return "escalated" if s.mood < 0 else "hung_up"
        if s.turn >= sc.patience:
            return "hung_up"
        return None

    def _end(self, outcome, delta, newly, notes, facts, applied=False) -> CustomerReply:
        s = self.state
        if not applied:
            s.mood = _clamp(s.mood + delta)
        s.outcome = outcome
        if s.call != "ringing" or outcome != "hung_up":
            s.call = "ended"
        lines = self.scenario.outcomes.get(outcome, {}).get("lines")
        text = None
        if lines and not (outcome == "hung_up" and s.call == "ringing"):
            text = self._fresh(f"outcome:{outcome}", lines, facts) or self._unsaid(
                self._choose(f"outcome:{outcome}", lines))
        if outcome == "ended_by_trainee":
            text = None
        return self._reply(text, delta, newly, notes, facts)  # a goodbye does not recite the order number

    def _choose(self, pool: str, options, allowed=None) -> str:
        """A variant not said yet in this session (the least recently said once all have been), among `allowed`
        (indices) when given."""
        s = self.state
        used = s.used.setdefault(pool, [])
        fresh = allowed or [i for i in range(len(options)) if i not in used]
        if not fresh:
            fresh = [i for i in range(len(options)) if i != used[-1]] or [0]
            used.clear()
        rng = random.Random(f"{self.seed}:{self.scenario.id}:{s.turn}:{s.choices}:{pool}")
        s.choices += 1
        i = rng.choice(fresh)
        used.append(i)
        return options[i]

    def _unsaid(self, line: str) -> str:
        """`line` without the sentences the customer has said already (all of it if nothing would be left)."""
        said = {x for told in self.state.customer_said for x in sentences(told)}
        return " ".join(x for x in sentences(line) if x not in said) or line

    def _fresh(self, pool: str, options, saying=(), **fill) -> str | None:
        """A variant of `pool` not said yet in this session and sharing no sentence with anything the customer has
        said (or is `saying` in this message), filled with `fill`; None when there is none."""
        said = {x for line in [*self.state.customer_said, *saying] for x in sentences(line)}
        used = set(self.state.used.get(pool, []))
        filled = [line.format(**fill) if fill else line for line in options]
        allowed = [i for i, line in enumerate(filled) if i not in used and not said & set(sentences(line))
                   and self._fits(line)]
        return filled[options.index(self._choose(pool, options, allowed))] if allowed else None

    def _fits(self, line: str) -> bool:
        """Can the customer say `line` now? It does not shout (capitals) while calm or pleased, and it quotes only
        words said in this conversation, by the trainee or by itself, or known from its own situation (its openings,
        brief, description and facts): never "I can't plan on 'soon'" when nobody said "soon"."""
        if band_of(self.state.mood) in ("calm", "pleased") and _shouts(line):
            return False
        quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(line)]
        if not quoted:
            return True
        sc, s = self.scenario, self.state
        own = [*s.customer_said, *sc.openings, sc.brief, str(sc.persona.get("about", "")), *(f.value for f in sc.facts)]
        said = " | ".join([*s.said_before, *map(_words, own)])
        return all(f" {_words(q)} " in f" {said} " for q in quoted if _words(q))

    def _reply(self, text, delta, newly, notes, facts) -> CustomerReply:
        s = self.state
        return CustomerReply(text=text, mood=round(s.mood, 3), mood_change=round(delta, 3), band=band_of(s.mood),
                             outcome=s.outcome, needs_met=list(s.met), newly_met=list(newly), notes=notes,
                             facts_given=list(s.given))


def _names_offer(sentence: str, words) -> bool:
    """Does a (lowercase) sentence name a kind of offer: one of its words, at the start of a word?"""
    return any(re.search(r"(?<![^\W_])" + re.escape(w), sentence) for w in words)


def _joined(parts: list, acknowledgements) -> str:
    """The parts of a message as one: a part after another loses an opening sentence that is only an acknowledgement
    ("Okay.", «Ну, допустим.»), and a part that is only one is dropped before a part that opens with one (never
    «Хорошо. Хорошо, ...»)."""
    def ack(sentence):
        words = _words(sentence)
        return bool(words) and all(w in acknowledgements for w in words.split())

    out = []
    for part in parts:
        said = sentences(part)
        if out and len(said) > 1 and ack(said[0]):
            part = " ".join(said[1:])
        first_word = (_words(part).split() or [""])[0]
        if out and first_word in acknowledgements and all(ack(x) for x in sentences(out[-1])):
            out.pop()
        out.append(part)
    return " ".join(out)


def _sentence_at(text: str, start: int) -> str:
    """The sentence of `text` that holds position `start`."""
    lo, hi = _sentence_bounds(text, start)
    return text[lo:hi]


def _sentence_bounds(text: str, start: int) -> tuple[int, int]:
    """(start, end) of the sentence of `text` that holds position `start` (the point in "£54.99" ends none)."""
    stop = _STOP.search(text, start)
    ends = [m.end() for m in _STOP.finditer(text, 0, start)]
    return ends[-1] if ends else 0, stop.start() if stop else len(text)


def sentences(text: str) -> list[str]:
    """The sentences of a customer line, to keep any one of them from being said twice."""
    return [x.strip() for x in _SENTENCE_END.split(text) if x.strip()]


def _names_in(text: str) -> list[str]:
    """The capitalised words inside a sentence, in any alphabet (a lowercase Ukrainian «інший», «їх» is no name)."""
    return [n for n in _INNER_WORD.findall(text) if n[0].isupper()]


def _begins_any(text: str, beginnings) -> bool:
    """Does a word (or run of words) of `text` begin with one of `beginnings` (lowercase words, as words_of gives)?"""
    words = f" {_words(text)}"
    return any(f" {w}" in words for w in beginnings)


def _shouts(line: str) -> bool:
    """Is `line` shouted: mostly capitals ("AND WHAT HAPPENS IF HE DOESN'T SHOW UP AGAIN?"), not one stressed word?"""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _clamp(x: float) -> float:
    return max(-1.0, min(1.0, x))


def replay(scenario: Scenario, seed: int, turns, channel: str | None = None, *, allow_end: bool = False):
    """The customer exactly as it was after the stored `turns` (dicts with speaker, text, behaviors, event,
    t), for "Retry from turn N" and for answering a reply sent twice. Staff replies and call events are
    played again with the behaviours that were detected then; the customer's words must come out the same,
    or the scenario has changed since. `allow_end`: the last turn may end the session (nothing may follow).
    Returns (simulator, the customer's last reply)."""
    sim = CustomerSimulator(scenario, seed, channel=channel)
    last = sim.opening()
    said = [last.text] if last.text else []
    ended = None
    for turn in turns:
        played = turn["speaker"] == "staff" or turn["speaker"] == "system" and turn.get("event") in CALL_EVENTS
        if not played:
            continue
        if ended:
            raise SimulationError(f"the stored session goes on after it ended ({ended}); it cannot be replayed")
        if turn["speaker"] == "staff":
            last = sim.staff_says(turn["text"], turn.get("behaviors") or [], turn.get("t"))
        else:
            last = sim.call_event(turn["event"], turn.get("t") or 0.0)
        if last.text:
            said.append(last.text)
        ended = last.outcome
    if ended and not allow_end:
        raise SimulationError(f"the session had already ended ({ended}) by then; retry from an earlier turn")
    stored = [t["text"] for t in turns if t["speaker"] == "customer"]
    if said != stored:
        raise SimulationError(f"the scenario {scenario.id} has changed since this session was practised (the "
                              f"customer would not say the same things), so it cannot be retried exactly; "
                              f"start it afresh instead")
    return sim, last
