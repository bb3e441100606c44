from django.conf import settings
from django.http import HttpRequest

from uhapo.phone import display_phone


def site(request: HttpRequest) -> dict[str, str]:
    """The support phone every page shows, in a form for reading and for tel: links."""
    return {
        "SUPPORT_PHONE": settings.SUPPORT_PHONE,
        "SUPPORT_PHONE_DISPLAY": display_phone(settings.SUPPORT_PHONE),
    }
