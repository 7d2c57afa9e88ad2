"""A reply as words: HTML tags, character references and markdown emphasis taken out before the detector reads
it, with a map back to the text the person typed, so every span still points into what they wrote.

Replies pasted from an e-mail client or a help-desk tool carry markup ("<p>Hello <b>there</b></p>",
"&amp;", "**Sorry** about that"). Blanking it out with spaces kept the offsets but split phrases: spaCy reads a
run of spaces as a token of its own, so "Hello <b>there" no longer matched "hello there" and the model, seeing
a greeting it did not know, called the reply a brush-off. Here markup is removed (inline tags and emphasis
markers), replaced by a line break (block tags: <p>, <br>, <li> ...) or by the character it stands for
(&amp; is "&"), and `Cleaned.source` maps a span of the clean text back to the original.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'"})
HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*|!--)[^<>]{0,200}>")
_BLOCK = frozenset(("p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "table", "blockquote", "hr", "pre",
                    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer"))
_INLINE = frozenset(("a", "b", "i", "u", "s", "em", "strong", "span", "font", "small", "big", "strike", "sub", "sup",
                     "mark", "code", "abbr", "img", "html", "body", "head", "meta", "link", "tbody", "thead",
                     "!--"))
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# emphasis around words: **bold**, __bold__, *it*, _it_, ~~struck~~, `code`; not 5 * 3, snake_case or a lone *
_EMPHASIS = re.compile(r"(?<![\w*_~`])(\*\*|__|~~|\*|_|`)(?=[^\s*_~`])(.+?)(?<=[^\s*_~`])\1(?![\w*_~`])")
_MARKUP_HINT = re.compile(r"[<&*_~`]")


def straighten_quotes(text: str) -> str:
    """Typographic quotes to straight ones, one character for one (offsets stay valid)."""
    return text.translate(_QUOTES)


@dataclass(frozen=True)
class Cleaned:
    """The text the detector reads and, when markup was taken out, where each of its characters came from:
    clean character k stands for original[starts[k]:ends[k]]."""

    original: str
    text: str
    starts: tuple[int, ...] | None = None  # None: the text is the original, character for character
    ends: tuple[int, ...] | None = None

    def source(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the clean span [start, end)."""
        if self.starts is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def source_text(self, start: int, end: int) -> tuple[int, int, str]:
        s, e = self.source(start, end)
        return s, e, self.original[s:e]


def _edits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each piece of markup, in order, not overlapping."""
    edits = []
    if "<" in text:
        for m in HTML_TAG.finditer(text):
            name = m.group(2).lower()
            if name not in _BLOCK and name not in _INLINE:
                continue  # "<hub-ip>", "<name>": a placeholder someone typed, not markup
            edits.append((m.start(), m.end(), "\n" if name in _BLOCK else ""))
    if "&" in text:
        for m in _ENTITY.finditer(text):
            edits.append((m.start(), m.end(), straighten_quotes(html.unescape(m.group(0))).replace("\xa0", " ")))
    if any(c in text for c in "*_~`"):
        for m in _EMPHASIS.finditer(text):
            marker = m.group(1)
            edits.append((m.start(), m.start() + len(marker), ""))
            edits.append((m.end() - len(marker), m.end(), ""))
    edits.sort()
    kept, last = [], 0
    for start, end, new in edits:
        if start >= last:  # an entity inside a tag, emphasis inside a tag: the outer edit wins
            kept.append((start, end, new))
            last = end
    return kept


def clean(text: str) -> Cleaned:
    """The reply as the detector reads it: quotes straightened, markup out; see the module's docstring."""
    text_q = straighten_quotes(text)
    edits = _edits(text_q) if _MARKUP_HINT.search(text_q) else []
    if not edits:
        return Cleaned(text, text_q)
    out, starts, ends, pos, last = [], [], [], 0, ""
    for start, end, new in edits:
        out.append(text_q[pos:start])
        last = text_q[start - 1] if start > pos else last
        starts.extend(range(pos, start))
        ends.extend(range(pos + 1, start + 1))
        pos = end
        if new == "\n" and (not last or last.isspace()):
            continue  # a block tag at the start or after a line break adds nothing
        out.append(new)
        last = new[-1:] or last
        starts.extend([start] * len(new))
        ends.extend([end] * len(new))
    out.append(text_q[pos:])
    starts.extend(range(pos, len(text_q)))
    ends.extend(range(pos + 1, len(text_q) + 1))
    clean_text = "".join(out)
    while clean_text.endswith("\n") and text_q[starts[-1]] == "<":
        clean_text, starts, ends = clean_text[:-1], starts[:-1], ends[:-1]  # a closing block tag at the end
    return Cleaned(text, clean_text, tuple(starts), tuple(ends))
