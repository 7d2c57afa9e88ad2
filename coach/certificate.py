"""The employee-of-the-month certificate: one printable A4 landscape page (PDF) made with fpdf2, in the language
asked for (the signed-in person's): its words come from the catalogs of coach/locale (coach/i18n.py), the month's
name from Babel's CLDR data. What a person typed (the name, the team, the reason, who decided) is printed as typed,
never looked up; control characters in it become spaces.

The font is DejaVu Sans, a Unicode TrueType font from Debian's fonts-dejavu-core (scripts/ensure-fonts installs it
with the set-up; nothing is downloaded at run time), embedded as a subset, so a name prints as written: «Ольга
Петрова», «Łukasz Żółć». A character DejaVu Sans has no glyph for (Chinese, say) is transliterated or printed '?'.
fonts-dejavu-core has no oblique face, so the one italic line is upright.

Without the font files (a machine set up without them, or `FONTS` pointing elsewhere) the certificate still
prints, with the PDF core fonts (Helvetica) as before: they cover Latin-1, and other characters are transliterated
(Cyrillic, letters with accents outside Latin-1) or replaced by '?', the Russian wording too («Sotrudnik mesyatsa»).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from fpdf import FPDF

from coach.i18n import locale, number
from coach.i18n import say as _say
from coach.i18n import say_n as _say_n

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
FONTS = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}  # style -> file
UNICODE_FAMILY = "DejaVuSans"
CORE_FAMILY = "Helvetica"
MAX_REASON = 700  # characters: the certificate stays one page; the full reason is in the award record
INK = (32, 52, 96)

# letters that Unicode does not decompose into a Latin base letter, and typographic punctuation
_SPECIAL = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe",
            "Ŋ": "Ng", "ŋ": "ng", "ſ": "s", "ƒ": "f", "Ŧ": "T", "ŧ": "t", "ĸ": "k",
            "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
            "\u201e": '"', "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-",
            "\u2011": "-", "\u02bc": "'", "\u2026": "...", "\u2022": "-", "\u20ac": "EUR", "\u2122": "(TM)"}
# Russian and Ukrainian (the product's source languages), close to the usual passport spellings
_CYRILLIC = dict(zip("абвгґдеёжзиійклмнопрстуфхцчшщъыьэюяєї",
                     ["a", "b", "v", "g", "g", "d", "e", "yo", "zh", "z", "i", "i", "y", "k", "l", "m", "n", "o",
                      "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
                      "ye", "yi"], strict=True))


def _control(ch: str) -> bool:
    """A control character: a line break or tab in typed text, or one that would break the PDF's text."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0 or ch in "\u2028\u2029"


def latin1(text) -> str:
    """Text the core fonts can print: Latin-1 kept, the rest transliterated or '?'."""
    out = []
    for ch in unicodedata.normalize("NFC", str(text if text is not None else "")):
        if _control(ch):  # a line break or tab becomes a space
            out.append(" ")
        elif ord(ch) < 0x100:
            out.append(ch)
        else:
            out.append(_transliterated(ch))
    return "".join(out)


def _transliterated(ch: str) -> str:
    """One character outside Latin-1 in Latin-1 letters, or '?'."""
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.lower() in _CYRILLIC:
        t = _CYRILLIC[ch.lower()]
        return t.capitalize() if ch.isupper() else t
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 0x100 and not unicodedata.combining(c))
    return base or "?"


def printable(text, glyphs=None) -> str:
    """Text the certificate's font can print: with the Unicode font (`glyphs`: the code points it has) every
    character it has a glyph for, as written; otherwise, or for a character it lacks, as `latin1` prints it.
    Control characters become spaces either way."""
    if glyphs is None:
        return latin1(text)
    out = []
    for ch in unicodedata.normalize("NFC", str(text if text is not None else "")):
        if _control(ch):
            out.append(" ")
        elif ord(ch) in glyphs:
            out.append(ch)
        elif unicodedata.category(ch) != "Cf":  # an invisible format character without a glyph is left out
            out.append(latin1(ch))
    return "".join(out)


def month_name(period: str, language: str = "en") -> str:
    """'2026-11' -> 'November 2026' («Ноябрь 2026» in Russian; anything else is returned as given)."""
    from babel.dates import format_date

    try:
        year, month = str(period).split("-")
        when = date(int(year), int(month), 1)
    except ValueError:
        return str(period)
    text = format_date(when, "LLLL y", locale=locale(language))  # the month on its own: nominative («ноябрь»)
    return text[:1].upper() + text[1:]


def _number(x, language: str, signed: bool = False) -> str:
    """A figure in the language's number format: 85.5, «85,5»; +4.4 when `signed`."""
    text = number(abs(x) if signed else x, language)
    return ("+" if x > 0 else "-" if x < 0 else "") + text if signed else text


def _figures_line(figures: dict, language: str = "en") -> str:
    """The award's main figures in one line; tolerant of older formulas' figures."""
    f, lang = figures or {}, language
    parts = []
    if f.get("final") is not None:
        parts.append(_say(lang, "final score {score}", score=_number(f["final"], lang)))
    mean = f.get("mean_adjusted", f.get("mean"))
    if mean is not None:
        parts.append(_say(lang, "mean {mean}", mean=_number(mean, lang)))
    if f.get("sessions") is not None:
        parts.append(_say_n(lang, "{n} session", "{n} sessions", f["sessions"], n=_number(f["sessions"], lang)))
    tracks = f.get("tracks")
    if isinstance(tracks, list) and tracks:
        parts.append(_say(lang, "tracks: {tracks}", tracks=", ".join(_say(lang, str(t)) for t in tracks)))
    elif isinstance(tracks, int):
        parts.append(_say_n(lang, "{n} track", "{n} tracks", tracks, n=_number(tracks, lang)))
    if f.get("improvement"):
        parts.append(_say(lang, "improvement {change}", change=_number(f["improvement"], lang, signed=True)))
    return "; ".join(parts)


def certificate_pdf(name: str, period: str, team: str | None, figures: dict, reason: str, decided_by: str, *,
                    formula_version: str | None = None, language: str = "en", compress: bool = True) -> bytes:
    """The certificate as PDF bytes, its wording in `language`. compress=False leaves the page's content stream
    unpacked (tests read its text)."""
    lang = language or "en"
    reason = " ".join(str(reason or "").split())
    if len(reason) > MAX_REASON:
        reason = reason[:MAX_REASON - 3].rstrip() + "..."
    version = formula_version or (figures or {}).get("formula_version")
    pdf = _framed_page(_say(lang, "Employee of the month {period}: {name}", period=period, name=name), compress)
    w, h = pdf.w, pdf.h
    _line(pdf, _say(lang, "Employee of the month"), 34, "B", 6, y=32, smallest=20)
    _line(pdf, month_name(period, lang), 18, "", 12, smallest=12)
    _line(pdf, _say(lang, "awarded to"), 13, "I", 4, smallest=9)
    size = _fitting(pdf, name, 30, 14, "B")  # a name too long even at 14 points wraps
    _font(pdf, "B", size)
    pdf.multi_cell(0, size * 0.5, _text(pdf, name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _line(pdf, team or "", 15, "", 8, smallest=9)
    figures_y, bottom = h - 60, h - 64  # the reason fills the space above the figures
    if reason:
        _reason(pdf, reason, bottom)
    figures_text = _figures_line(figures, lang)
    if figures_text:
        pdf.set_text_color(90, 90, 90)
        _line(pdf, figures_text, 10, y=figures_y, smallest=7)
        pdf.set_text_color(*INK)

    # signature line and the formula, at the foot of the page
    pdf.set_draw_color(*INK)
    pdf.line(w / 2 - 45, h - 44, w / 2 + 45, h - 44)
    _line(pdf, _say(lang, "Decided by {name}", name=decided_by), 12, "", y=h - 41, smallest=8)
    if version:
        pdf.set_text_color(120, 120, 120)
        _line(pdf, _say(lang, "Formula {version}", version=version), 8, y=h - 26, smallest=6)
    return bytes(pdf.output())


def _with_font() -> FPDF | None:
    """A document with DejaVu Sans added (regular and bold), or None when its files are missing or unreadable."""
    if not all(Path(path).is_file() for path in FONTS.values()):
        return None
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    try:
        for style, path in FONTS.items():
            pdf.add_font(UNICODE_FAMILY, style, str(path))
    except Exception:  # noqa: BLE001 - any font file fontTools cannot read: the core fonts print instead
        return None
    return pdf


def _framed_page(title: str, compress: bool) -> FPDF:
    """An A4 landscape page with the certificate's double frame, ready for text."""
    pdf = _with_font()
    if pdf is None:
        pdf = FPDF(orientation="landscape", unit="mm", format="A4")
        pdf.glyphs = None  # the core fonts: Latin-1, the rest transliterated
    else:
        pdf.glyphs = frozenset(pdf.fonts[UNICODE_FAMILY.lower()].cmap)
    pdf.set_compression(compress)
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 20, 25)
    pdf.set_title(_text(pdf, title))
    pdf.set_creator("Service coach")
    pdf.add_page()
    pdf.set_draw_color(*INK)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)
    pdf.set_text_color(*INK)
    return pdf


def _text(pdf, text) -> str:
    return printable(text, pdf.glyphs)


def _font(pdf, style, size):
    """The certificate's font at `size` points: DejaVu Sans (bold or regular: the package has no oblique face),
    or Helvetica in any style."""
    if pdf.glyphs is None:
        pdf.set_font(CORE_FAMILY, style, size)
    else:
        pdf.set_font(UNICODE_FAMILY, "B" if "B" in style else "", size)


def _line(pdf, text, size, style="", gap=0.0, y=None, smallest=None):
    """One centred line of text at `size` points, smaller (down to `smallest`) when it would not fit the width,
    wrapped when it does not fit even then; at height `y` when given, then `gap` mm."""
    if y is not None:
        pdf.set_y(y)
    size = _fitting(pdf, text, size, smallest or size, style)
    _font(pdf, style, size)
    pdf.multi_cell(0, size * 0.5, _text(pdf, text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _fitting(pdf, text, largest, smallest, style=""):
    """The largest font size (points) at which text fits the width on one line."""
    size = largest
    _font(pdf, style, size)
    while size > smallest and pdf.get_string_width(_text(pdf, text)) > pdf.epw:
        size -= 1
        _font(pdf, style, size)
    return size


def _reason(pdf, reason, bottom):
    """The reason, centred, at the largest size (13 to 8 points) at which it ends above `bottom`; when it does not
    fit even at 8 points (a long name and team above it, wide letters), as many lines as fit, the last ending in
    '...', so that it never runs into the figures and the signature."""
    text = _text(pdf, reason)
    for size in range(13, 7, -1):
        _font(pdf, "", size)
        lines = pdf.multi_cell(0, size * 0.5, text, align="C", dry_run=True, output="LINES")
        if pdf.get_y() + len(lines) * size * 0.5 <= bottom:
            pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT",
                           max_line_height=size * 0.5)
            return
    lines = lines[:int((bottom - pdf.get_y()) // (size * 0.5))]
    if lines:
        last = lines[-1]
        while last and pdf.get_string_width(last + "...") > pdf.epw:
            last = last[:-1]
        lines[-1] = last.rstrip() + "..."
    for line in lines:
        pdf.cell(0, size * 0.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
