"""XHTML notes to plain text: nh3 keeps the words and nothing that could run, style or link."""

from __future__ import annotations

import pytest

from sources.fhir.sanitize import plain_text

XHTML = "application/xhtml+xml"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>BP &lt; 140 &amp; HR 70</p>", "BP < 140 & HR 70"),  # entities are text, once decoded
        ("<div><p>one</p><p>two</p></div><ul><li>a</li><li>b</li></ul>", "one\ntwo\na\nb"),
        ("<p>x<br/>y</p>", "x\ny"),
        ("<p onmouseover=\"alert(1)\" style=\"color:red\">kept</p>", "kept"),
        ("<a href=\"javascript:alert(1)\">handout</a>", "handout"),
        ("<script>alert(1)</script><style>p{}</style><p>only this</p>", "only this"),
        ("<svg><script>alert(1)</script></svg><math><mi>x</mi></math>ok", "ok"),
        ("<iframe src=\"https://evil.example\">in frame</iframe><noscript>ns</noscript>ok", "ok"),
        ("<!-- <script>alert(1)</script> --><p>after a comment</p>", "after a comment"),
        ("<p>unclosed <b>bold <script>alert(1)", "unclosed bold"),
        ("<scr<script>ipt>alert(1)</script>", "ipt>alert(1)"),  # what is left is inert text
        ("<head><title>Title</title></head><body><p>body</p></body>", "body"),
        ("<img src=x onerror=alert(1)><object data=x></object><embed src=x>", ""),
    ],
)
def test_xhtml_becomes_plain_text(markup: str, text: str) -> None:
    assert plain_text(XHTML, markup.encode()) == text
    assert plain_text("text/html; charset=utf-8", markup.encode()) == text


def test_plain_text_is_left_alone_and_bad_utf8_does_not_fail() -> None:
    assert plain_text("text/plain", b"<b>not markup</b>\nline") == "<b>not markup</b>\nline"
    assert plain_text(XHTML, b"<p>caf\xe9</p>") == "caf\ufffd"
