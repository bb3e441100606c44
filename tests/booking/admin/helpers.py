"""Shared helpers for the triage admin tests: the clock's moment, URLs, scheduled visits."""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.urls import reverse

from booking.models import Status, VisitRequest
from tests.factories import NurseFactory, ServiceAreaFactory, VisitRequestFactory

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
H = datetime.timedelta(hours=1)
PASSWORD = "correct-horse-battery-staple"


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


# Wednesday 2 December 2026, 10:00 in Mumbai: "this week" runs Monday 30
# November to Sunday 6 December.
NOW = ist(2026, 12, 2, 10, 0)
TODAY = NOW.date()


def changelist_url(**params: object) -> str:
    url = reverse("admin:booking_visitrequest_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def admin_url(name: str, *args: object) -> str:
    return reverse(f"admin:booking_visitrequest_{name}", args=args)


def listed(response) -> set[str]:
    assert response.status_code == 200, response
    return {obj.reference for obj in response.context["cl"].result_list}


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def scheduled(nurse, start: datetime.datetime, hours: float = 2, **fields) -> VisitRequest:
    return VisitRequestFactory(
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=start,
        scheduled_end=start + hours * H,
        **fields,
    )


def received_at(visit_request: VisitRequest, moment: datetime.datetime) -> None:
    VisitRequest.objects.filter(pk=visit_request.pk).update(created_at=moment)


def post_action(client, action: str, objs, **extra):
    data = {
        "action": action,
        "index": "0",
        "select_across": "0",
        "_selected_action": [o.pk for o in objs],
    }
    data.update(extra)
    return client.post(changelist_url(), data)


def apply_action(client, action: str, objs, **fields):
    """The second step of an action that asks for a note or a reason first."""
    data = {"action": action, "_selected_action": [o.pk for o in objs], "_apply_to_selected": "yes"}
    data.update(fields)
    return client.post(changelist_url(), data)


def make_rows(count: int) -> None:
    pins = ["400050", "400053", "400058", "400061", "400069", "400076"]
    for i in range(count):
        area = ServiceAreaFactory(pin_code=pins[i % len(pins)])
        if i % 3 == 0:
            scheduled(NurseFactory(), ist(2026, 12, 5, 8, 0) + 3 * i * H, service_area=area)
        else:
            VisitRequestFactory(service_area=area, status=Status.NEW if i % 2 else Status.CONTACTED)


def export(client, objs):
    response = post_action(client, "export_csv", objs)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))
