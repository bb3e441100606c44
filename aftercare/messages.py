"""Aftercare's messages: the family's check-in invitation, the on-call alert for a red one.

Texts live in templates/aftercare/messages/<kind>.{sms,email,subject}.txt. The
invitation names nothing but the service and carries the check-in's link; the
on-call alert names the visit's reference and the admin page, never the
patient (the coordinator opens the page for that).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftercare.links import checkin_path
from aftercare.models import CheckIn, CheckInStatus, Grade
from booking.messages import family_routes
from booking.models import Audience, VisitRequest
from care.models import CourseStatus
from outbox import registry
from outbox.models import Channel, Message
from outbox.queueing import Route
from uhapo.phone import display_phone

INVITE = "checkin_invite"
RED_ALERT = "checkin_red"
LABELS = {
    INVITE: _("Symptom check-in: invitation"),
    RED_ALERT: _("Symptom check-in: red alert to the on-call coordinator"),
}


def family_invite_routes(visit_request: VisitRequest) -> list[Route]:
    """The invitation goes wherever the family asked booking's messages to go."""
    return family_routes(visit_request, INVITE)


def on_call_routes() -> list[Route]:
    """The on-call coordinator's mobile and the coordinators' email, in the staff's language."""
    language = settings.LANGUAGE_CODE
    return [
        Route(RED_ALERT, Channel.SMS, Audience.COORDINATOR, settings.ON_CALL_PHONE, language),
        Route(RED_ALERT, Channel.EMAIL, Audience.COORDINATOR, settings.COORDINATOR_EMAIL, language),
    ]


def _checkin(message: Message) -> CheckIn:
    return CheckIn.objects.select_related("visit__course").get(pk=message.subject_id)


def _context(message: Message, checkin: CheckIn) -> dict[str, Any]:
    context: dict[str, Any] = {
        # No name: a check-in's email says nothing about whom it concerns.
        "greeting": gettext("Hello,"),
        "support_phone": display_phone(settings.SUPPORT_PHONE),
        "reference": checkin.visit.reference,
        "day": checkin.day,
    }
    if message.kind == INVITE:
        context["checkin_url"] = settings.SITE_URL + checkin_path(checkin)
    else:
        context["admin_url"] = settings.SITE_URL + reverse(
            "admin:aftercare_checkin_change", args=[checkin.pk]
        )
        context["submitted_at"] = timezone.localtime(checkin.submitted_at)
        context["family_language"] = checkin.visit.language
    return context


def render(message: Message) -> registry.Rendered:
    checkin = _checkin(message)
    base = f"aftercare/messages/{message.kind}"
    with translation.override(message.language), timezone.override(settings.TIME_ZONE):
        context = _context(message, checkin)
        return registry.render_texts(base, context, email=message.channel == Channel.EMAIL)


def invite_still_wanted(message: Message) -> bool:
    """An invitation goes only to a check-in still waiting, of a family that has not
    withdrawn, and (after the fixed days) while the course is active."""
    checkin = _checkin(message)
    if checkin.status != CheckInStatus.WAITING or checkin.visit.anonymised_at is not None:
        return False
    course = checkin.visit.course
    if course is None or checkin.day in settings.CHECKIN_DAYS:
        return True
    return course.status == CourseStatus.ACTIVE


def red_still_wanted(message: Message) -> bool:
    return _checkin(message).grade == Grade.RED


def register_kinds() -> None:
    registry.register(
        registry.Kind(
            name=INVITE, label=LABELS[INVITE], render=render, still_wanted=invite_still_wanted
        )
    )
    registry.register(
        registry.Kind(
            name=RED_ALERT, label=LABELS[RED_ALERT], render=render, still_wanted=red_still_wanted
        )
    )
