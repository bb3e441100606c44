"""A family that books in Hindi or Marathi: their words kept exactly, every message in their language."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from booking import scheduling, workflow
from booking.links import status_token
from booking.messages import render
from booking.models import MessageKind, RequestEvent, VisitRequest
from outbox.channels.sms import sms_segments
from outbox.models import Channel, Message, MessageStatus
from outbox.tasks import deliver_due_messages
from tests.auth import sign_in
from tests.factories import (
    CoordinatorFactory,
    NurseFactory,
    ServiceAreaFactory,
    VisitRequestFactory,
    caregiver_form_data,
    clear_checklist,
)
from tests.i18n.conftest import Document
from tests.sms import RecordingSmsBackend

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
# The provider's limit for one message: two UCS-2 segments (2 x 67 units) before the link.
SMS_BUDGET = 134
# A long first name, so the budget holds for real nurses too.
LONG_NURSE_NAME = "Jayalakshmi"

# Fictional people and places, typed the way a family would in each script.
DEVANAGARI_ANSWERS = {
    "hi": {
        "patient_name": "सुनीता रमेश काल्पनिक",
        "caregiver_name": "अमित काल्पनिक",
        "caregiver_relationship": "बेटा",
        "address_line": "फ़्लैट 12, काल्पनिक हाइट्स",
        "street": "उदाहरण मार्ग",
        "area": "अंधेरी पश्चिम",
        "landmark": "हनुमान मंदिर के पास",
        "cancer_type": "फेफड़ों का कैंसर",
        "medicine_other": "कोई नई दवा",
        "oncologist_name": "डॉ. कल्पना शर्मा",
        "hospital_name": "काल्पनिक सामान्य अस्पताल",
        "notes": "लिफ़्ट नहीं है, तीसरी मंज़िल।\nशाम को फ़ोन करें।",
    },
    "mr": {
        "patient_name": "सुनीता रमेश काल्पनिक",
        "caregiver_name": "अमित काल्पनिक",
        "caregiver_relationship": "मुलगा",
        "address_line": "फ्लॅट 12, काल्पनिक हाइट्स",
        "street": "उदाहरण मार्ग",
        "area": "अंधेरी पश्चिम",
        "landmark": "गणपती मंदिराजवळ",
        "cancer_type": "फुफ्फुसाचा कॅन्सर",
        "medicine_other": "दुसरे नवे औषध",
        "oncologist_name": "डॉ. कल्पना देशपांडे",
        "hospital_name": "काल्पनिक सामान्य रुग्णालय",
        "notes": "लिफ्ट नाही, तिसरा मजला।\nसंध्याकाळी फोन करा.",
    },
}
RECEIVED_SMS = {
    "hi": "UHAPO: आपका होम विज़िट अनुरोध",
    "mr": "UHAPO: तुमची होम व्हिजिट विनंती",
}


@pytest.fixture(autouse=True)
def _tuesday_morning(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 11, 0, tzinfo=IST), tick=False)


def _book(client, language: str, **changes: str) -> VisitRequest:
    ServiceAreaFactory()
    data = caregiver_form_data(
        medicine="other",
        preferred_date="2026-12-03",
        **DEVANAGARI_ANSWERS[language],
    )
    data.update(changes)
    response = client.post(f"/{language}/book/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/{language}/book/received/"
    return VisitRequest.objects.get()


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_devanagari_in_every_text_field_is_kept_exactly(client, language):
    visit_request = _book(client, language)
    for field, typed in DEVANAGARI_ANSWERS[language].items():
        assert getattr(visit_request, field) == typed, field
    assert visit_request.language == language
    # Shown back exactly (escaped, not mangled) to the staff who read it.
    admin = sign_in(client, CoordinatorFactory())
    change_page = admin.get(visit_request.get_admin_url()).content.decode()
    for field in ("patient_name", "caregiver_name", "address_line", "landmark", "hospital_name"):
        assert DEVANAGARI_ANSWERS[language][field] in change_page, field


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_a_form_with_a_mistake_keeps_every_devanagari_answer(client, language):
    ServiceAreaFactory()
    data = caregiver_form_data(medicine="other", **DEVANAGARI_ANSWERS[language])
    del data["consent"]
    response = client.post(f"/{language}/book/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert Document(html).html_lang == language
    for field, typed in DEVANAGARI_ANSWERS[language].items():
        if field == "notes":
            assert f">\n{typed}</textarea>" in html or f">{typed}</textarea>" in html
        else:
            assert f'value="{typed}"' in html, field
    # The error is in the family's language too.
    expected = {"hi": "सहमति के लिए बॉक्स पर टिक करें", "mr": "संमतीसाठी चौकटीत टिक करा"}
    assert expected[language] in html
    assert not VisitRequest.objects.exists()


def test_devanagari_digits_are_understood_in_numbers(client):
    visit_request = _book(
        client,
        "hi",
        patient_phone="९८२०० १२३४५",
        patient_birth_year="१९५८",
        pin_code="४०००५३",
    )
    assert visit_request.patient_phone == "+919820012345"
    assert visit_request.patient_birth_year == 1958
    assert visit_request.pin_code == "400053"


def test_the_status_page_shows_the_request_in_hindi(client):
    visit_request = _book(client, "hi")
    html = client.get(f"/hi/request/{status_token(visit_request)}/").content.decode()
    assert Document(html).html_lang == "hi"
    assert "गुरुवार, 3 दिसंबर 2026, सुबह (8 से 12 बजे तक)" in html
    assert "<strong>नया</strong>" in html


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_the_confirmation_goes_out_in_the_language_the_family_booked_in(client, language):
    visit_request = _book(client, language)
    deliver_due_messages()
    texts = {sent["to"]: sent["body"] for sent in RecordingSmsBackend.sent}
    assert set(texts) == {visit_request.patient_phone, visit_request.caregiver_phone}
    for text in texts.values():
        assert text.startswith(RECEIVED_SMS[language]), text
        # The private link opens the status page in the same language.
        assert f"/{language}/request/" in text
    family = [m for m in mail.outbox if "coordinators@" not in m.to[0]]
    assert len(family) == 2
    for email in family:
        assert visit_request.reference in email.subject
        assert re.search(r"[\u0900-\u097F]", email.subject), email.subject
        assert f"/{language}/request/" in email.body
        assert "Thank you" not in email.body
    # Coordinators read theirs in English, told which language the family chose.
    (alert,) = [m for m in mail.outbox if "coordinators@" in m.to[0]]
    name = {"hi": "Hindi", "mr": "Marathi"}[language]
    assert alert.subject.startswith("New home visit request")
    assert f"The family filled in the form in {name}" in alert.body


def test_an_english_booking_stays_in_english(client):
    ServiceAreaFactory()
    client.post("/book/", caregiver_form_data(preferred_date="2026-12-03"))
    deliver_due_messages()
    assert all(sent["body"].startswith("UHAPO: we have") for sent in RecordingSmsBackend.sent)
    (alert,) = [m for m in mail.outbox if "coordinators@" in m.to[0]]
    assert "filled in the form in" not in alert.body


def test_a_hindi_familys_visit_confirmation_and_reminders_are_in_hindi(client, time_machine):
    visit_request = _book(client, "hi")
    deliver_due_messages()
    RecordingSmsBackend.sent.clear()
    mail.outbox.clear()

    visit = datetime.datetime(2026, 12, 3, 11, 0, tzinfo=IST)
    clear_checklist(visit_request, start=visit)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=visit,
        end=visit + datetime.timedelta(hours=2),
        nurse=NurseFactory(first_name="आशा"),
        actor=None,
    )
    moment = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=IST)
    while moment <= visit:
        time_machine.move_to(moment, tick=False)
        deliver_due_messages()
        moment += datetime.timedelta(minutes=15)

    family_kinds = [MessageKind.VISIT_SCHEDULED, MessageKind.REMINDER_24H, MessageKind.REMINDER_2H]
    messages = visit_request.messages.filter(kind__in=family_kinds)
    assert set(messages.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert set(messages.values_list("language", flat=True)) == {"hi"}

    texts = [sent["body"] for sent in RecordingSmsBackend.sent]
    scheduled = [t for t in texts if "गुरुवार, 3 दिसंबर को सुबह 11:00 से दोपहर 1:00 बजे तक" in t]
    tomorrow = [t for t in texts if t.startswith("UHAPO रिमाइंडर: कल गुरुवार, 3 दिसंबर को")]
    today = [t for t in texts if "आज लगभग सुबह 11:00 बजे नर्स आशा की विज़िट है" in t]
    # Patient and helper each get one of each.
    assert (len(scheduled), len(tomorrow), len(today)) == (2, 2, 2), texts
    assert not any(word in t for t in texts for word in ("tomorrow", "today", "reminder"))

    subjects = sorted(email.subject for email in mail.outbox)
    assert "आपकी होम विज़िट गुरुवार, 3 दिसंबर के लिए तय हो गई है" in subjects
    assert "याद दिला दें: आपकी होम विज़िट कल है" in subjects
    assert "लगभग 2 घंटे में नर्स की विज़िट है" in subjects
    booked = next(e for e in mail.outbox if "तय हो गई है" in e.subject)
    assert "सुबह 11:00 से दोपहर 1:00 बजे के बीच होगी" in booked.body
    invite = booked.attachments[0][1]
    invite = invite.decode() if isinstance(invite, bytes) else invite
    assert "UHAPO होम विज़िट" in invite


def test_a_cancellation_from_the_hindi_private_link_is_confirmed_in_hindi(client):
    visit_request = _book(client, "hi")
    deliver_due_messages()
    RecordingSmsBackend.sent.clear()
    with translation.override("hi"):
        cancel_url = reverse("booking:cancel", kwargs={"token": status_token(visit_request)})
    assert cancel_url.startswith("/hi/request/")
    response = client.post(cancel_url, {"reason": "अस्पताल में भर्ती हैं"})
    assert response.status_code == 302
    assert response["Location"].startswith("/hi/request/")
    deliver_due_messages()
    assert all("रद्द हो गया है" in sent["body"] for sent in RecordingSmsBackend.sent)
    visit_request.refresh_from_db()
    assert visit_request.closing_reason == "अस्पताल में भर्ती हैं"


def _segment_budget_cases() -> list[tuple[str, str]]:
    return [
        (language, kind)
        for language in ("hi", "mr")
        for kind in (
            "received",
            "scheduled",
            "rescheduled",
            "remind24",
            "remind2",
            "cancelled",
            "declined",
        )
    ]


@pytest.mark.parametrize(("language", "kind"), _segment_budget_cases())
def test_each_devanagari_sms_fits_two_segments_before_its_link(language, kind):
    """UCS-2 SMS hold 70 units, or 67 a part when split: stay within 2 parts, link aside."""
    visit_request = VisitRequestFactory(language=language, reference="UH-ABCD-EFGH")
    visit_request.nurse = NurseFactory(first_name=LONG_NURSE_NAME)
    # The longest words for the part of the day: evening (संध्याकाळी) in Marathi.
    visit_request.scheduled_start = datetime.datetime(2026, 12, 3, 16, 30, tzinfo=IST)
    visit_request.scheduled_end = visit_request.scheduled_start + datetime.timedelta(hours=2)
    # The schedule a move message names: moved from the evening before.
    before = visit_request.scheduled_start - datetime.timedelta(days=1)
    RequestEvent.objects.create(
        request=visit_request,
        from_status="scheduled",
        to_status="scheduled",
        actor_label="system",
        changes=scheduling.schedule_changes(
            version=0,
            old=(before, before + datetime.timedelta(hours=2), "Meera"),
            new=(visit_request.scheduled_start, visit_request.scheduled_end, "Jayalakshmi"),
        ),
    )
    message = Message(
        subject=visit_request,
        kind=kind,
        channel=Channel.SMS,
        audience="patient",
        recipient=visit_request.patient_phone,
        language=language,
        due_at=timezone.now(),
    )
    body = render(message).body
    assert re.search(r"[\u0900-\u097F]", body), body
    without_link = re.sub(r"https?://\S+", "", body)
    units = len(without_link.encode("utf-16-le")) // 2
    assert units <= SMS_BUDGET, (units, body)
    assert sms_segments(without_link) <= 2


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_the_sms_templates_use_no_abbreviations_a_family_would_not_know(language):
    start = datetime.datetime(2026, 12, 3, 16, 30, tzinfo=IST)
    context = {
        "reference": "UH-ABCD-EFGH",
        "support_phone": "+91 91374 41392",
        "nurse_first_name": "Asha",
        "start": start,
        "end": start + datetime.timedelta(hours=2),
    }
    with translation.override(language), timezone.override(IST):
        text = render_to_string("booking/messages/scheduled.sms.txt", context)
    assert "PM" not in text
    assert "AM" not in text
    assert {"hi": "शाम 4:30", "mr": "संध्याकाळी 4:30"}[language] in text
