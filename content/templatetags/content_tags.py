import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The same escapes as Django's json_script: a title containing "</script>"
# cannot close the block early and inject markup.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: Any) -> SafeString:
    """Structured data for search engines, in a block browsers never run.

    Django's json_script always writes type="application/json"; schema.org
    needs "application/ld+json".
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # noqa: S308 - escaped above, as json_script does
    )


@register.filter
def fallback_lang(page: Any) -> SafeString:
    """` lang="en"` on a page's text shown in English for want of a translation, else nothing.

    Screen readers then read that text with an English voice.
    """
    shown = getattr(page, "shown_language", None)
    if shown and shown != translation.get_language():
        return format_html(' lang="{}"', shown)
    return mark_safe("")  # noqa: S308 - an empty string
