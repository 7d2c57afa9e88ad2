"""Token patterns in spaCy's Matcher format, matched with an index on each pattern's first token.

spaCy's Matcher tries every pattern at every token; with ~50 patterns whose first tokens are sets
of words, that was two thirds of the detector's time. Almost every pattern here starts with a
fixed set of words, so a dictionary from first word to patterns finds the few candidates at each
token, and only those are tried. The pattern syntax is spaCy's (LOWER / ORTH / TEXT / IS_* / LIKE_NUM
with exact values, IN, NOT_IN or REGEX, and OP "?", "*", "+"), so the patterns stay readable and could be
handed back to spacy.matcher.Matcher unchanged; tests compare both on the same texts.
"""

from __future__ import annotations

import re

_FLAG_ATTRS = {
    "IS_SENT_START": "is_sent_start",
    "IS_TITLE": "is_title",
    "IS_DIGIT": "is_digit",
    "LIKE_NUM": "like_num",
    "IS_ALPHA": "is_alpha",
    "IS_PUNCT": "is_punct",
    "IS_UPPER": "is_upper",
    "LIKE_URL": "like_url",
}
_TEXT_ATTRS = {"LOWER": "lower", "ORTH": "text", "TEXT": "text"}
# flags that depend on a token's text alone (spaCy's lexical attributes): a predicate over these and the texts gives
# the same answer for the same text wherever it stands, so its answers can be kept per text
_LEXICAL_FLAGS = frozenset(_FLAG_ATTRS) - {"IS_SENT_START"}
_FIRST_CACHE_LIMIT = 100_000


def _compile_token(spec):
    """One token spec -> (predicate(view, i) -> bool, op)."""
    spec = dict(spec)
    op = spec.pop("OP", None)
    if op not in (None, "?", "*", "+", "!"):
        raise ValueError(f"unsupported OP {op!r}")
    checks = []
    for key, value in spec.items():
        if key in _TEXT_ATTRS:
            field = _TEXT_ATTRS[key]
            if isinstance(value, dict):
                if set(value) - {"IN", "NOT_IN", "REGEX"}:
                    raise ValueError(f"unsupported predicate {value!r} for {key}")
                if "REGEX" in value:  # as spaCy: re.search on the token's text (or its lower case)
                    rx = re.compile(value["REGEX"])
                    checks.append(lambda v, i, f=field, r=rx: r.search(getattr(v, f)[i]) is not None)
                if "IN" in value:
                    allowed = frozenset(value["IN"])
                    checks.append(lambda v, i, f=field, a=allowed: getattr(v, f)[i] in a)
                if "NOT_IN" in value:
                    banned = frozenset(value["NOT_IN"])
                    checks.append(lambda v, i, f=field, b=banned: getattr(v, f)[i] not in b)
            else:
                checks.append(lambda v, i, f=field, x=value: getattr(v, f)[i] == x)
        elif key in _FLAG_ATTRS:
            attr = _FLAG_ATTRS[key]
            checks.append(lambda v, i, a=attr, x=bool(value): v.flag(a, i) is x)
        else:
            raise ValueError(f"unsupported token attribute {key!r}")
    if not checks:
        pred = lambda v, i: True  # noqa: E731
    elif len(checks) == 1:
        pred = checks[0]
    else:
        pred = lambda v, i, cs=tuple(checks): all(c(v, i) for c in cs)  # noqa: E731
    if op == "!":
        return (lambda v, i, p=pred: not p(v, i)), None
    return pred, op


class View:
    """What the patterns look at, computed once per reply: lowercase and original token texts, sentence bounds,
    and boolean token flags on demand, read from the doc's arrays (Doc.to_array) rather than from a Token object per
    word; `toks` makes the Tokens only when something asks for them."""

    __slots__ = ("doc", "lower", "text", "sents", "bounds", "_flags", "_toks")

    def __init__(self, doc):
        self.doc, self._toks, self._flags = doc, None, {}
        n = len(doc)
        strings = doc.vocab.strings
        rows = doc.to_array(_COLUMNS).tolist() if n else []
        self.text = [strings[row[0]] for row in rows]
        self.lower = [strings[row[1]] for row in rows]
        starts = [i for i, row in enumerate(rows) if row[2] == 1 or i == 0]  # SENT_START: 1 starts a sentence
        self.sents = list(zip(starts, starts[1:] + [n], strict=True)) if n else []
        bounds = []
        for a, b in self.sents:
            bounds += [(a, b)] * (b - a)
        self.bounds = bounds

    @property
    def toks(self):
        """The doc's Token objects (made on first use)."""
        if self._toks is None:
            self._toks = list(self.doc)
        return self._toks

    def flag(self, attr, i):
        return self.flags(attr)[i]

    def flags(self, attr):
        """A boolean token attribute of every token, as a list."""
        values = self._flags.get(attr)
        if values is None:
            column = _ARRAY_FLAGS.get(attr)
            if column is None:
                values = [bool(getattr(t, attr)) for t in self.toks]
            elif column == "SENT_START":
                values = [k == 0 for k in range(len(self.text))]
                for a, _ in self.sents:
                    values[a] = True
            else:
                values = [v == 1 for v in self.doc.to_array(column).tolist()] if self.text else []
            self._flags[attr] = values
        return values

    def trailing(self, i):
        """The whitespace after token i."""
        values = self._flags.get("whitespace_")
        if values is None:
            values = self._flags["whitespace_"] = [t.whitespace_ for t in self.toks]
        return values[i]

    def memo(self, name) -> dict:
        """A per-reply cache for a helper that reads the View ("is the sentence at k a question?")."""
        return self._flags.setdefault("memo:" + name, {})


_COLUMNS = ["ORTH", "LOWER", "SENT_START"]
# token flags read from the doc's arrays (spaCy attribute names); any other flag is read from the Tokens
_ARRAY_FLAGS = {"is_sent_start": "SENT_START", "is_title": "IS_TITLE", "is_digit": "IS_DIGIT", "like_num": "LIKE_NUM",
                "is_alpha": "IS_ALPHA", "is_punct": "IS_PUNCT", "is_upper": "IS_UPPER", "like_url": "LIKE_URL",
                "is_space": "IS_SPACE", "like_email": "LIKE_EMAIL"}


def inside(start, end, spans) -> bool:
    """Whether tokens start..end lie inside one of the (start, end) spans: a cue inside a wording that takes it
    back ("today" in "anything else I can help with today?")."""
    return any(a <= start and end <= b for a, b in spans)


class TokenPatterns:
    """A set of labelled token patterns. A pattern whose first token is not a fixed word or set of
    words is tried at every token; keep those rare, they cost what spaCy's Matcher costs. Calling it on a View
    returns (label, start, end) for the longest match of each pattern at each start, like spaCy's Matcher with
    greedy="LONGEST" per start."""

    def __init__(self):
        self._by_first: dict[str, list] = {}
        self._unanchored: list = []
        self._lexical: list = []  # unanchored patterns whose first token is judged on the token's text alone
        self._starting: dict[str, tuple] = {}  # token text -> the lexical unanchored patterns its token may start

    def add(self, label, patterns):
        for pattern in patterns:
            compiled = [_compile_token(spec) for spec in pattern]
            entry = (label, compiled)
            first = pattern[0]
            anchors = None
            if first.get("OP") in (None, "+"):
                value = first.get("LOWER")
                if isinstance(value, str):
                    anchors = [value]
                elif isinstance(value, dict) and "IN" in value and "NOT_IN" not in value:
                    anchors = list(value["IN"])
            if anchors is None and first.get("OP") is None and set(first) <= set(_TEXT_ATTRS) | _LEXICAL_FLAGS:
                self._lexical.append(entry)  # "a number", "a word like KT-88213": tried where the first token fits
                self._starting.clear()
            elif anchors is None:
                self._unanchored.append(entry)
            else:
                for word in anchors:
                    self._by_first.setdefault(word, []).append(entry)

    def __call__(self, view: View):
        out = []
        lower = view.lower
        n = len(lower)
        by_first, unanchored = self._by_first, self._unanchored
        starting = self._starting_at(view) if self._lexical else [()] * n
        for i in range(n):
            for label, compiled in by_first.get(lower[i], ()):
                end = _match(compiled, 0, i, view, n)
                if end > i:
                    out.append((label, i, end))
            for label, compiled in starting[i]:
                end = _match(compiled, 1, i + 1, view, n)  # its first token matched: go on from the second
                if end > i:
                    out.append((label, i, end))
            for label, compiled in unanchored:
                pred, op = compiled[0]
                if op is None and not pred(view, i):
                    continue  # the first token must match here: no need to start the search
                end = _match(compiled, 0, i, view, n)
                if end > i:
                    out.append((label, i, end))
        return out

    def _starting_at(self, view: View) -> list[tuple]:
        """For each token, the lexical unanchored patterns whose first token it matches, judged once per distinct
        token text in the process (a text's answer is the same wherever it stands)."""
        starting, text = self._starting, view.text
        out = []
        for i, word in enumerate(text):
            hit = starting.get(word)
            if hit is None:
                if len(starting) > _FIRST_CACHE_LIMIT:
                    starting.clear()
                hit = starting[word] = tuple(e for e in self._lexical if e[1][0][0](view, i))
            out.append(hit)
        return out


def _match(compiled, p, i, view, n):
    """Longest end position matching compiled[p:] from token i, or -1."""
    if p == len(compiled):
        return i
    pred, op = compiled[p]
    if op is None:
        return _match(compiled, p + 1, i + 1, view, n) if i < n and pred(view, i) else -1
    if op == "?":
        best = _match(compiled, p + 1, i + 1, view, n) if i < n and pred(view, i) else -1
        return max(best, _match(compiled, p + 1, i, view, n))
    # "*" or "+": consume as many as match, then try the rest from the longest run back
    j = i
    while j < n and pred(view, j):
        j += 1
    lowest = i + 1 if op == "+" else i
    for k in range(j, lowest - 1, -1):
        end = _match(compiled, p + 1, k, view, n)
        if end >= 0:
            return end
    return -1
