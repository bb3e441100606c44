"""The site's URLs plus views that fail on purpose, for the error page and error report tests."""

import re

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from uhapo.urls import handler400, handler403, handler404, handler500  # noqa: F401
from uhapo.urls import urlpatterns as site_urlpatterns

# Made-up patient details, each in a form a report could carry them in.
PATIENT = {
    "patient_name": "Savitribai Kulkarni",
    "patient_phone": "98200 12345",
    "patient_email": "savitri.kulkarni@example.com",
    "address": "Flat 12, Shanti Niwas, Dadar",
}


def patient_details_in(text: str) -> list[str]:
    """Which of PATIENT's details `text` still holds, the phone number however it is written."""
    words = ["Savitribai", "Kulkarni", "savitri.", "Shanti Niwas", "Dadar"]
    found = [word for word in words if word.lower() in text.lower()]
    if "9820012345" in re.sub(r"[\s()+-]", "", text):
        found.append("phone")
    return found


@csrf_exempt  # posted straight to the WSGI handler in tests/test_sentry.py
def explode(request: HttpRequest, token: str = "") -> HttpResponse:
    """Fails with the patient's details in the POST data, the locals and the exception's text."""
    patient_name = request.POST.get("patient_name", PATIENT["patient_name"])
    patient_phone = request.POST.get("patient_phone", PATIENT["patient_phone"])
    patient_email = request.POST.get("patient_email", PATIENT["patient_email"])
    address = request.POST.get("address", PATIENT["address"])
    raise ValueError(
        f"Could not book for {patient_name} at {address}, phone {patient_phone}, "
        f"email {patient_email}"
    )


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("staff only")


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(
        path("test-errors/explode/", explode),
        path("test-errors/explode/<str:token>/", explode),
        path("test-errors/forbidden/", forbidden),
        prefix_default_language=False,
    ),
]
