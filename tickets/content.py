"""Message bodies: Markdown or HTML in, sanitised HTML and plain text out.

Sanitising happens once, at write time, with ammonia (nh3): an allow-list of tags and
attributes, no scripts, no event handlers, no `javascript:` links. Templates then render
the stored HTML as is. Markdown is parsed with raw HTML disabled, so `<script>` typed in
Markdown is shown as text.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    "table"
)
_blank_lines = re.compile(r"\n{3,}")


def sanitise_html(raw: str) -> str:
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def markdown_to_html(text: str) -> str:
    return sanitise_html(_markdown.render(text))


def html_to_text(safe_html: str) -> str:
    """Plain text for search, previews and notifications."""
    spaced = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d|blockquote|pre)>", "\n", safe_html)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return _blank_lines.sub("\n\n", text).strip()


def render_body(body: str, *, body_format: str = "markdown") -> tuple[str, str]:
    """(sanitised HTML, plain text) for a message body given as Markdown or HTML."""
    safe = sanitise_html(body) if body_format == "html" else markdown_to_html(body)
    return safe, html_to_text(safe)
