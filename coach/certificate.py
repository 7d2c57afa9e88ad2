"""The employee-of-the-month certificate: one printable A4 landscape page (PDF) made with fpdf2.

Only the PDF core fonts (Helvetica), so nothing is downloaded or installed at run time. They cover
Latin-1; other characters are transliterated (Cyrillic, letters with accents outside Latin-1) or replaced
by '?', so any name prints.
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
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


def latin1(text) -> str:
    """Text the core fonts can print: Latin-1 kept, the rest transliterated or '?'."""
    out = []
    for ch in unicodedata.normalize("NFC", str(text if text is not None else "")):
        code = ord(ch)
        if code < 0x20 or 0x7F <= code < 0xA0:  # control characters: a line break or tab becomes a space
            out.append(" ")
        elif code < 0x100:
            out.append(ch)
        elif ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch.lower() in _CYRILLIC:
            t = _CYRILLIC[ch.lower()]
            out.append(t.capitalize() if ch.isupper() else t)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 0x100 and
                           not unicodedata.combining(c))
            out.append(base or "?")
    return "".join(out)


def month_name(period: str) -> str:
    """'2026-11' -> 'November 2026' (anything else is printed as given)."""
    try:
        year, month = str(period).split("-")
        return f"{MONTHS[int(month) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return latin1(period)


def _figures_line(figures: dict) -> str:
    """The award's main figures in one line; tolerant of older formulas' figures."""
    f = figures or {}
    parts = []
    if f.get("final") is not None:
        parts.append(f"final score {f['final']:g}")
    mean = f.get("mean_adjusted", f.get("mean"))
    if mean is not None:
        parts.append(f"mean {mean:g}")
    if f.get("sessions") is not None:
        parts.append(f"{f['sessions']} sessions")
    tracks = f.get("tracks")
    if isinstance(tracks, list) and tracks:
        parts.append("tracks: " + ", ".join(map(str, tracks)))
    elif isinstance(tracks, int):
        parts.append(f"{tracks} tracks")
    if f.get("improvement"):
        parts.append(f"improvement {f['improvement']:+g}")
    return latin1("; ".join(parts))


def certificate_pdf(name: str, period: str, team: str | None, figures: dict, reason: str, decided_by: str, *,
                    formula_version: str | None = None, compress: bool = True) -> bytes:
    """The certificate as PDF bytes. compress=False leaves the page text readable in the file (tests)."""
    reason = " ".join(str(reason or "").split())
    if len(reason) > MAX_REASON:
        reason = reason[:MAX_REASON - 3].rstrip() + "..."
    version = formula_version or (figures or {}).get("formula_version")
    pdf = _framed_page(f"Employee of the month {period}: {name}", compress)
    w, h = pdf.w, pdf.h
    _line(pdf, "Employee of the month", 34, "B", 6, y=32)
    _line(pdf, month_name(period), 18, "", 12)
    _line(pdf, "awarded to", 13, "I", 4)
    size = _fitting(pdf, name, 30, 14, "B")  # a name too long even at 14 points wraps
    pdf.multi_cell(0, size * 0.5, latin1(name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _line(pdf, team or "", _fitting(pdf, team or "", 15, 9), "", 8)
    figures_y, bottom = h - 60, h - 64  # the reason fills the space above the figures
    if reason:
        _reason(pdf, reason, bottom)
    figures_text = _figures_line(figures)
    if figures_text:
        pdf.set_text_color(90, 90, 90)
        _line(pdf, figures_text, 10, y=figures_y)
        pdf.set_text_color(*INK)

    # signature line and the formula, at the foot of the page
    pdf.set_draw_color(*INK)
    pdf.line(w / 2 - 45, h - 44, w / 2 + 45, h - 44)
    _line(pdf, f"Decided by {decided_by}", 12, "", y=h - 41)
    if version:
        pdf.set_text_color(120, 120, 120)
        _line(pdf, f"Formula {version}", 8, y=h - 26)
    return bytes(pdf.output())


def _framed_page(title: str, compress: bool) -> FPDF:
    """An A4 landscape page with the certificate's double frame, ready for text."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 20, 25)
    pdf.set_title(latin1(title))
    pdf.set_creator("Service coach")
    pdf.add_page()
    pdf.set_draw_color(*INK)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)
    pdf.set_text_color(*INK)
    return pdf


def _line(pdf, text, size, style="", gap=0.0, y=None):
    """One centred line of text at `size` points (at height `y` when given), then `gap` mm."""
    if y is not None:
        pdf.set_y(y)
    pdf.set_font("Helvetica", style, size)
    pdf.cell(0, size * 0.5, latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _fitting(pdf, text, largest, smallest, style=""):
    """The largest font size (points) at which text fits the width on one line."""
    size = largest
    pdf.set_font("Helvetica", style, size)
    while size > smallest and pdf.get_string_width(latin1(text)) > pdf.epw:
        size -= 1
        pdf.set_font("Helvetica", style, size)
    return size


def _reason(pdf, reason, bottom):
    """The reason, centred, at the largest size (13 to 8 points) at which it ends above `bottom`."""
    for size in range(13, 7, -1):
        pdf.set_font("Helvetica", "", size)
        lines = pdf.multi_cell(0, size * 0.5, latin1(reason), align="C", dry_run=True, output="LINES")
        if pdf.get_y() + len(lines) * size * 0.5 <= bottom:
            break
    pdf.multi_cell(0, size * 0.5, latin1(reason), align="C", new_x="LMARGIN", new_y="NEXT",
                   max_line_height=size * 0.5)
