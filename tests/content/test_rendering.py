"""Markdown from staff becomes HTML that cannot run code in a visitor's browser."""

import pytest

from content.rendering import render_markdown


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[link](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">link</a>',
        '<p onclick="alert(1)">text</p>',
        '<p style="position:fixed">text</p>',
        '<iframe src="https://example.org"></iframe>',
        "<style>body{display:none}</style>",
        '<form action="https://example.org"><input name="x"></form>',
        '<svg onload="alert(1)"></svg>',
        '<a href="data:text/html,alert(1)">link</a>',
    ],
)
def test_unsafe_markup_is_removed(unsafe):
    html = render_markdown(f"Before\n\n{unsafe}\n\nAfter")
    for marker in ("<script", "alert(", "onerror", "onclick", "onload", "style", "<iframe"):
        assert marker not in html.lower()
    for marker in ("javascript:", "data:", "<form", "<input", "<svg", "<img"):
        assert marker not in html.lower()
    assert "Before" in html
    assert "After" in html


def test_plain_article_markup_is_kept():
    html = render_markdown(
        "## Heading\n\nSome **bold** and *soft* words.\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> A quote\n\n"
        "| Medicine | Blocks |\n| --- | --- |\n| nivolumab | PD-1 |\n\n"
        "[Call us](tel:+919137441392) or [read more](https://example.org/page)"
    )
    for tag in (
        "<h2>",
        "<strong>",
        "<em>",
        "<ul>",
        "<ol>",
        "<li>",
        "<blockquote>",
        "<table>",
        "<td>",
    ):
        assert tag in html
    assert '<a href="tel:+919137441392" rel="noopener noreferrer">Call us</a>' in html
    assert '<a href="https://example.org/page" rel="noopener noreferrer">read more</a>' in html


def test_the_same_text_is_rendered_once():
    text = "Rendered once, then reused."
    assert render_markdown(text) is render_markdown(text)
