from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from uhapo.i18n import language_links
from uhapo.phone import display_phone


def site(request: HttpRequest) -> dict[str, object]:
    """The support phone every page shows, and the page in each language (worked out only if shown)."""
    return {
        "SUPPORT_PHONE": settings.SUPPORT_PHONE,
        "SUPPORT_PHONE_DISPLAY": display_phone(settings.SUPPORT_PHONE),
        "LANGUAGE_LINKS": SimpleLazyObject(lambda: language_links(request)),
    }
