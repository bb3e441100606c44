"""Turning an outbox row into an email or an SMS and handing it to a backend.

Texts live in templates/booking/messages/<kind>.{sms,email,subject}.txt and
never mention the diagnosis or the medicine.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking import sms
from booking.links import status_path
from booking.models import Channel, Message, MessageKind, VisitRequest
from uhapo.phone import display_phone


def _context(message: Message) -> dict[str, Any]:
    visit_request: VisitRequest = message.request
    context: dict[str, Any] = {
        "reference": visit_request.reference,
        "support_phone": display_phone(settings.SUPPORT_PHONE),
        "site_url": settings.SITE_URL,
        "needs_clinical_review": visit_request.needs_clinical_review,
    }
    if message.kind == MessageKind.COORDINATOR_ALERT:
        context["admin_url"] = settings.SITE_URL + visit_request.get_admin_url()
        context["family_language"] = visit_request.language
    else:
        context["status_url"] = settings.SITE_URL + status_path(visit_request)
    if visit_request.scheduled_start:
        context.update(
            start=timezone.localtime(visit_request.scheduled_start),
            end=timezone.localtime(visit_request.scheduled_end),
            nurse_first_name=(visit_request.nurse.first_name if visit_request.nurse else ""),
        )
    return context


def render(message: Message) -> dict[str, str]:
    """The message's texts in the family's language: sms, or subject and body."""
    base = f"booking/messages/{message.kind}"
    with translation.override(message.language), timezone.override(settings.TIME_ZONE):
        # Inside the override, so the private link opens in the family's language too.
        context = _context(message)
        if message.channel == Channel.SMS:
            return {"body": " ".join(render_to_string(f"{base}.sms.txt", context).split())}
        return {
            "subject": " ".join(render_to_string(f"{base}.subject.txt", context).split()),
            "body": render_to_string(f"{base}.email.txt", context).strip() + "\n",
        }


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


def send(message: Message) -> None:
    """Send one message through its channel's backend; raises on failure."""
    texts = render(message)
    key = str(message.idempotency_key)
    if message.channel == Channel.SMS:
        sms.get_backend().send(to=message.recipient, body=texts["body"], idempotency_key=key)
        return
    email = EmailMessage(
        subject=texts["subject"],
        body=texts["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        # The same Message-ID on a resend lets mail systems drop the copy.
        headers={"Message-ID": f"<{key}@uhapo.message>", "X-UHAPO-Idempotency-Key": key},
    )
    if message.kind == MessageKind.VISIT_SCHEDULED and message.request.scheduled_start:
        with translation.override(message.language):
            invite = calendar_invite(message.request)
        email.attach("visit.ics", invite, "text/calendar")
    email.send(fail_silently=False)


_GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = frozenset("^{}\\[~]|€")  # each takes two units


def sms_segments(text: str) -> int:
    """How many SMS segments a text needs (GSM-7 if it fits, else UCS-2)."""
    if all(ch in _GSM7 or ch in _GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        return 1 if units <= 160 else -(-units // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)
