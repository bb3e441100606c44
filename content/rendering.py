"""Markdown written by staff, turned into HTML that is safe to put on a patient's screen."""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# Only what a plain-language article needs. Anything else (scripts, styles,
# iframes, forms, images, event handlers, inline styles) is dropped, so a
# mistake or a compromised staff account cannot run code in a visitor's browser.
ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"https", "http", "mailto", "tel"}
LINK_REL = "noopener noreferrer"
MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]


# Keyed on the text itself: every saved version renders once per process, and
# an edit can never be served from a stale entry.
@lru_cache(maxsize=256)
def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just removed everything unsafe
