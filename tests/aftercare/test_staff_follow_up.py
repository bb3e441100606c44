"""Staff side: the red banner until a call is recorded, the amber call-back queue
with its overdue flag, outcomes as events, reads access-logged, coordinators only."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from aftercare import services
from aftercare.models import Action, CheckIn, Grade, OutcomeEvent
from booking.models import AccessLog
from tests.aftercare.checkins import completed_visit, group_answers
from tests.auth import sign_in
from tests.booking.visit_record_data import NOW, ist
from tests.factories import CoordinatorFactory, NurseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def answered(clock, grade: str) -> CheckIn:
    visit = completed_visit()
    clock.move_to(ist(2026, 12, 3, 10, 5))
    checkin = CheckIn.objects.get(visit=visit, day=1)
    overrides = {"red": {"chest_pain": "yes"}, "amber": {"new_cough": "yes"}, "green": {}}[grade]
    for group in ("bowels", "breathing", "fever_skin", "head_energy"):
        checkin = services.checkin_answer_group(
            checkin=checkin, group_id=group, answers=group_answers(group, **overrides)
        )
        if checkin.grade:
            break
    return checkin


def test_a_red_check_in_is_on_top_of_every_admin_page_until_the_call_is_recorded(client, clock):
    checkin = answered(clock, "red")
    coordinator = CoordinatorFactory()
    sign_in(client, coordinator)
    for url in (reverse("admin:index"), reverse("admin:booking_visitrequest_changelist")):
        page = client.get(url).content.decode()
        assert 'id="red-checkins"' in page
        assert checkin.visit.reference in page
    services.checkin_outcome_record(
        checkin=checkin, action=Action.NO_ANSWER, note="", actor=coordinator
    )
    assert 'id="red-checkins"' in client.get(reverse("admin:index")).content.decode()
    response = client.post(
        reverse("admin:aftercare_checkin_outcome", args=[checkin.pk]),
        {"action": Action.HOSPITAL, "note": "Told to go to Nowhere General emergency."},
    )
    assert response.status_code == 302
    assert 'id="red-checkins"' not in client.get(reverse("admin:index")).content.decode()
    assert list(OutcomeEvent.objects.filter(checkin=checkin).values_list("action", flat=True)) == [
        Action.NO_ANSWER,
        Action.HOSPITAL,
    ]


def test_an_amber_check_in_waits_in_the_call_back_queue_then_turns_overdue(client, clock):
    checkin = answered(clock, "amber")
    assert checkin.grade == Grade.AMBER
    coordinator = CoordinatorFactory()
    sign_in(client, coordinator)
    queue = reverse("admin:aftercare_checkin_changelist") + "?call=amber"
    page = client.get(queue).content.decode()
    assert checkin.visit.reference in page
    assert 'class="uhapo-overdue">Overdue' not in page
    home = client.get(reverse("admin:index")).content.decode()
    assert "Check-ins to call back today (amber)" in home
    clock.move_to(ist(2026, 12, 3, 14, 6))  # the limit was 14:05
    sign_in(client, coordinator)  # a fresh session: the last one went idle
    page = client.get(queue).content.decode()
    assert 'class="uhapo-overdue">Overdue' in page
    overdue = client.get(reverse("admin:aftercare_checkin_changelist") + "?call=overdue")
    assert checkin.visit.reference in overdue.content.decode()


def test_an_amber_sent_at_night_is_due_by_late_morning(clock):
    assert services.callback_due(ist(2026, 12, 3, 22, 30)) == ist(2026, 12, 4, 12, 0)
    assert services.callback_due(ist(2026, 12, 3, 18, 0)) == ist(2026, 12, 4, 10, 0)


def test_a_green_check_in_needs_no_outcome(clock):
    checkin = answered(clock, "green")
    with pytest.raises(ValidationError):
        services.checkin_outcome_record(
            checkin=checkin, action=Action.CALLED, note="", actor=CoordinatorFactory()
        )


def test_reading_a_check_in_is_access_logged_like_a_request(client, clock):
    checkin = answered(clock, "red")
    coordinator = CoordinatorFactory()
    sign_in(client, coordinator)
    page = client.get(reverse("admin:aftercare_checkin_change", args=[checkin.pk]))
    assert "Do you have pain or tightness in your chest?" in page.content.decode()
    log = AccessLog.objects.filter(actor=coordinator, action="view").latest("pk")
    assert log.request_ids == [checkin.visit.pk]
    client.get(reverse("admin:aftercare_checkin_outcome", args=[checkin.pk]))
    assert AccessLog.objects.filter(actor=coordinator, action="view").count() == 2


def test_nurses_do_not_see_check_ins_or_the_banner(client, clock):
    checkin = answered(clock, "red")
    sign_in(client, NurseFactory())
    assert client.get(reverse("admin:aftercare_checkin_change", args=[checkin.pk])).status_code in (
        302,
        403,
    )
    assert 'id="red-checkins"' not in client.get(reverse("admin:index")).content.decode()
    response = client.post(
        reverse("admin:aftercare_checkin_outcome", args=[checkin.pk]), {"action": "called"}
    )
    assert response.status_code == 403
    assert not OutcomeEvent.objects.exists()


def test_the_course_page_lists_its_check_ins(client, clock):
    checkin = answered(clock, "amber")
    sign_in(client, CoordinatorFactory())
    page = client.get(
        reverse("admin:care_course_change", args=[checkin.visit.course_id])
    ).content.decode()
    assert "symptom check-ins" in page.lower()
    assert "call owed" in page


def test_the_message_list_shows_check_in_messages_and_logs_their_visit(client, clock):
    checkin = answered(clock, "red")
    coordinator = CoordinatorFactory()
    sign_in(client, coordinator)
    response = client.get(reverse("admin:outbox_message_changelist"))
    assert response.status_code == 200
    assert "Symptom check-in: red alert to the on-call coordinator" in response.content.decode()
    log = AccessLog.objects.filter(actor=coordinator, action="list").latest("pk")
    assert checkin.visit.pk in log.request_ids


def test_a_failed_red_alert_counts_among_the_failed_messages(client, clock):
    checkin = answered(clock, "red")
    from aftercare.messages import RED_ALERT
    from outbox.models import MessageStatus
    from outbox.queueing import messages_of

    messages_of(checkin).filter(kind=RED_ALERT).update(status=MessageStatus.FAILED)
    sign_in(client, CoordinatorFactory())
    page = client.get(reverse("admin:index")).content.decode()
    assert '<strong class="uhapo-overdue">2</strong> Failed messages' in page
