"""`{{ value|unbroken }}`: text a line must never split, such as a reference (UH-7K2M-9PQD)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def unbroken(value: Any) -> SafeString:
    # A span rather than non-breaking hyphens, so a copied reference is still
    # the one staff search for.
    return format_html('<span class="text-nowrap">{}</span>', value)
