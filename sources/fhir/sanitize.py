"""A note's content as plain text: XHTML is sanitized by nh3 (ammonia), then laid out as lines.

nh3 (the Python binding of the Rust `ammonia` crate, an allowlist HTML5 sanitizer built on
html5ever) decides what survives: only text-structure tags, no attribute at all, no URL scheme,
and `script`, `style`, `title`, `iframe`, `object`, `svg`, `math`, `template`, `noscript` removed
with their contents. What it leaves is then read by the standard library's HTML parser only to put
line breaks where blocks end; no regular expression touches markup. The result is plain text:
`<` in it is a character, never markup, and nothing of a script, a style, an event handler or a
link's target reaches a client.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

__all__ = ["HTML_TYPES", "TEXT_TYPES", "plain_text"]

HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
TEXT_TYPES = HTML_TYPES | {"text/plain"}

_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
                     "ul", "ol", "table", "dt", "dd", "hr"})  # fmt: skip
_INLINE = frozenset({"b", "i", "u", "em", "strong", "span", "sub", "sup", "small", "td", "th", "thead",
                     "tbody", "code", "abbr"})  # fmt: skip
_DROPPED = frozenset({"script", "style", "title", "iframe", "object", "embed", "svg", "math", "template",
                      "noscript", "textarea", "select", "button"})  # fmt: skip


def plain_text(content_type: str, raw: bytes) -> str:
    """The text of a note's content of `content_type` (`text/plain`, XHTML or HTML)."""
    decoded = raw.decode("utf-8", errors="replace")
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in HTML_TYPES:
        return decoded
    return _layout(sanitized(decoded))


def sanitized(markup: str) -> str:
    """`markup` reduced by nh3 to text-structure tags without attributes."""
    return nh3.clean(
        markup,
        tags=set(_BLOCKS | _INLINE),
        clean_content_tags=set(_DROPPED),
        attributes={},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


class _Lines(HTMLParser):
    """Collects the text of sanitized markup, a line break after every block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _layout(clean: str) -> str:
    reader = _Lines()
    reader.feed(clean)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line)
