"""The standards engine: a transcript -> findings per turn and a scorecard whose arithmetic is shown.

Scoring, in words a trainer can check by hand: a session starts at 100 and every standard it missed costs
points.
- A missed standard costs its weight times its severity's factor (pack.yml: scoring.severity_factors, e.g.
  info 0.5, minor 1, major 2, critical 3), times its category's weight (scoring.category_weights, 1 by default).
- A standard about what not to say or do (avoid, substitution, limit, offers, timing) costs more when broken
  again in the same session: x (1 + repeat_share for each further time), at most x repeat_max.
- Standards that one omission misses together (pack.yml: scoring.overlaps; no apology misses "acknowledge the
  problem", "apologise" and "acknowledge, solve, next step" at once) are not charged three times: the costliest
  counts in full, each other one x overlap_share (e.g. 0.25).
- overall = 100 x 0.5^(points lost / half_life) (pack.yml: scoring.half_life, e.g. 60): every 60 points lost
  halve the score, so 10 points lost give 89, 30 give 71, 60 give 50 and 120 give 25. The score never reaches
  0, so two poor sessions still differ by what each missed. Each category shows the same for what it lost.
Standards met cost nothing and standards that do not apply are not counted, so a session is not judged on
how many easy standards it could not fail: two sessions differ exactly by what each missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.matcher import Matcher
from spacy.util import filter_spans

from coach.detect import detector_version, shared_detector
from coach.detect.context import CLAUSE_BREAKS
from coach.detect.customer import ComplaintDetector
from coach.detect.detector import Detection
from coach.detect.lexicon import expand
from coach.detect.markup import straighten_quotes
from coach.detect.patterns import TokenPatterns, View
from coach.detect.signals import Hit, SignalMatcher
from coach.standards import checks
from coach.standards.analysis import Analysis, public_staff_turns
from coach.standards.checks import Finding
from coach.standards.pack import SEVERITIES, Pack, PackError, Rule
from coach.standards.situation import Situation, SituationError, parse_situation
from coach.transcript import Transcript

SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class Scorecard:
    overall: int
    categories: dict[str, int]
    findings: list[Finding]
    met: list[str]
    missed: list[str]
    not_applicable: list[str]
    explanation: list[str]
    standards: dict
    behaviors: dict[int, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self):
        return {
            "overall": self.overall,
            "categories": self.categories,
            "findings": [f.as_dict() for f in self.findings],
            "met": self.met,
            "missed": self.missed,
            "not_applicable": self.not_applicable,
            "explanation": self.explanation,
            "standards": self.standards,
            "behaviors": {str(k): v for k, v in self.behaviors.items()},
            "warnings": self.warnings,
        }


class Scorer:
    """Scores transcripts against one standards pack. Build once; reuse (matchers are compiled here).

    `situations` maps scenario ids to their Situation (public channel, finding needs, what may be offered); by
    default they are read from the product's scenarios on first use. A transcript may carry its own
    ("situation": {...}) for sessions outside them."""

    def __init__(self, pack: Pack, detector=None, situations=None):
        self.pack = pack
        self.detector = detector or shared_detector(tuple(pack.jargon), pack.language)
        nlp = self.detector.nlp
        self.nlp = nlp
        # the pack's phrases are read as the detector reads its cues: words, or lemmas in a lemmatised language
        self._reader = self.detector.reader
        self.complaints = ComplaintDetector(nlp, pack.language, self._reader)
        # the complaint cues are matched on the tokenizer's Doc (not on lemmas): they read a customer's message as
        # the signals' pipeline starts from it, so the message is tokenised once (_read_customers)
        self._complaints_on_tokens = self.complaints.make == nlp.make_doc
        self.signals = SignalMatcher(nlp, pack.language)
        self._situations = situations
        self._not_allowed = {}
        self._phrases = self._reader.matcher()
        self._validator = Matcher(nlp.vocab)  # spaCy's own check of each pattern, and its message
        self._patterns = Matcher(nlp.vocab)  # patterns the indexed matcher cannot read (LEMMA)
        self._indexed = TokenPatterns()  # the rest: a fraction of the Matcher's time (coach/detect/patterns.py)
        self._swap = {}  # (rule id, phrase key) -> better: the first a standard gives for any form of the words
        self._forms = {}  # (rule id, the phrase as written) -> better: a language matched on lemmas finds "slutsåld",
        # "slutsålt" and "slutsålda" by one phrase key, and the pack may say each its own way ("när den/det/de ...")
        self._detector_version = detector_version()
        self._needs_lemmas = False
        self._rules = {r.id: r for r in pack.rules}
        self._suggestion_words = {sug: _content_words(sug) for r in pack.rules for sug in r.suggestions}
        for rule in pack.rules:
            if rule.type == "avoid":
                self._add_avoid(rule)
            elif rule.type == "substitution":
                for phrase, better in rule.spec["swap"].items():
                    self._phrases.add(rule.id, [self._reader.phrase(straighten_quotes(phrase))])
                    self._swap.setdefault((rule.id, self.detector.phrase_key(phrase)), better)
                    self._forms[(rule.id, checks.swap_form(phrase))] = better

    def _add_avoid(self, rule):
        for template in rule.spec.get("phrases", []):  # brace templates, as in the lexicons: "{big|large} order"
            self._phrases.add(rule.id, [self._reader.phrase(straighten_quotes(p)) for p in expand(template)])
        for i, pattern in enumerate(rule.spec.get("patterns", [])):
            try:
                self._validator.add(rule.id, [pattern])
            except (ValueError, KeyError, TypeError) as exc:
                raise PackError(f"{rule.path}:{rule.line}: avoid.patterns[{i}]: not a valid spaCy Matcher "
                                f"pattern: {exc}") from None
            try:
                self._indexed.add(rule.id, [pattern])
            except ValueError:  # an attribute the indexed matcher does not read: spaCy's Matcher takes it
                self._needs_lemmas |= any("LEMMA" in spec for spec in pattern)
                self._patterns.add(rule.id, [pattern])

    # -- analysis -------------------------------------------------------------------------------
    def situation_of(self, transcript: Transcript) -> Situation:
        """The scenario's situation, with what the transcript states over it."""
        if self._situations is None and transcript.scenario:  # a session of no scenario has none to read
            self._situations = default_situations()
        base = (self._situations or {}).get(transcript.scenario or "", Situation())
        given = transcript.meta.get("situation")
        if given is None:
            return base
        try:
            own = parse_situation(given, "transcript: situation")
        except SituationError as exc:
            raise PackError(str(exc)) from None
        return base.copy(update={k: getattr(own, k) for k in given})

    def analyse(self, transcript: Transcript) -> Analysis:
        staff = transcript.staff_turns
        detections = dict(zip(staff, self.detector.detect_many(_replies(transcript)), strict=True))
        staff_signals = {i: _as_typed(d, self.signals.match("staff", d.doc, d.view)) for i, d in detections.items()
                         if d.doc is not None}
        customer_signals, complaint_turn = self._read_customers(transcript)
        situation = self.situation_of(transcript)
        if complaint_turn is None and (transcript.meta.get("complaint") or situation.track == "complaint"):
            # the session is known to be a complaint (a complaint-track scenario) even where the customer's
            # words are not recognised as one
            complaint_turn = next((i for i, t in enumerate(transcript.turns) if t.speaker == "customer"), None)
        a = Analysis(transcript, detections, complaint_turn, staff_signals, customer_signals, situation,
                     public_staff_turns(transcript, staff_signals, situation.public, self.detector.lexicon.words),
                     language=self.pack.language,
                     words=self.detector.lexicon.words)
        a.not_allowed = self._not_allowed_hits(a)
        return a

    def _read_customers(self, transcript: Transcript):
        """(signals of each customer turn, the first customer turn that complains or None). Each message is
        tokenised once: the complaint cues read that Doc where they are matched on the tokenizer's words (else
        the complaint detector makes its own, with lemmas), and the signals read it once the pipeline has run."""
        signals, complaint = {}, None
        shared = self._complaints_on_tokens
        for i, turn in enumerate(transcript.turns):
            if turn.speaker != "customer":
                continue
            doc = self.nlp.make_doc(straighten_quotes(turn.text)) if turn.text else None
            if complaint is None and self.complaints.is_complaint(turn.text, doc if shared else None):
                complaint = i  # read before the pipeline runs: its components may split tokens
            signals[i] = self.signals.customer(turn.text, doc)
        return signals, complaint

    def _not_allowed_hits(self, a: Analysis):
        phrases = tuple(a.situation.not_allowed)
        if not phrases:
            return []
        matcher = self._not_allowed.get(phrases)
        if matcher is None:
            matcher = self._reader.matcher()
            matcher.add("x", [self._reader.phrase(p) for t in phrases for p in expand(t.lower())])
            self._not_allowed[phrases] = matcher
        words = self.detector.lexicon.words
        negation = words.negation_cues
        out = []
        for i, det in a.detections.items():
            # one promise is one finding: "the warranty covers it" also matches as "warranty covers it"
            for span in filter_spans([det.doc[s:e] for _, s, e in matcher(det.doc)]):
                if _negated(det.doc[span.sent.start:span.start], negation):
                    continue  # "I can't match that price" refuses what the situation rules out; it promises nothing
                if _waits_on_a_finding(span.sent, words):
                    continue  # "If he finds a manufacturing fault, the warranty covers it"
                out.append((i, *det.source(span.start_char, span.end_char)))
        return out

    # -- scoring --------------------------------------------------------------------------------
    def score(self, transcript: Transcript, analysis: Analysis | None = None) -> Scorecard:
        analysis = analysis or self.analyse(transcript)
        ctx = checks.Context(self._phrase_hits(analysis), self._swap, self.detector.jargon, self.detector.phrase_key,
                             self._forms)
        results = one_swap_per_words([(rule, self._check(rule, analysis, ctx)) for rule in self.pack.rules])
        findings = [f for _, result in results if result for f in result]
        overall, categories, explanation = tally(self.pack, results)
        self._choose_suggestions(findings, analysis)
        findings.sort(key=lambda f: (f.turn if f.turn is not None else 10**9, -SEVERITY_RANK[f.severity], f.rule))
        return Scorecard(
            overall=overall,
            categories=categories,
            findings=findings,
            met=[r.id for r, res in results if res is not None and not res],
            missed=[r.id for r, res in results if res],
            not_applicable=[r.id for r, res in results if res is None],
            explanation=explanation,
            standards={"pack": self.pack.id, "version": self.pack.version, "detector": self._detector_version},
            behaviors={i: d.behaviors for i, d in analysis.detections.items()},
            warnings=[f"turn {i}: {w}" for i, d in analysis.detections.items() for w in d.warnings],
        )

    def _check(self, rule: Rule, a: Analysis, ctx):
        if not applies(rule, a):
            return None
        return checks.CHECKS[rule.type](rule, a, ctx)

    def _choose_suggestions(self, findings, a):
        """The better phrasing shown with each finding. The situation's own suggestions for a rule (the
        scenario's, naming its real limits and options) come before the rule's, which fit any conversation;
        of these, the one closest to what the trainee was saying is shown, so it reads as a rewrite of their
        reply rather than a stock line. A substitution keeps its fix (the reply with the swap applied)."""
        own = a.situation.suggestions
        words = dict(self._suggestion_words)  # content words by text: the pack's suggestions' are read once
        for f in findings:
            options = own.get(f.rule)
            if not options:
                if f.fix is not None:
                    continue  # the swap's own wording, which the fix applies
                options = self._rules[f.rule].suggestions
            if not options:
                continue
            said = _words_of(a.transcript.turns[f.turn].text, words) if f.turn is not None else set()
            if said and len(options) > 1:
                f.suggestion = max(options, key=lambda sug: len(said & _words_of(sug, words)))
            else:
                f.suggestion = options[0]

    def _phrase_hits(self, a: Analysis):
        """Matches of the pack's own phrases and patterns, per rule: (turn, start, end, text)."""
        hits: dict[str, list] = {}
        strings = self.nlp.vocab.strings
        for i in a.staff:
            text = a.transcript.turns[i].text
            det = a.detections.get(i)
            if det is None or det.doc is None:
                det = Detection(text, doc=self.nlp(straighten_quotes(text)))
            doc = det.doc
            if self._needs_lemmas:  # a pack pattern asks for LEMMA: fill it from the lookup table
                lemmas = self.detector.lemmas
                for tok in doc:
                    tok.lemma_ = lemmas.get(tok.lower_, tok.lower_)
            matches = [(strings[m], s, e) for m, s, e in self._phrases(doc)] + \
                      self._indexed(det.view if det.view is not None else View(doc))
            if len(self._patterns):
                matches += [(strings[m], s, e) for m, s, e in self._patterns(doc)]
            for rid, s, e in matches:
                span = doc[s:e]
                hits.setdefault(rid, []).append((i, *det.source(span.start_char, span.end_char)))
        return hits


def _replies(transcript: Transcript):
    """(text, the customer's message before it or "") for each staff turn: what the detector reads."""
    customer = ""
    for turn in transcript.turns:
        if turn.speaker == "customer":
            customer = turn.text
        elif turn.speaker == "staff":
            yield turn.text, customer


def _as_typed(det, hits):
    """Signal hits in a detection's doc, in offsets of the reply as it was typed (markup taken out)."""
    if det.cleaned is None or det.cleaned.starts is None:
        return hits
    return {name: [Hit(h.signal, *det.source(h.start, h.end)) for h in found] for name, found in hits.items()}


def one_swap_per_words(results):
    """(rule, result) pairs, in the pack's order, with one swap for any words of a reply: where substitutions find
    the same or overlapping words ("kas par problēmu" is PH016's, and its "problēmu" PH031's; PH031 has "nav
    problēmu" and "problēmu"), the trainee sees one finding, one suggestion and one fix for them, and is charged
    once. The one kept finds the most of the reply; of swaps that find as much, the severer standard's; then the
    one that comes first in the pack. Each other is dropped: the swap kept rewrites its words, and a standard left
    with no finding is met. Results of other types are left as they are."""
    ranked = sorted((-(f.span["end"] - f.span["start"]), -SEVERITY_RANK[rule.severity], n, f.span["start"], k, f)
                    for n, (rule, result) in enumerate(results) if rule.type == "substitution" and result
                    for k, f in enumerate(result) if f.span is not None and f.turn is not None)
    taken: dict[int, list] = {}
    dropped = set()
    for *_, f in ranked:
        start, end = f.span["start"], f.span["end"]
        spans = taken.setdefault(f.turn, [])
        if any(start < e and s < end for s, e in spans):
            dropped.add(id(f))
        else:
            spans.append((start, end))
    if not dropped:
        return results
    return [(rule, [f for f in result if id(f) not in dropped] if rule.type == "substitution" and result else result)
            for rule, result in results]


def applies(rule: Rule, a: Analysis) -> bool:
    """Whether a rule concerns this session at all (pack format: `applies`)."""
    cond = rule.applies
    tr = a.transcript
    if cond.get("channel") and tr.channel not in cond["channel"]:
        return False
    if "complaint" in cond and cond["complaint"] != (a.complaint_turn is not None):
        return False
    if "public" in cond and cond["public"] != a.situation.public:
        return False
    if "needs_finding" in cond and cond["needs_finding"] != a.situation.needs_finding:
        return False
    if cond.get("customer") and not a.customer_turns_with(cond["customer"]):
        return False
    return True


def default_situations() -> dict[str, Situation]:
    """The situations of the product's scenarios (bot/scenarios), or none where they cannot be read."""
    from coach.sim.scenario import SCENARIOS, ScenarioError, load_scenarios

    try:
        return {sid: sc.situation for sid, sc in load_scenarios(SCENARIOS).items()}
    except ScenarioError:
        return {}


PER_FINDING = ("avoid", "substitution", "limit", "offers", "timing", "voice")  # rule types whose every finding counts


def points_lost(pack: Pack, rule: Rule, findings: list, overlap: tuple | None = None) -> tuple[float, str]:
    """What a missed rule costs, and the arithmetic in words: weight x severity factor, and for rules broken
    more than once in a session, x (1 + repeat share per further finding), at most x repeat_max; `overlap`,
    (share, costlier rule id), when a costlier standard missed by the same omission already counts in full."""
    sev = pack.severity_factors.get(rule.severity, 1.0)
    n = len(findings) if rule.type in PER_FINDING else 1
    rep = min(pack.repeat_max, 1 + pack.repeat_share * (n - 1))
    cat = pack.category_weights.get(rule.category, 1.0)
    lost = rule.weight * sev * rep * cat
    terms = [f"{_num(rule.weight)}", f"{rule.severity} {_num(sev)}"]
    if n > 1:
        terms.append(f"{n} times {_num(rep)}")
    if cat != 1.0:
        terms.append(f"{rule.category} {_num(cat)}")
    if overlap is not None:
        share, costlier = overlap
        lost *= share
        terms.append(f"{share:g}, the same omission as {costlier}")
    return lost, f"{rule.id} -{_num(lost)} ({' x '.join(terms)})"


def overlapping(pack: Pack, missed: dict) -> dict:
    """For each missed standard that overlaps a costlier missed one (pack.yml: scoring.overlaps, groups of
    standards one omission misses together, such as no apology missing "acknowledge", "apologise" and "in order"),
    (overlap_share, the costlier one's id); the costliest of each group counts in full."""
    out = {}
    for group in pack.overlaps:
        hit = sorted((rule_id for rule_id in group if rule_id in missed), key=lambda r: (-missed[r], r))
        for rule_id in hit[1:]:
            out[rule_id] = (pack.overlap_share, hit[0])
    return out


def tally(pack: Pack, results):
    """The scorecard's arithmetic: (overall, category scores, explanation lines). See the module docstring."""
    lost: dict[str, float] = {}
    why: dict[str, list[str]] = {}
    applied = {rule.category for rule, result in results if result is not None}
    missed = [(rule, result) for rule, result in results if result]
    full = [points_lost(pack, rule, result) for rule, result in missed]  # each counted in full
    shares = overlapping(pack, {rule.id: cost[0] for (rule, _), cost in zip(missed, full, strict=True)})
    for (rule, result), cost in zip(missed, full, strict=True):
        share = shares.get(rule.id)
        points, words = cost if share is None else points_lost(pack, rule, result, share)
        lost[rule.category] = lost.get(rule.category, 0.0) + points
        why.setdefault(rule.category, []).append(words)
    categories, explanation = {}, []
    for cat in pack.categories:
        if cat not in applied:
            continue
        categories[cat] = round(100 * 0.5 ** (lost.get(cat, 0.0) / pack.half_life))
        detail = f": {', '.join(why[cat])}" if cat in why else ""
        explanation.append(f"{cat}: -{_num(lost.get(cat, 0.0))}{detail}")
    total = sum(lost.values())
    half = pack.half_life
    overall = round(100 * 0.5 ** (total / half))
    explanation.append(f"points lost: {_num(total)}; overall = 100 x 0.5^({_num(total)} / {_num(half)}) = {overall}")
    return overall, categories, explanation


def _num(x):
    x = round(float(x), 1)
    return str(int(x)) if x.is_integer() else f"{x:.1f}"


_STOP = frozenset("the a an to you your we i is are it and of for be this that in on with can will have it's i'll "
                  "we'll our us me my so if at as by from".split())


def _content_words(text):
    return {w for w in re.findall(r"[a-z']+", straighten_quotes(text).lower()) if w not in _STOP and len(w) > 2}


def _words_of(text, known: dict):
    """_content_words(text), kept in `known` (text -> its words) for the texts read again."""
    found = known.get(text)
    if found is None:
        found = known[text] = _content_words(text)
    return found


_CLAUSE_BREAK = frozenset(CLAUSE_BREAKS) | {"-", "and", "so"}  # a promise joined by "and"/"so" stands alone


def _waits_on_a_finding(sent, words) -> bool:
    """Whether the sentence makes what it says wait on what someone finds out ("if the engineer confirms ..."). What
    the customer finds is no such finding: "if you find it cheaper anywhere, I'll refund the difference" promises."""
    low = [t.lower_ for t in sent]
    return any(w in words.conditional_openers and not (low[k + 1:k + 2] and low[k + 1] in words.customer_pronouns)
               and not words.finding_verbs.isdisjoint(low[k + 1:k + 6]) for k, w in enumerate(low))


def _negated(before, negation) -> bool:
    """Whether the clause that leads up to a phrase is negated: "I can't match their price" and "liquid damage isn't
    covered by the warranty" refuse; "Don't worry, the warranty covers it" promises (the negation is in another
    clause)."""
    for tok in reversed(before):
        if tok.lower_ in _CLAUSE_BREAK:
            return False
        if tok.lower_ in negation:
            return True
    return False
