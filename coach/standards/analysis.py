"""What the engine sees in a session before any rule is checked: per staff turn its behaviours and signals,
per customer turn its signals, where the customer first complained, the situation (public channel, finding
needs, what may be offered) and which staff turns were said in public."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.detect import Detection
from coach.detect.signals import Hit
from coach.standards.situation import Situation
from coach.transcript import Transcript

# transcripts of social-media sessions may mark where each line was posted: "[public reply] ...", "[DM] ..."
_CHANNEL_MARK = re.compile(r"^\s*\[(?P<mark>[^\]]{1,30})\]")
# a word of any alphabet (Latin, Cyrillic, ...): letters, with apostrophes and hyphens inside
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\-])*")


@dataclass
class Analysis:
    """What the detector saw in a session, for the rule checks."""

    transcript: Transcript
    detections: dict[int, Detection]
    complaint_turn: int | None
    staff_signals: dict[int, dict[str, list[Hit]]] = field(default_factory=dict)
    customer_signals: dict[int, dict[str, list[Hit]]] = field(default_factory=dict)
    situation: Situation = field(default_factory=Situation)
    public_turns: frozenset[int] = frozenset()
    not_allowed: list[tuple[int, int, int, str]] = field(default_factory=list)  # promises the situation rules out
    language: str = "en"  # the pack's: the engine's own words in a finding are written in it
    words: object = None  # the detector's word lists (coach.detect.lexicon.WordLists) of the pack's language
    staff: list[int] = field(init=False)  # the staff turns' indexes, read by nearly every check: found once
    # what the checks read of a turn again and again, found on first use: the analysis is not changed once made
    _marks: dict[int, frozenset[str]] = field(init=False, repr=False, compare=False,
                                              default_factory=dict)
    _customer_marks: list[tuple[int, frozenset[str]]] | None = field(init=False, repr=False, compare=False,
                                                                     default=None)
    _turn_words: dict[int, list] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self):
        self.staff = self.transcript.staff_turns

    def behaviors(self, i) -> set[str]:
        return set(self.detections[i].behaviors) if i in self.detections else set()

    def marks(self, i) -> frozenset[str]:
        """A staff turn's behaviour tags and signals: what rules name (found once per turn)."""
        found = self._marks.get(i)
        if found is None:
            found = self._marks[i] = frozenset(self.behaviors(i)) | frozenset(self.staff_signals.get(i, ()))
        return found

    def evidence(self, i, names) -> tuple[int, int, str] | None:
        """The first span in staff turn i that shows one of `names` (a tag or a signal)."""
        det = self.detections.get(i)
        if det is not None:
            for ev in det.spans:
                if ev.behavior in names:
                    return ev.start, ev.end, ev.text
        for name in names:
            for hit in self.staff_signals.get(i, {}).get(name, ()):
                return hit.start, hit.end, hit.text
        return None

    def customer_turns_with(self, names) -> list[int]:
        """The customer turns, in order, that show one of the signals `names`."""
        if self._customer_marks is None:
            self._customer_marks = [(i, frozenset(sig)) for i, sig in sorted(self.customer_signals.items())]
        return [i for i, sig in self._customer_marks if not sig.isdisjoint(names)]

    def turn_words(self, i) -> list:
        """The words of turn i (WORD's matches, in order), found once per turn for every rule that counts them."""
        found = self._turn_words.get(i)
        if found is None:
            found = self._turn_words[i] = list(WORD.finditer(self.transcript.turns[i].text))
        return found

    def last_customer_turn(self) -> int | None:
        turns = self.transcript.turns
        return next((i for i in range(len(turns) - 1, -1, -1) if turns[i].speaker == "customer"), None)


def channel_mark(text: str, words) -> str | None:
    """'public' or 'private' when a line starts with a channel mark such as "[DM]" or "[public reply]" (the words of
    a mark are the language's: words.yml private_marks and public_marks)."""
    m = _CHANNEL_MARK.match(text or "")
    if not m:
        return None
    mark = m.group("mark").lower()
    if any(w in mark for w in words.private_marks):
        return "private"
    if any(w in mark for w in words.public_marks):
        return "public"
    return None


def public_staff_turns(transcript: Transcript, staff_signals, public: bool, words) -> frozenset[int]:
    """The staff turns said in public: from the start of a public session until the conversation moves to a
    private channel (a staff turn that asks for or announces private messages, or lines marked as private)."""
    if not public:
        return frozenset()
    out, in_public = set(), True
    for i, turn in enumerate(transcript.turns):
        mark = channel_mark(turn.text, words) if turn.speaker != "system" else None
        if mark is not None:
            in_public = mark == "public"
        if turn.speaker != "staff":
            continue
        if in_public:
            out.add(i)
        if "move_private" in staff_signals.get(i, {}) and mark != "public":
            in_public = False
    return frozenset(out)
