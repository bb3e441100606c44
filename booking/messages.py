"""The messages about a visit request: who gets them, and their texts.

Texts live in templates/booking/messages/<kind>.{sms,email,subject}.txt and
never mention the diagnosis or the medicine; the nurse's SMS holds no
address either (she opens the admin page for it). The outbox stores and
sends the rows; this module tells it how booking's kinds are written
(registered when the app is ready).
"""

from __future__ import annotations

import contextlib
import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation
from django.utils.translation import gettext

from booking import invites, scheduling
from booking.links import status_path
from booking.models import Audience, MessageKind, Recipient, Status, VisitRequest
from outbox import registry
from outbox.dlt import has_whatsapp_template
from outbox.models import Channel, Message, MessageStatus
from outbox.queueing import Route, messages_of, queue_messages
from uhapo.phone import InvalidPhone, display_phone, parse_indian_mobile

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Kinds that belong to one schedule of the visit: never sent once it moved or
# closed, and cancelled by the next schedule (the nurse's are left to go).
SCHEDULE_KINDS = {
    MessageKind.VISIT_SCHEDULED,
    MessageKind.RESCHEDULED,
    MessageKind.REMINDER_24H,
    MessageKind.REMINDER_2H,
}
# What a nurse is told. Each row's schedule_version is the schedule it is
# about: a NURSE_CANCELLED of version N ends the nurse's run of visits up to N.
NURSE_KINDS = {MessageKind.NURSE_ASSIGNED, MessageKind.NURSE_MOVED, MessageKind.NURSE_CANCELLED}
NURSE_TOLD = (MessageKind.NURSE_ASSIGNED, MessageKind.NURSE_MOVED)
# Closing a request stops every message but the one telling a nurse that a
# visit left her list (she must not go to it) and the coordinators' email that
# the family cancelled (the closing itself).
STOPPED_WHEN_CLOSED = tuple(
    kind
    for kind in MessageKind
    if kind not in (MessageKind.NURSE_CANCELLED, MessageKind.FAMILY_CANCELLED)
)
# What coordinators are told by email (in the staff's language) about a request.
COORDINATOR_KINDS = {
    MessageKind.COORDINATOR_ALERT,
    MessageKind.DOCUMENT_RECEIVED,
    MessageKind.FAMILY_CANCELLED,
    MessageKind.FAMILY_MOVE,
}
# Closing a visit whose family had a calendar file: the file that removes it.
CLOSING_KINDS = {MessageKind.CANCELLED, MessageKind.DECLINED}


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
    # A helper who gave the patient's own number (a patient without a mobile)
    # or the same email gets one message there, not two.
    seen: set[tuple[str, str]] = set()
    for audience in audiences:
        phone = getattr(visit_request, f"{audience}_phone")
        email = getattr(visit_request, f"{audience}_email")
        # The family's messages are in the language they booked in.
        if phone and ("phone", phone) not in seen:
            seen.add(("phone", phone))
            channel = _phone_channel(visit_request, kind)
            routes.append(Route(kind, channel, audience, phone, visit_request.language))
        if email and ("email", email.casefold()) not in seen:
            seen.add(("email", email.casefold()))
            routes.append(Route(kind, Channel.EMAIL, audience, email, visit_request.language))
    return routes


def _phone_channel(visit_request: VisitRequest, kind: str) -> str:
    """WhatsApp for a family who opted in, where it is set up and the kind has an
    approved template in their language; SMS otherwise. A STOP is checked when
    sending, so queueing (the booking form's POST) reads nothing more."""
    if (
        visit_request.whatsapp_opt_in
        and settings.WHATSAPP_PHONE_NUMBER_ID
        and has_whatsapp_template(kind=kind, language=visit_request.language)
    ):
        return Channel.WHATSAPP
    return Channel.SMS


def nurse_routes(nurse: User | None, kind: str) -> list[Route]:
    """The nurse's email, and her mobile when her details hold one, in the staff's language."""
    if nurse is None:
        return []
    routes = []
    try:
        phone = nurse.nurse_profile.phone.strip()
    except ObjectDoesNotExist:
        phone = ""
    if phone:
        # Sent as typed if it does not parse: the provider's refusal shows on the visit.
        with contextlib.suppress(InvalidPhone):
            phone = parse_indian_mobile(phone)
        routes.append(Route(kind, Channel.SMS, Audience.NURSE, phone, settings.LANGUAGE_CODE))
    if nurse.email:
        routes.append(
            Route(kind, Channel.EMAIL, Audience.NURSE, nurse.email, settings.LANGUAGE_CODE)
        )
    return routes


def routes(visit_request: VisitRequest, kind: str, nurse: User | None = None) -> list[Route]:
    """Who gets this kind of message about this request, chosen when it is queued.

    A nurse's kinds go to `nurse` (the visit's nurse unless another is named:
    the one a reassigned visit was taken from).
    """
    if kind in COORDINATOR_KINDS:
        return [coordinator_route(kind)]
    if kind in NURSE_KINDS:
        return nurse_routes(nurse or visit_request.nurse, kind)
    return family_routes(visit_request, kind)


def coordinator_route(kind: str) -> Route:
    """The coordinators' email, read in the staff's language."""
    return Route(
        kind,
        Channel.EMAIL,
        Audience.COORDINATOR,
        settings.COORDINATOR_EMAIL,
        settings.LANGUAGE_CODE,
    )


def tell_coordinators(visit_request: VisitRequest, kind: str, *, version: int = 0) -> None:
    """Email the coordinators about something the family did (one row per `version`)."""
    queue_messages(
        subject=visit_request,
        routes=[coordinator_route(kind)],
        due_at=timezone.now(),
        schedule_version=version,
        held_in_quiet_hours=False,
    )


def tell_nurse(
    visit_request: VisitRequest,
    kind: str,
    nurse: User,
    *,
    version: int,
    start: datetime.datetime | None,
) -> None:
    """Queue a nurse's message about schedule `version`, unless that visit has begun."""
    queue_messages(
        subject=visit_request,
        routes=routes(visit_request, kind, nurse=nurse),
        due_at=timezone.now(),
        schedule_version=version,
        not_after=start,
    )


def tell_nurses_scheduled(
    visit_request: VisitRequest,
    *,
    moved: bool,
    old_nurse: User | None,
    old_start: datetime.datetime | None,
) -> None:
    """A booking is told to its nurse (NURSE_ASSIGNED), a move to the same nurse
    (NURSE_MOVED); a visit given to another nurse leaves the old one's list
    (NURSE_CANCELLED, of the last schedule she was told of)."""
    nurse, version = visit_request.nurse, visit_request.schedule_version
    assert nurse is not None
    if moved and old_nurse is not None and old_nurse != nurse:
        cancelled = MessageKind.NURSE_CANCELLED
        tell_nurse(visit_request, cancelled, old_nurse, version=version - 1, start=old_start)
    kind = MessageKind.NURSE_MOVED if moved and old_nurse == nurse else MessageKind.NURSE_ASSIGNED
    tell_nurse(visit_request, kind, nurse, version=version, start=visit_request.scheduled_start)


def tell_nurse_visit_is_off(visit_request: VisitRequest, *, was_scheduled: bool) -> None:
    """A booked visit was closed (cancelled, declined, erased): its nurse must not go."""
    if was_scheduled and visit_request.nurse is not None:
        tell_nurse(
            visit_request,
            MessageKind.NURSE_CANCELLED,
            visit_request.nurse,
            version=visit_request.schedule_version,
            start=visit_request.scheduled_start,
        )


def _visit_request(message: Message) -> VisitRequest:
    """The request a message is about, read once per message (the worker asks
    whether it is still wanted, then renders it) and kept as its subject."""
    subject = Message._meta.get_field("subject")
    if subject.is_cached(message):
        return message.subject  # type: ignore[return-value]
    visit_request = VisitRequest.objects.select_related("nurse", "service_area").get(
        pk=message.subject_id
    )
    subject.set_cached_value(message, visit_request)
    return visit_request


def greeting(visit_request: VisitRequest, message: Message) -> str:
    """ "Hello Savitribai Kulkarni," to the person the email is for, in the
    message's language; "Hello," where no name is known (the coordinators)."""
    name = ""
    if message.audience == Audience.PATIENT:
        name = visit_request.patient_name
    elif message.audience == Audience.CAREGIVER:
        name = visit_request.caregiver_name
    elif message.audience == Audience.NURSE:
        nurses = get_user_model().objects.filter(email__iexact=message.recipient)
        name = nurses.values_list("first_name", flat=True).first() or ""
    name = " ".join(name.split())
    return gettext("Hello %(name)s,") % {"name": name} if name else gettext("Hello,")


def _context(message: Message, visit_request: VisitRequest) -> dict[str, Any]:
    context: dict[str, Any] = {
        "greeting": greeting(visit_request, message) if message.channel == Channel.EMAIL else "",
        "reference": visit_request.reference,
        "support_phone": display_phone(settings.SUPPORT_PHONE),
        "site_url": settings.SITE_URL,
        "needs_clinical_review": visit_request.needs_clinical_review,
        "cycle_number": visit_request.cycle_number,
        "preferred_date": visit_request.preferred_date,
    }
    if message.kind in NURSE_KINDS:
        return {**context, **_nurse_context(message, visit_request)}
    if message.kind in COORDINATOR_KINDS:
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
            was_booked=True,
        )
    if message.kind == MessageKind.RESCHEDULED:
        schedule = scheduling.schedule_at(visit_request, message.schedule_version)
        context.update(
            old_start=_local(schedule.old_start or visit_request.scheduled_start),
            old_end=_local(schedule.old_end or visit_request.scheduled_end),
            time_changed=schedule.time_changed or not schedule.nurse_changed,
            nurse_changed=schedule.nurse_changed,
        )
    return context


def _nurse_context(message: Message, visit_request: VisitRequest) -> dict[str, Any]:
    """The schedule the message is about (its version), where, and the visit's admin page."""
    schedule = scheduling.schedule_at(visit_request, message.schedule_version)
    return {
        "admin_url": settings.SITE_URL + visit_request.get_admin_url(),
        "area": scheduling.area_name(visit_request),
        "start": _local(schedule.start or visit_request.scheduled_start),
        "end": _local(schedule.end or visit_request.scheduled_end),
        "old_start": _local(schedule.old_start),
        "old_end": _local(schedule.old_end),
        "visit_closed": visit_request.status != Status.SCHEDULED,
    }


def _local(moment: Any) -> Any:
    return timezone.localtime(moment) if moment else None


def render(message: Message) -> registry.Rendered:
    """The message's texts in its reader's language: sms, or subject and body."""
    visit_request = _visit_request(message)
    base = f"booking/messages/{message.kind}"
    with translation.override(message.language), timezone.override(settings.TIME_ZONE):
        # Inside the override, so the private link opens in the family's language too.
        context = _context(message, visit_request)
        # WhatsApp sends the SMS's words, as the same registered template's slots.
        return registry.render_texts(
            base,
            context,
            email=message.channel == Channel.EMAIL,
            attachments=lambda: _attachments(message, visit_request),
        )


def _attachments(message: Message, visit_request: VisitRequest) -> list[tuple[str, bytes, str]]:
    """The family's calendar file: the visit as booked, or its removal once closed."""
    if not visit_request.scheduled_start or message.audience == Audience.NURSE:
        return []
    if message.kind in (MessageKind.VISIT_SCHEDULED, MessageKind.RESCHEDULED):
        method = invites.REQUEST
    elif message.kind in CLOSING_KINDS:
        method = invites.CANCEL
    else:
        return []
    return [invites.attachment(visit_request, method=method, attendee=message.recipient)]


def still_wanted(message: Message) -> bool:
    """Whether a row is still worth sending when its turn comes.

    A confirmation or reminder for a visit that was moved or closed is not.
    A nurse is not told of a visit (assigned, moved) that has since left her
    list, and is not told it left her list if she was never told it was on it.
    """
    if message.kind in NURSE_KINDS:
        return _nurse_still_wanted(message)
    if message.kind not in SCHEDULE_KINDS:
        return True
    visit_request = _visit_request(message)
    return (
        visit_request.status == Status.SCHEDULED
        and visit_request.schedule_version == message.schedule_version
    )


def _nurse_still_wanted(message: Message) -> bool:
    visit_request = _visit_request(message)
    rows = messages_of(visit_request).filter(audience=Audience.NURSE)
    ends = rows.filter(kind=MessageKind.NURSE_CANCELLED)
    if message.kind in NURSE_TOLD:
        # Her run of this visit ends with the first NURSE_CANCELLED at or after its version.
        return (
            visit_request.status == Status.SCHEDULED
            and not ends.filter(schedule_version__gte=message.schedule_version).exists()
        )
    earlier_end = (
        ends.filter(schedule_version__lt=message.schedule_version)
        .order_by("-schedule_version")
        .values_list("schedule_version", flat=True)
        .first()
    )
    return rows.filter(
        kind__in=NURSE_TOLD,
        channel=message.channel,
        status__in=[MessageStatus.SENT, MessageStatus.SENDING],
        schedule_version__lte=message.schedule_version,
        schedule_version__gt=-1 if earlier_end is None else earlier_end,
    ).exists()


def register_kinds() -> None:
    for kind in MessageKind:
        registry.register(
            registry.Kind(
                name=kind.value, label=kind.label, render=render, still_wanted=still_wanted
            )
        )
