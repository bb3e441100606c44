"""The calendar file sent with a visit's confirmation, move or cancellation.

One calendar event per visit: its `UID` never changes, so a phone moves or
removes the event it already holds instead of adding a second one;
`SEQUENCE` is the visit's schedule version, so the latest file wins. A
booking or a move is a `METHOD:REQUEST`; a cancellation (or a decline) of a
booked visit is a `METHOD:CANCEL` one step higher than the last schedule.
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from booking.models import VisitRequest
from uhapo.phone import display_phone

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def event_uid(visit_request: VisitRequest) -> str:
    return f"{visit_request.reference}@uhapo"


def calendar_invite(
    visit_request: VisitRequest, *, method: str = REQUEST, attendee: str = ""
) -> bytes:
    """An .ics file for the visit (made with the icalendar library), for `attendee`'s email."""
    cancelling = method == CANCEL
    calendar = Calendar()
    calendar.add("prodid", "-//UHAPO Home Care//Home visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", event_uid(visit_request))
    event.add("sequence", visit_request.schedule_version + (1 if cancelling else 0))
    event.add("status", "CANCELLED" if cancelling else "CONFIRMED")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", visit_request.scheduled_start)
    event.add("dtend", visit_request.scheduled_end)
    event.add(
        "summary",
        _("UHAPO home visit %(reference)s") % {"reference": visit_request.reference},
    )
    # Where and who: the family's own address (the file goes only to them)
    # and the nurse's first name, as the message says.
    event.add(
        "location",
        ", ".join(
            part
            for part in (
                visit_request.address_line,
                visit_request.street,
                visit_request.area,
                visit_request.pin_code,
            )
            if part
        ),
    )
    nurse = visit_request.nurse.first_name if visit_request.nurse else ""
    description = _("Questions: %(phone)s") % {"phone": display_phone(settings.SUPPORT_PHONE)}
    if nurse:
        description = _("Nurse: %(nurse)s. %(questions)s") % {
            "nurse": nurse,
            "questions": description,
        }
    event.add("description", description)
    # A REQUEST or CANCEL names who sends it and to whom (RFC 5546), so
    # calendar apps apply it to the event they hold.
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or "UHAPO Home Care")
    event.add("organizer", organizer)
    if attendee:
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params["role"] = vText("REQ-PARTICIPANT")
        guest.params["rsvp"] = vText("FALSE")
        event.add("attendee", guest)
    calendar.add_component(event)
    return calendar.to_ical()


def attachment(
    visit_request: VisitRequest, *, method: str, attendee: str
) -> tuple[str, bytes, str]:
    """(filename, content, mimetype) for an email, the method in the type as mail apps expect."""
    return (
        "visit.ics",
        calendar_invite(visit_request, method=method, attendee=attendee),
        f"text/calendar; method={method}",
    )
