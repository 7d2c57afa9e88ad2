"""The standards engine: a transcript -> findings per turn and a scorecard whose arithmetic is shown.

Scoring, in words a trainer can check by hand:
- every rule that applies to the session is worth its weight in points in its category;
- a rule with no finding earns its weight, a rule with one or more findings earns nothing;
- a category's score is 100 x earned / possible over its applicable rules;
- the overall score is the mean of the category scores, weighted as the pack says
  (pack.yml: scoring.category_weights; equal by default), so a category where many standards are
  trivially met (say, phrasing in a call that went badly) cannot hide a category that failed;
- the worst severity among the findings caps the overall score where the pack says so
  (pack.yml: scoring.caps), e.g. a critical finding (rudeness, blame) caps it at 40.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.matcher import Matcher, PhraseMatcher

from coach.detect import Detection, detector_version, shared_detector
from coach.detect.context import straighten_quotes
from coach.detect.customer import ComplaintDetector
from coach.standards.pack import SEVERITIES, Pack, PackError, Rule
from coach.transcript import Transcript

SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


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


@dataclass
class Analysis:
    """What the detector saw in a session: per staff turn, its behaviours; and whether the customer complained."""

    transcript: Transcript
    detections: dict[int, Detection]
    complaint_turn: int | None

    def behaviors(self, i):
        return set(self.detections[i].behaviors) if i in self.detections else set()


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
    """Scores transcripts against one standards pack. Build once; reuse (matchers are compiled here)."""

    def __init__(self, pack: Pack, detector=None):
        self.pack = pack
        self.detector = detector or shared_detector(tuple(pack.jargon))
        nlp = self.detector.nlp
        self.nlp = nlp
        self.complaints = ComplaintDetector(nlp)
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._patterns = Matcher(nlp.vocab)
        self._swap = {}
        self._detector_version = detector_version()
        self._needs_lemmas = False
        for rule in pack.rules:
            if rule.type == "avoid":
                for phrase in rule.spec.get("phrases", []):
                    self._phrases.add(rule.id, [nlp.make_doc(straighten_quotes(phrase))])
                for i, pattern in enumerate(rule.spec.get("patterns", [])):
                    self._needs_lemmas |= any("LEMMA" in spec for spec in pattern)
                    try:
                        self._patterns.add(rule.id, [pattern])
                    except (ValueError, KeyError, TypeError) as exc:
                        raise PackError(f"{rule.path}:{rule.line}: avoid.patterns[{i}]: not a valid spaCy Matcher "
                                        f"pattern: {exc}") from None
            elif rule.type == "substitution":
                for phrase, better in rule.spec["swap"].items():
                    self._phrases.add(rule.id, [nlp.make_doc(straighten_quotes(phrase))])
                    self._swap[(rule.id, straighten_quotes(phrase).lower())] = better

    # -- analysis -------------------------------------------------------------------------------
    def analyse(self, transcript: Transcript) -> Analysis:
        staff = transcript.staff_turns
        pairs = []
        for i in staff:
            prev = next((transcript.turns[j].text for j in range(i - 1, -1, -1) if transcript.turns[j].speaker == "customer"), "")
            pairs.append((transcript.turns[i].text, prev))
        detections = dict(zip(staff, self.detector.detect_many(pairs)))
        complaint_turn = next(
            (i for i, t in enumerate(transcript.turns) if t.speaker == "customer" and self.complaints.is_complaint(t.text)),
            None,
        )
        if complaint_turn is None and transcript.meta.get("complaint"):
            # the session is known to be a complaint (a complaint-track scenario) even where the customer's
            # words are not recognised as one
            complaint_turn = next((i for i, t in enumerate(transcript.turns) if t.speaker == "customer"), None)
        return Analysis(transcript, detections, complaint_turn)

    # -- scoring --------------------------------------------------------------------------------
    def score(self, transcript: Transcript, analysis: Analysis | None = None) -> Scorecard:
        analysis = analysis or self.analyse(transcript)
        findings: list[Finding] = []
        met, missed, na = [], [], []
        earned: dict[str, float] = {}
        possible: dict[str, float] = {}
        lost: dict[str, list[str]] = {}
        phrase_hits = self._phrase_hits(analysis)
        for rule in self.pack.rules:
            result = self._check(rule, analysis, phrase_hits)
            if result is None:
                na.append(rule.id)
                continue
            possible[rule.category] = possible.get(rule.category, 0.0) + rule.weight
            if result:
                findings.extend(result)
                missed.append(rule.id)
                lost.setdefault(rule.category, []).append(f"{rule.id} -{_num(rule.weight)}")
            else:
                met.append(rule.id)
                earned[rule.category] = earned.get(rule.category, 0.0) + rule.weight
        categories, explanation = {}, []
        for cat in self.pack.categories:
            if cat not in possible:
                continue
            e, p = earned.get(cat, 0.0), possible[cat]
            categories[cat] = round(100 * e / p)
            why = f" (missed: {', '.join(lost[cat])})" if cat in lost else ""
            explanation.append(f"{cat}: {_num(e)}/{_num(p)} points = {categories[cat]}{why}")
        weights = {c: self.pack.category_weights.get(c, 1.0) for c in categories}
        total_w = sum(weights.values())
        raw = round(sum(categories[c] * weights[c] for c in categories) / total_w) if total_w else 100
        terms = " + ".join(f"{categories[c]} x {_num(weights[c])}" for c in categories)
        explanation.append(f"overall before caps: ({terms}) / {_num(total_w)} = {raw}")
        overall = raw
        worst = max(findings, key=lambda f: SEVERITY_RANK[f.severity], default=None)
        if worst is not None:
            for sev in reversed(SEVERITIES):
                if SEVERITY_RANK[sev] > SEVERITY_RANK[worst.severity]:
                    continue
                cap = self.pack.caps.get(sev)
                if cap is not None and any(f.severity == sev for f in findings):
                    if raw > cap:
                        rules = sorted({f.rule for f in findings if f.severity == sev})
                        explanation.append(f"capped at {_num(cap)}: {sev} finding(s) {', '.join(rules)} "
                                           f"(pack {self.pack.id} caps a session with a {sev} finding at {_num(cap)})")
                        overall = round(cap)
                    break
        explanation.append(f"overall = {overall}")
        self._choose_suggestions(findings, analysis)
        findings.sort(key=lambda f: (f.turn if f.turn is not None else 10**9, -SEVERITY_RANK[f.severity], f.rule))
        return Scorecard(
            overall=overall,
            categories=categories,
            findings=findings,
            met=met,
            missed=missed,
            not_applicable=na,
            explanation=explanation,
            standards={"pack": self.pack.id, "version": self.pack.version, "detector": self._detector_version},
            behaviors={i: d.behaviors for i, d in analysis.detections.items()},
            warnings=[f"turn {i}: {w}" for i, d in analysis.detections.items() for w in d.warnings],
        )

    # -- rule checks: each returns None (does not apply), [] (met) or findings ---------------------
    def _check(self, rule: Rule, a: Analysis, phrase_hits):
        tr = a.transcript
        channels = rule.applies.get("channel")
        if channels and tr.channel not in channels:
            return None
        if "complaint" in rule.applies and rule.applies["complaint"] != (a.complaint_turn is not None):
            return None
        return getattr(self, f"_check_{rule.type}")(rule, a, phrase_hits)

    def _choose_suggestions(self, findings, a):
        """Of a rule's suggestions, show the one closest to what the trainee was saying, so the better
        phrasing reads as a rewrite of their reply rather than a stock line."""
        rules = {r.id: r for r in self.pack.rules}
        for f in findings:
            rule = rules[f.rule]
            if f.fix is not None or f.turn is None or len(rule.suggestions) < 2:
                continue
            said = _content_words(a.transcript.turns[f.turn].text)
            if said:
                f.suggestion = max(rule.suggestions, key=lambda sug: len(said & _content_words(sug)))

    def _finding(self, rule, turn=None, span=None, match=None, suggestion=None, fix=None):
        msg = rule.message.replace("{match}", match) if match else rule.message.replace("'{match}' ", "").replace("{match}", "this")
        return Finding(rule=rule.id, severity=rule.severity, category=rule.category, message=msg,
                       suggestion=suggestion if suggestion is not None else (rule.suggestions[0] if rule.suggestions else None),
                       turn=turn, span=span, fix=fix)

    def _check_avoid(self, rule, a, phrase_hits):
        out, seen = [], set()
        behaviors = set(rule.spec.get("behaviors", []))
        for i, det in a.detections.items():
            for ev in det.spans:
                if ev.behavior in behaviors and (i, ev.start) not in seen:
                    seen.add((i, ev.start))
                    out.append(self._finding(rule, i, {"start": ev.start, "end": ev.end, "text": ev.text}, ev.text))
        for i, start, end, text in phrase_hits.get(rule.id, []):
            if (i, start) not in seen:
                seen.add((i, start))
                out.append(self._finding(rule, i, {"start": start, "end": end, "text": text}, text))
        return out

    def _check_substitution(self, rule, a, phrase_hits):
        out = []
        for i, start, end, text in phrase_hits.get(rule.id, []):
            better = self._swap.get((rule.id, straighten_quotes(text).lower()))
            reply = a.transcript.turns[i].text
            fix = reply[:start] + better + reply[end:] if better else None
            out.append(self._finding(rule, i, {"start": start, "end": end, "text": text}, text, suggestion=better, fix=fix))
        return out

    def _window(self, window, a):
        """Staff-turn indices of a window, or None when the window does not occur in this session."""
        tr = a.transcript
        staff = tr.staff_turns
        if window == "any":
            return staff
        if window == "first":
            return staff[:1]
        if window == "last":
            return staff[-1:]
        if window == "after_complaint":
            if a.complaint_turn is None:
                return None
            nxt = [i for i in staff if i > a.complaint_turn]
            return nxt[:1] or None
        event = {"before_hold": "hold", "before_transfer": "transfer", "after_resume": "resume"}[window]
        events = [i for i, t in enumerate(tr.turns) if t.event == event]
        if not events:
            return None
        out = []
        for e in events:
            if window == "after_resume":
                nxt = [i for i in staff if i > e]
                if nxt:
                    out.append(nxt[0])
            else:
                prev = [i for i in staff if i < e]
                out.append(prev[-1] if prev else -1)  # -1: no staff reply before the event at all
        return out

    def _check_require(self, rule, a, _):
        wanted = set(rule.spec["behaviors"])
        window = self._window(rule.spec["window"], a)
        if window is None or not window:
            return None
        if rule.spec["window"] in ("any", "first", "last", "after_complaint"):
            if any(a.behaviors(i) & wanted for i in window):
                return []
            target = window[0] if rule.spec["window"] != "last" else window[-1]
            return [self._finding(rule, target if rule.spec["window"] != "any" else None)]
        out = []
        for i in window:  # one check per hold/transfer/resume event
            if i < 0 or not (a.behaviors(i) & wanted):
                out.append(self._finding(rule, i if i >= 0 else None))
        return out

    def _check_sequence(self, rule, a, _):
        steps = rule.spec["steps"]
        staff = a.transcript.staff_turns
        firsts = []
        for step in steps:
            hit = next((i for i in staff if a.behaviors(i) & set(step)), None)
            firsts.append(hit)
        if all(f is None for f in firsts):
            return [self._finding(rule, None)]
        out = []
        missing = [" or ".join(step) for step, f in zip(steps, firsts) if f is None]
        if missing:
            out.append(self._finding(rule, None))
            out[-1].message += f" Missing: {'; '.join(missing)}."
        present = [(f, step) for f, step in zip(firsts, steps) if f is not None]
        for (f1, s1), (f2, s2) in zip(present, present[1:]):
            if f2 < f1:
                fnd = self._finding(rule, f2)
                fnd.message += f" Here {' or '.join(s2)} came before {' or '.join(s1)}."
                out.append(fnd)
        return out

    def _check_conditional(self, rule, a, _):
        cond, then, within = set(rule.spec["if"]), set(rule.spec["then"]), rule.spec["within"]
        staff = a.transcript.staff_turns
        triggered = [k for k, i in enumerate(staff) if a.behaviors(i) & cond]
        if not triggered:
            return None
        out = []
        for k in triggered:
            window = staff[k:k + within + 1]
            if not any(a.behaviors(i) & then for i in window):
                i = staff[k]
                det = a.detections[i]
                ev = next((e for e in det.spans if e.behavior in cond), None)
                span = {"start": ev.start, "end": ev.end, "text": ev.text} if ev else None
                out.append(self._finding(rule, i, span, ev.text if ev else None))
        return out

    def _check_timing(self, rule, a, _):
        tr, mx, measure = a.transcript, rule.spec["max_seconds"], rule.spec["measure"]
        turns = tr.turns
        out = []
        if measure == "answer":
            ring = next((i for i, t in enumerate(turns) if t.event == "ring" and t.t is not None), None)
            if ring is None:
                return None
            ans = next((i for i in range(ring + 1, len(turns)) if (turns[i].speaker == "staff" or turns[i].event == "answer")
                        and turns[i].t is not None), None)
            if ans is None:
                return [self._finding(rule, None)]
            waited = turns[ans].t - turns[ring].t
            if waited > mx:
                f = self._finding(rule, ans)
                f.message += f" (answered after {_num(waited)} s; the standard is {_num(mx)} s)"
                out.append(f)
            return out
        if measure == "reply":
            pairs = []
            for i, t in enumerate(turns):
                if t.speaker == "staff" and t.t is not None:
                    prev = next((j for j in range(i - 1, -1, -1) if turns[j].speaker != "staff"), None)
                    if prev is not None and turns[prev].speaker == "customer" and turns[prev].t is not None:
                        pairs.append((i, t.t - turns[prev].t))
            if not pairs:
                return None
            for i, gap in pairs:
                if gap > mx:
                    f = self._finding(rule, i)
                    f.message += f" (this reply came after {_num(gap)} s; the standard is {_num(mx)} s)"
                    out.append(f)
            return out
        # hold: from each hold event to the next resume, staff turn or hang-up
        holds = [i for i, t in enumerate(turns) if t.event == "hold" and t.t is not None]
        if not holds:
            return None
        for h in holds:
            end = next((j for j in range(h + 1, len(turns)) if turns[j].t is not None and
                        (turns[j].event in ("resume", "hangup", "transfer") or turns[j].speaker == "staff")), None)
            if end is None:
                continue
            held = turns[end].t - turns[h].t
            if held > mx:
                f = self._finding(rule, end if turns[end].speaker == "staff" else None)
                f.message += f" (on hold {_num(held)} s; the standard is {_num(mx)} s)"
                out.append(f)
        return out

    def _check_limit(self, rule, a, _):
        measure, mx = rule.spec["measure"], rule.spec["max"]
        turns = a.transcript.turns
        out = []
        if measure == "repeat":
            seen_text, seen_open = {}, {}
            for i in a.transcript.staff_turns:
                words = re.findall(r"[a-z0-9']+", straighten_quotes(turns[i].text).lower())
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
                    out.append(self._finding(rule, i, {"start": 0, "end": len(text), "text": text}, None))
            return out
        for i in a.transcript.staff_turns:
            text = turns[i].text
            words = re.findall(r"[A-Za-z][A-Za-z'\-]*", text)
            if measure == "words":
                if len(words) > mx:
                    f = self._finding(rule, i)
                    f.message += f" ({len(words)} words; the standard is at most {_num(mx)})"
                    out.append(f)
            elif measure == "exclamations":
                n = text.count("!")
                if n > mx:
                    f = self._finding(rule, i)
                    f.message += f" ({n} exclamation marks; at most {_num(mx)})"
                    out.append(f)
            elif measure == "caps":
                long_words = [w for w in words if len(w) > 1]
                jargon = self.detector.jargon
                caps = [w for w in long_words if w.isupper() and w not in jargon]
                if len(long_words) >= 3 and len(caps) / len(long_words) > mx:
                    m = re.search(r"[A-Z][A-Z' ,!\-]{3,}[A-Z]", text)
                    span = {"start": m.start(), "end": m.end(), "text": m.group(0)} if m else None
                    out.append(self._finding(rule, i, span, m.group(0) if m else None))
        return out

    def _phrase_hits(self, a: Analysis):
        """Matches of the pack's own phrases and patterns, per rule: (turn, start, end, text)."""
        hits: dict[str, list] = {}
        strings = self.nlp.vocab.strings
        for i in a.transcript.staff_turns:
            text = a.transcript.turns[i].text
            det = a.detections.get(i)
            doc = det.doc if det is not None and det.doc is not None else self.nlp(straighten_quotes(text))
            if self._needs_lemmas:  # a pack pattern asks for LEMMA: fill it from the lookup table
                lemmas = self.detector.lemmas
                for tok in doc:
                    tok.lemma_ = lemmas.get(tok.lower_, tok.lower_)
            matches = [(strings[m], s, e) for m, s, e in self._phrases(doc)] + \
                      [(strings[m], s, e) for m, s, e in self._patterns(doc)]
            for rid, s, e in matches:
                span = doc[s:e]
                hits.setdefault(rid, []).append((i, span.start_char, span.end_char, text[span.start_char:span.end_char]))
        return hits


def _num(x):
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


_STOP = frozenset("the a an to you your we i is are it and of for be this that in on with can will have it's i'll "
                  "we'll our us me my so if at as by from".split())


def _content_words(text):
    return {w for w in re.findall(r"[a-z']+", straighten_quotes(text).lower()) if w not in _STOP and len(w) > 2}
