"""Markdown to safe HTML: rendered with markdown-it-py, then sanitised with nh3 (no scripts, no
event handlers, no javascript: links, whatever the Markdown holds). Links to other articles
(`article:12`) and services (`service:<slug>`) are resolved through the caller; one that leads
nowhere is flagged and shown as text. External links are left as written and never fetched."""

from collections.abc import Callable
from dataclasses import dataclass

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

MAX_BODY_BYTES = 1_000_000
INTERNAL_SCHEMES = ("article:", "service:")
TAGS = {
    "a", "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title", "class"}, "span": {"class"}, "th": {"scope"}}

# (kind, key) -> the link's URL, or None for something that does not exist (or is not visible).
Resolver = Callable[[str, str], str | None]


@dataclass(frozen=True)
class Rendered:
    html: str  # safe to mark safe: sanitised
    warnings: tuple[str, ...]  # links that lead nowhere, in the user's language


def _markdown() -> MarkdownIt:
    # Raw HTML in the Markdown is shown as text, not passed through; headings start at h2 (the
    # page has its own h1).
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = lambda url: (  # type: ignore[method-assign]
        not url.strip().lower().startswith(("javascript:", "vbscript:", "data:", "file:"))
    )
    return md


_MD = _markdown()


def render(markdown: str, resolve: Resolver) -> Rendered:
    warnings: list[str] = []
    tokens = _MD.parse(markdown)
    for block in tokens:
        if block.type == "heading_open" and block.tag == "h1":
            block.tag = "h2"
        if block.type == "heading_close" and block.tag == "h1":
            block.tag = "h2"
        for token in block.children or []:
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            if not href.startswith(INTERNAL_SCHEMES):
                continue
            kind, _sep, key = href.partition(":")
            url = resolve(kind, key.strip())
            if url is None:
                warnings.append(_("The link “%(target)s” leads nowhere.") % {"target": href})
                # Shown as a link-less anchor: the text stays, the link goes.
                token.attrs.pop("href", None)
                token.attrSet("class", "broken-link")
            else:
                token.attrSet("href", url)
    html = _MD.renderer.render(tokens, _MD.options, {})
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Rendered(clean, tuple(warnings))


def body_too_large(markdown: str) -> bool:
    return len(markdown.encode()) > MAX_BODY_BYTES
