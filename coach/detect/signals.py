"""Signals: what a staff reply or a customer message does that the session-level standards look at.

The behaviour tags (behaviors.md) say what one reply does; some standards need finer evidence: a time the
customer can hold the company to, the customer being left to chase, being sent elsewhere, a move to private
messages, a guess instead of finding out, an open or a closed question, a customer who says they are new to
this or leaves unhappy. The cues are data (lexicons/<lang>/signals.yml); this module only matches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.matcher import Matcher
from spacy.util import filter_spans

from coach.detect.lexicon import expand, template_error
from coach.detect.markup import straighten_quotes
from coach.detect.patterns import TokenPatterns, View, inside
from coach.detect.phrases import PhraseReader, PhraseTable

LEXICONS = Path(__file__).parent / "lexicons"
SIDES = ("staff", "customer")
NOT_WITHIN = "!not_within"  # the matcher label of a signal's not_within phrases


class SignalError(ValueError):
    """A signals file that cannot be used; names the file, the key and what is expected."""


@dataclass(frozen=True)
class Hit:
    signal: str
    start: int  # character offsets in the text
    end: int
    text: str


def _read(path: Path):
    # imported here: coach.standards imports this module, so importing it first must not start there
    from coach.standards.pack import read_yaml

    return read_yaml(path, SignalError, what="a signals file")


def lower_words(doc) -> list[str]:
    """What a signal's phrases are matched on: the lower-case form of every token, as spaCy's LOWER."""
    return [t.lower_ for t in doc]


class SignalMatcher:
    """Matches the signals of one language on parsed texts. Build once; read-only afterwards. The phrases are held
    as tuples of lower-case words (phrases.PhraseTable: a language's signal templates expand into up to 120,000
    phrases) and matched on every token's lower-case form, as spaCy's PhraseMatcher on LOWER matches them."""

    def __init__(self, nlp, lang: str = "en", folder: Path = LEXICONS):
        path = folder / lang / "signals.yml"
        doc = _read(path)
        data = doc.data
        if not isinstance(data, dict) or set(data) - set(SIDES):
            raise doc.error((), f"expected a mapping with the keys {', '.join(SIDES)}")
        self.nlp = nlp
        self.names: dict[str, tuple[str, ...]] = {}
        self._phrases, self._patterns = {}, {}
        read = PhraseReader(nlp, nlp.make_doc, lower_words)  # a phrase -> its words; the phrases share their words
        validator = Matcher(nlp.vocab)  # spaCy checks each pattern and says what is wrong; matching is patterns.py's
        for side in SIDES:
            phrases, patterns = PhraseTable(), TokenPatterns()
            entries = data.get(side) or {}
            if not isinstance(entries, dict):
                raise doc.error((side,), "expected a mapping from signal names to phrases and patterns")
            for name, spec in entries.items():
                self._add(doc, side, name, spec, phrases, patterns, validator, read)
            self.names[side] = tuple(entries)
            self._phrases[side], self._patterns[side] = phrases, patterns

    def _add(self, doc, side, name, spec, phrases, patterns, validator, read):
        if not isinstance(spec, dict) or not (set(spec) <= {"phrases", "patterns", "not_within"}) \
                or not set(spec) & {"phrases", "patterns"}:
            raise doc.error((side, name), "expected 'phrases' (brace templates) and/or 'patterns' (spaCy Matcher), "
                                          "and optionally 'not_within' (phrases a hit inside of does not count)")
        for key, label in (("phrases", name), ("not_within", name + NOT_WITHIN)):
            templates = spec.get(key) or []
            if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
                raise doc.error((side, name, key), "expected a list of phrase templates (text)")
            for k, template in enumerate(templates):
                error = template_error(template)
                if error:
                    raise doc.error((side, name, key, k), error)
            # as the texts are read: an apostrophe or a quote typed ’ is the straight one ("п'ятницю")
            made = [read(p) for t in templates for p in expand(straighten_quotes(t.lower()))]
            if made:
                phrases.add(label, made)
        for i, pattern in enumerate(spec.get("patterns") or []):
            try:
                validator.add(name, [pattern])  # spaCy's own check and message
            except (ValueError, KeyError, TypeError) as exc:
                raise doc.error((side, name, "patterns", i), f"not a valid spaCy Matcher pattern: {exc}") from None
            try:  # matched by the indexed matcher (patterns.py): a fraction of the Matcher's time
                patterns.add(name, [pattern])
            except (ValueError, TypeError) as exc:
                raise doc.error((side, name, "patterns", i), f"{exc}; signals support LOWER, ORTH and TEXT (a "
                                                             "value, IN, NOT_IN or REGEX), IS_* flags, LIKE_NUM, "
                                                             "LIKE_URL and OP ?, *, + and !") from None

    def match(self, side: str, doc, view: View | None = None) -> dict[str, list[Hit]]:
        """Signal -> hits in a parsed text (the doc must have sentence boundaries for IS_SENT_START); `view`: the
        doc's View when the detector has built it already."""
        view = view if view is not None else View(doc)
        phrases = self._phrases[side]
        matches = phrases(tuple(view.lower)) if len(phrases) else []
        matches += self._patterns[side](view)
        excluded = {}
        for name, s, e in matches:
            if name.endswith(NOT_WITHIN):
                excluded.setdefault(name[:-len(NOT_WITHIN)], []).append((s, e))
        kept: dict[str, list] = {}
        for name, s, e in matches:
            if name.endswith(NOT_WITHIN) or inside(s, e, excluded.get(name, ())):
                continue  # "today" in "anything else I can help with today?" is no time to hold anyone to
            kept.setdefault(name, []).append(doc[s:e])
        # one hit per place: "it should be fine" and "should be fine" are one guess, not two findings
        return {name: [Hit(name, sp.start_char, sp.end_char, sp.text) for sp in filter_spans(spans)]
                for name, spans in kept.items()}

    def customer(self, text: str, doc=None) -> dict[str, list[Hit]]:
        """Signal -> hits in a customer's message; `doc`: the message as the tokenizer reads it (quotes
        straightened), when the caller has made it already (the pipeline is run on it here)."""
        if not text:
            return {}
        return self.match("customer", self.nlp(doc if doc is not None else straighten_quotes(text)))


def signal_names(lang: str = "en", folder: Path = LEXICONS) -> dict[str, tuple[str, ...]]:
    """The signal names of a language by side, read without building any matcher (for validating packs)."""
    path = folder / lang / "signals.yml"
    if not path.exists():
        return {side: () for side in SIDES}
    data = _read(path).data or {}
    return {side: tuple((data.get(side) or {}).keys()) for side in SIDES}
