"""The family's check-in: one screen per group, then red (call now), amber (we call
back today) or green (thank you, and when the next one comes)."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import translation

from aftercare.links import MAX_AGE, checkin_path, checkin_token
from aftercare.messages import INVITE, RED_ALERT
from aftercare.models import Answer, CheckIn, CheckInStatus, Grade
from booking.links import status_path
from outbox.models import Channel, MessageStatus
from outbox.queueing import messages_of
from tests.aftercare.checkins import completed_visit, group_answers
from tests.booking.visit_record_data import NOW, ist

pytestmark = pytest.mark.django_db
GROUPS = ["bowels", "breathing", "fever_skin", "head_energy"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _english_addresses():
    """Pages in Hindi leave their language active in this thread; addresses are built in English."""
    yield
    translation.activate("en")


@pytest.fixture
def day_one(clock):
    visit = completed_visit()
    clock.move_to(ist(2026, 12, 3, 10, 5))
    return CheckIn.objects.get(visit=visit, day=1)


def group_url(checkin, group):
    return reverse("aftercare:group", kwargs={"token": checkin_token(checkin), "group": group})


def answer_all(client, checkin, **overrides):
    response = None
    for group in GROUPS:
        response = client.post(group_url(checkin, group), group_answers(group, **overrides))
        if response.status_code == 302 and response["Location"].endswith("/result/"):
            break
    return response


def test_the_link_opens_the_first_screen_with_radio_buttons_and_the_helpful_links(client, day_one):
    response = client.get(checkin_path(day_one), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("/bowels/")
    assert 'type="radio"' in html
    assert "part 1 of 4" in html
    assert "/guide/warning-signs-after-immunotherapy/" in html
    assert reverse("aftercare:checkin_card", kwargs={"token": checkin_token(day_one)}) in html
    assert (
        response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]
    )


def test_all_green_thanks_the_family_and_says_when_the_next_check_in_comes(client, day_one):
    response = answer_all(client, day_one)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    day_one.refresh_from_db()
    assert (day_one.status, day_one.grade) == (CheckInStatus.ANSWERED, Grade.GREEN)
    assert "Thank you" in page
    assert "Saturday 5 December" in page  # day 3
    assert Answer.objects.filter(checkin=day_one).count() == 14
    # Its own invitation, already due, is not sent again.
    assert not messages_of(day_one).filter(status=MessageStatus.PENDING).exists()


def test_one_red_answer_ends_the_check_in_at_once_with_the_call_now_page(client, day_one, settings):
    response = client.post(
        group_url(day_one, "bowels"), group_answers("bowels", blood_in_stool="yes")
    )
    assert response["Location"].endswith("/result/")
    page = client.get(response["Location"]).content.decode()
    assert "Call us now" in page
    assert f'href="tel:{settings.SUPPORT_PHONE}"' in page
    assert 'href="tel:112"' in page
    assert 'href="tel:108"' in page
    assert "having immunotherapy" in page
    day_one.refresh_from_db()
    assert day_one.grade == Grade.RED
    alerts = messages_of(day_one).filter(kind=RED_ALERT)
    assert sorted(alerts.values_list("channel", "recipient")) == sorted(
        [(Channel.SMS, settings.ON_CALL_PHONE), (Channel.EMAIL, settings.COORDINATOR_EMAIL)]
    )
    assert not alerts.filter(held_in_quiet_hours=True).exists()


def test_two_ambers_on_different_screens_are_red(client, day_one):
    client.post(group_url(day_one, "bowels"), group_answers("bowels", loose_stools="up_to_3"))
    day_one.refresh_from_db()
    assert day_one.status == CheckInStatus.WAITING
    response = client.post(
        group_url(day_one, "breathing"), group_answers("breathing", new_cough="yes")
    )
    assert response["Location"].endswith("/result/")
    day_one.refresh_from_db()
    assert day_one.grade == Grade.RED


def test_one_amber_goes_to_the_call_back_queue_with_a_time_limit(client, day_one):
    response = answer_all(client, day_one, rash="small_area")
    page = client.get(response["Location"]).content.decode()
    day_one.refresh_from_db()
    assert day_one.grade == Grade.AMBER
    # Sent at 10:05: four working hours later.
    assert day_one.callback_due_at == ist(2026, 12, 3, 14, 5)
    # The time, not "today": sent late in the evening, the call comes the next morning.
    assert "<h1>We will call you back</h1>" in page
    assert "today" not in page.split("<h1>")[1].split("</p>")[0]
    assert not messages_of(day_one).filter(kind=RED_ALERT).exists()


def test_an_unanswered_question_is_shown_beside_it_and_nothing_is_saved(client, day_one):
    answers = group_answers("bowels")
    del answers["blood_in_stool"]
    response = client.post(group_url(day_one, "bowels"), answers)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#id_blood_in_stool_0"' in html
    assert not Answer.objects.filter(checkin=day_one).exists()


def test_an_answer_the_file_does_not_know_is_refused(client, day_one):
    response = client.post(
        group_url(day_one, "bowels"), group_answers("bowels", loose_stools="twelve")
    )
    assert response.status_code == 400
    assert not Answer.objects.filter(checkin=day_one).exists()


def test_a_sent_check_in_cannot_be_answered_again(client, day_one):
    answer_all(client, day_one)
    response = client.post(
        group_url(day_one, "bowels"), group_answers("bowels", blood_in_stool="yes")
    )
    assert response["Location"].endswith("/result/")
    day_one.refresh_from_db()
    assert day_one.grade == Grade.GREEN


def test_the_link_holds_only_a_signed_id_and_expires(client, day_one, clock):
    token = checkin_token(day_one)
    path = checkin_path(day_one)
    assert signing.loads(token, salt="aftercare.checkin-link") == [day_one.pk, day_one.link_nonce]
    assert day_one.visit.patient_name.split()[0] not in token
    clock.move_to(ist(2026, 12, 3, 10, 5) + MAX_AGE + datetime.timedelta(minutes=1))
    assert client.get(path).status_code == 404


def test_an_altered_link_opens_nothing(client, day_one):
    assert client.get(checkin_path(day_one)[:-3] + "xyz/").status_code == 404


def test_the_family_can_start_a_check_in_from_the_private_link(client, day_one, clock):
    answer_all(client, day_one)
    visit = day_one.visit
    clock.move_to(ist(2026, 12, 4, 21, 30))
    status_page = client.get(status_path(visit)).content.decode()
    start = reverse("aftercare:start", kwargs={"token": status_path(visit).split("/")[-2]})
    assert start in status_page
    response = client.post(start)
    checkin = CheckIn.objects.get(visit=visit, started_by="family")
    assert response["Location"] == checkin_path(checkin)


def test_the_alert_card_names_the_medicine_and_the_24_7_number_in_each_language(
    client, day_one, settings
):
    for prefix in ("", "/hi", "/mr"):
        path = reverse("aftercare:checkin_card", kwargs={"token": checkin_token(day_one)})
        page = client.get(prefix + path).content.decode()
        translation.activate("en")
        assert "Pembrolizumab" in page
        assert f'href="tel:{settings.SUPPORT_PHONE}"' in page
        assert re.search(r'<link rel="stylesheet" href="[^"]*/css/alert-card[.\w]*css"', page)
    card = reverse(
        "aftercare:request_card", kwargs={"token": status_path(day_one.visit).split("/")[-2]}
    )
    assert client.get(card).status_code == 200


def test_hindi_and_marathi_screens_are_in_their_language(client, day_one):
    url = group_url(day_one, "breathing")
    hindi = client.get("/hi" + url).content.decode()
    marathi = client.get("/mr" + url).content.decode()
    assert "साँस और छाती" in hindi
    assert "श्वास आणि छाती" in marathi


def test_no_personal_data_in_the_logs_of_a_red_check_in(client, day_one, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(group_url(day_one, "bowels"), group_answers("bowels", blood_in_stool="yes"))
    text = caplog.text
    visit = day_one.visit
    for personal in (visit.patient_name, visit.patient_phone, visit.patient_email, "blood"):
        assert personal not in text


def test_invitation_sms_carries_the_link_and_no_personal_details(day_one):
    from aftercare.messages import render

    message = messages_of(day_one).get(kind=INVITE, channel=Channel.SMS)
    body = render(message).body
    translation.activate("en")
    assert checkin_path(day_one) in body
    assert day_one.visit.patient_name not in body
