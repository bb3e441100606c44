"""A red check-in at 02:00 IST reaches the on-call coordinator, by SMS and email,
through the production shape: gunicorn and a real Celery worker on Redis.

The web server and the worker are separate processes, so time-machine cannot
move their clocks: they run under libfaketime, moved by one offset from the
real clock to 02:00 IST (an offset, as CI's night run does, so both processes
share one clock; "@time" would start each process's clock when it starts).
"""

from __future__ import annotations

import datetime
import glob
import re
import subprocess
import urllib.parse
import urllib.request
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from aftercare import services
from aftercare.links import checkin_path
from aftercare.messages import RED_ALERT
from aftercare.models import CheckIn, Grade
from booking.models import Status
from outbox.models import Channel, Message, MessageStatus
from outbox.quiet_hours import in_quiet_hours
from tests.aftercare.checkins import group_answers
from tests.booking.test_worker import pytestmark as worker_marks
from tests.booking.test_worker import real_clock_env, start_web, start_worker, wait_until
from tests.factories import VisitRequestFactory

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
LIBFAKETIME = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
ON_CALL = "+919820099999"
# 02:00 IST on Friday 4 December 2026, as UTC for libfaketime.
NIGHT = datetime.datetime(2026, 12, 4, 2, 0, tzinfo=IST)

pytestmark = [
    *worker_marks,
    pytest.mark.skipif(not LIBFAKETIME, reason="needs libfaketime (apt-get install faketime)"),
]


def real_now() -> int:
    """The machine's own clock, even when this process runs under CI's faketime."""
    out = subprocess.run(
        ["date", "+%s"], capture_output=True, check=True, env=real_clock_env(), timeout=10
    )
    return int(out.stdout)


def at_night(env: dict[str, str]) -> dict[str, str]:
    offset = int(NIGHT.timestamp()) - real_now()
    return {
        **env,
        "LD_PRELOAD": LIBFAKETIME[0],
        "FAKETIME": f"{offset:+d}",
        "TZ": "UTC",
        "ON_CALL_PHONE": ON_CALL,
    }


def post_answers(base: str, path: str, data: dict[str, str]) -> int:
    """GET the screen for its CSRF token, then POST the answers, as a browser would."""
    with urllib.request.urlopen(base + path, timeout=15) as response:
        html = response.read().decode()
        cookie = next(
            c.split(";")[0]
            for c in response.headers.get_all("Set-Cookie")
            if c.startswith("csrftoken=")
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(
        base + path, data=body, headers={"Cookie": cookie, "Referer": base + path}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_red_answer_at_2am_alerts_the_on_call_coordinator_at_once(stack, settings):
    stack["env"] = at_night(stack["env"])
    with time_machine.travel(NIGHT - datetime.timedelta(minutes=5), tick=False):
        visit = VisitRequestFactory(
            status=Status.COMPLETED,
            scheduled_start=NIGHT - datetime.timedelta(days=2, hours=16),
            scheduled_end=NIGHT - datetime.timedelta(days=2, hours=14),
        )
        checkin = services.checkin_start_by_family(visit_request=visit)
        path = checkin_path(checkin).rstrip("/") + "/bowels/"
    base = start_web(stack)
    start_worker(stack, beat=False)

    status = post_answers(base, path, group_answers("bowels", blood_in_stool="yes"))
    assert status == 302

    def sent():
        rows = Message.objects.filter(kind=RED_ALERT)
        return rows.count() == 2 and not rows.exclude(status=MessageStatus.SENT).exists()

    wait_until(sent, timeout=60)
    checkin = CheckIn.objects.get(pk=checkin.pk)
    assert checkin.grade == Grade.RED
    for message in Message.objects.filter(kind=RED_ALERT):
        # Written and sent in quiet hours (the processes' clocks), never held for them.
        assert in_quiet_hours(message.due_at)
        assert in_quiet_hours(message.sent_at)
        assert timezone.localtime(message.sent_at).hour == 2
        assert message.held_in_quiet_hours is False
        assert message.sent_at - checkin.submitted_at < datetime.timedelta(minutes=1)
    (sms,) = stack["sms"].received
    assert sms["body"]["to"] == ON_CALL
    assert visit.reference in sms["body"]["text"]
    assert visit.patient_name not in sms["body"]["text"]
    (email,) = stack["smtp"].wait_for(1)
    assert settings.COORDINATOR_EMAIL in email["To"]
    assert Message.objects.filter(kind=RED_ALERT, channel=Channel.EMAIL).get().recipient == (
        settings.COORDINATOR_EMAIL
    )
