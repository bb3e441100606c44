"""The admin home page's counts for coordinators: what needs someone now."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.models import CheckIn
from aftercare.templatetags.aftercare_alerts import unhandled
from booking.admin.filters import undelivered_requests
from booking.admin.permissions import can_triage
from booking.cycles import due_to_book
from booking.models import ChangeRequestStatus, Status, VisitRequest
from booking.triage import overdue_requests
from outbox.models import Channel, Message, MessageStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def triage_counts(context: dict[str, Any]) -> list[dict[str, Any]]:
    """(label, count, link) for new, overdue, due-to-book, asked-to-move, failed messages
    and requests with a message not delivered.

    Empty for staff who do not triage. Six count queries, on indexed columns.
    """
    request = context.get("request")
    if request is None or not can_triage(request.user):
        return []
    requests_url = reverse("admin:booking_visitrequest_changelist")
    requests = VisitRequest.objects.all()
    failed = Message.objects.filter(
        status=MessageStatus.FAILED,
        # A red check-in's alert that failed must show here too.
        subject_type__in=ContentType.objects.get_for_models(VisitRequest, CheckIn).values(),
    ).exclude(channel=Channel.WHATSAPP)  # each fell back to an SMS, counted if it fails
    return [
        {
            "label": _("New requests"),
            "count": requests.filter(status=Status.NEW).count(),
            "url": f"{requests_url}?status__exact=new",
        },
        {
            "label": _("Overdue (new for 2 working hours)"),
            "count": requests.filter(overdue_requests(timezone.now())).count(),
            "url": f"{requests_url}?overdue=yes",
        },
        {
            "label": _("Course visits due to book"),
            "count": requests.filter(due_to_book()).count(),
            "url": f"{requests_url}?due=book",
        },
        {
            "label": _("Families asking to move a visit"),
            "count": requests.filter(change_requests__status=ChangeRequestStatus.OPEN).count(),
            "url": f"{requests_url}?move=open",
        },
        {
            "label": _("Check-ins to call back today (amber)"),
            "count": unhandled("amber").count(),
            "url": reverse("admin:aftercare_checkin_changelist") + "?call=amber",
        },
        {
            "label": _("Check-in call-backs overdue"),
            "count": unhandled("amber").filter(callback_due_at__lt=timezone.now()).count(),
            "url": reverse("admin:aftercare_checkin_changelist") + "?call=overdue",
        },
        {
            "label": _("Failed messages"),
            "count": failed.count(),
            "url": reverse("admin:outbox_message_changelist") + "?status__exact=failed",
        },
        {
            "label": _("Requests with a message not delivered"),
            "count": requests.filter(pk__in=undelivered_requests()).count(),
            "url": f"{requests_url}?messages=undelivered",
        },
    ]
