"""The messages about a visit request: who gets them, and their texts.

Texts live in templates/booking/messages/<kind>.{sms,email,subject}.txt and
never mention the diagnosis or the medicine. The outbox stores and sends
the rows; this module tells it how booking's kinds are written
(registered when the app is ready).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking.links import status_path
from booking.models import Audience, MessageKind, Recipient, Status, VisitRequest
from outbox import registry
from outbox.models import Channel, Message
from outbox.queueing import Route
from uhapo.phone import display_phone

# Kinds that belong to one schedule of the visit: never sent once it moved or closed.
SCHEDULE_KINDS = {MessageKind.VISIT_SCHEDULED, MessageKind.REMINDER_24H, MessageKind.REMINDER_2H}


def family_routes(visit_request: VisitRequest, kind: str) -> list[Route]:
    """Every place the family asked us to write to, for one kind of message."""
    audiences: list[str] = []
    if visit_request.message_recipient in (Recipient.PATIENT, Recipient.BOTH):
        audiences.append(Audience.PATIENT)
    if visit_request.message_recipient in (Recipient.CAREGIVER, Recipient.BOTH) and (
        visit_request.caregiver_phone or visit_request.caregiver_email
    ):
        audiences.append(Audience.CAREGIVER)
    if not audiences:
        audiences.append(Audience.PATIENT)
    routes = []
    for audience in audiences:
        phone = getattr(visit_request, f"{audience}_phone")
        email = getattr(visit_request, f"{audience}_email")
        # The family's messages are in the language they booked in.
        if phone:
            routes.append(Route(kind, Channel.SMS, audience, phone, visit_request.language))
        if email:
            routes.append(Route(kind, Channel.EMAIL, audience, email, visit_request.language))
    return routes


def routes(visit_request: VisitRequest, kind: str) -> list[Route]:
    if kind == MessageKind.COORDINATOR_ALERT:
        # Coordinators read theirs in the staff's language.
        return [
            Route(
                kind,
                Channel.EMAIL,
                Audience.COORDINATOR,
                settings.COORDINATOR_EMAIL,
                settings.LANGUAGE_CODE,
            )
        ]
    return family_routes(visit_request, kind)


def _visit_request(message: Message) -> VisitRequest:
    """The request a message is about, read once per message (the worker asks
    whether it is still wanted, then renders it) and kept as its subject."""
    subject = Message._meta.get_field("subject")
    if subject.is_cached(message):
        return message.subject  # type: ignore[return-value]
    visit_request = VisitRequest.objects.select_related("nurse").get(pk=message.subject_id)
    subject.set_cached_value(message, visit_request)
    return visit_request


def _context(message: Message, visit_request: VisitRequest) -> dict[str, Any]:
    context: dict[str, Any] = {
        "reference": visit_request.reference,
        "support_phone": display_phone(settings.SUPPORT_PHONE),
        "site_url": settings.SITE_URL,
        "needs_clinical_review": visit_request.needs_clinical_review,
        "cycle_number": visit_request.cycle_number,
        "preferred_date": visit_request.preferred_date,
    }
    if message.kind == MessageKind.COORDINATOR_ALERT:
        context["admin_url"] = settings.SITE_URL + visit_request.get_admin_url()
        context["family_language"] = visit_request.language
    else:
        context["status_url"] = settings.SITE_URL + status_path(visit_request)
    if message.kind == MessageKind.CHANGE_ANSWERED:
        answered = visit_request.change_requests.exclude(answer="").order_by("-answered_at").first()
        context["answer"] = answered.answer if answered else ""
    if visit_request.scheduled_start:
        context.update(
            start=timezone.localtime(visit_request.scheduled_start),
            end=timezone.localtime(visit_request.scheduled_end),
            nurse_first_name=(visit_request.nurse.first_name if visit_request.nurse else ""),
        )
    return context


def render(message: Message) -> registry.Rendered:
    """The message's texts in its reader's language: sms, or subject and body."""
    visit_request = _visit_request(message)
    base = f"booking/messages/{message.kind}"
    with translation.override(message.language), timezone.override(settings.TIME_ZONE):
        # Inside the override, so the private link opens in the family's language too.
        context = _context(message, visit_request)
        if message.channel == Channel.SMS:
            return registry.Rendered(
                body=" ".join(render_to_string(f"{base}.sms.txt", context).split())
            )
        attachments = []
        if message.kind == MessageKind.VISIT_SCHEDULED and visit_request.scheduled_start:
            attachments.append(("visit.ics", calendar_invite(visit_request), "text/calendar"))
        return registry.Rendered(
            subject=" ".join(render_to_string(f"{base}.subject.txt", context).split()),
            body=render_to_string(f"{base}.email.txt", context).strip() + "\n",
            attachments=attachments,
        )


def calendar_invite(visit_request: VisitRequest) -> bytes:
    """An .ics file for the visit, made with the icalendar library."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//UHAPO Home Care//Home visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{visit_request.reference}-{visit_request.schedule_version}@uhapo")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", visit_request.scheduled_start)
    event.add("dtend", visit_request.scheduled_end)
    event.add(
        "summary",
        _("UHAPO home visit %(reference)s") % {"reference": visit_request.reference},
    )
    event.add(
        "description",
        _("Questions: %(phone)s") % {"phone": display_phone(settings.SUPPORT_PHONE)},
    )
    event.add("sequence", visit_request.schedule_version)
    calendar.add_component(event)
    return calendar.to_ical()


def still_wanted(message: Message) -> bool:
    """A confirmation or reminder for a visit that was moved or closed must not go out."""
    if message.kind not in SCHEDULE_KINDS:
        return True
    visit_request = _visit_request(message)
    return (
        visit_request.status == Status.SCHEDULED
        and visit_request.schedule_version == message.schedule_version
    )


def register_kinds() -> None:
    for kind in MessageKind:
        registry.register(
            registry.Kind(
                name=kind.value, label=kind.label, render=render, still_wanted=still_wanted
            )
        )
