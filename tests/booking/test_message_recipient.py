"""Who gets the messages, when the form is left alone, follows who fills it in."""

from __future__ import annotations

import re

import pytest

from booking.models import MessageKind, Recipient, VisitRequest
from outbox.models import Message
from tests.factories import ServiceAreaFactory, caregiver_form_data, form_data

pytestmark = pytest.mark.django_db

HINT = {
    "en": "If you choose nothing here, both of you get them.",
    "hi": "अगर आप यहाँ कुछ नहीं चुनते, तो संदेश आप दोनों को मिलेंगे।",
    "mr": "इथे काहीच निवडले नाही, तर संदेश तुम्हा दोघांनाही मिळतील.",
}


@pytest.fixture(autouse=True)
def _served_area():
    ServiceAreaFactory(pin_code="400053", name="Andheri West")


def _checked_recipients(html: str) -> list[str]:
    radios = re.findall(r'<input[^>]*\bname="message_recipient"[^>]*>', html)
    assert len(radios) == 3
    return [
        re.search(r'value="(\w+)"', radio).group(1)
        for radio in radios
        if re.search(r"\bchecked\b", radio)
    ]


def _audiences() -> set[str]:
    kinds = Message.objects.filter(kind=MessageKind.REQUEST_RECEIVED)
    return set(kinds.values_list("audience", flat=True))


@pytest.mark.parametrize("language", ["en", "hi", "mr"])
def test_the_empty_form_ticks_no_recipient_and_says_what_happens_then(client, language):
    prefix = "" if language == "en" else f"/{language}"
    html = client.get(f"{prefix}/book/").content.decode()
    assert _checked_recipients(html) == []
    assert HINT[language] in html


def test_a_helper_who_leaves_the_question_gets_the_messages_too(client):
    data = caregiver_form_data()
    del data["message_recipient"]  # an unticked radio is not sent at all
    assert client.post("/book/", data).status_code == 302
    assert VisitRequest.objects.get().message_recipient == Recipient.BOTH
    assert _audiences() == {"patient", "caregiver"}


@pytest.mark.parametrize(
    ("chosen", "audiences"),
    [("patient", {"patient"}), ("caregiver", {"caregiver"}), ("both", {"patient", "caregiver"})],
)
def test_a_helpers_own_choice_is_kept(client, chosen, audiences):
    assert client.post("/book/", caregiver_form_data(message_recipient=chosen)).status_code == 302
    assert VisitRequest.objects.get().message_recipient == chosen
    assert _audiences() == audiences


@pytest.mark.parametrize("posted", [None, "caregiver", "both"])
def test_a_patient_filling_in_the_form_gets_the_messages_alone(client, posted):
    data = form_data() if posted is None else form_data(message_recipient=posted)
    assert client.post("/book/", data).status_code == 302
    assert VisitRequest.objects.get().message_recipient == Recipient.PATIENT
    assert _audiences() == {"patient"}


def test_a_form_sent_back_with_a_mistake_keeps_the_helpers_choice_as_it_was(client):
    chosen = client.post("/book/", caregiver_form_data(message_recipient="patient", consent=""))
    left = caregiver_form_data(consent="")
    del left["message_recipient"]
    unanswered = client.post("/book/", left)
    assert _checked_recipients(chosen.content.decode()) == ["patient"]
    # Not ticked for them: the choice is made only when the request is saved.
    assert _checked_recipients(unanswered.content.decode()) == []
    assert not VisitRequest.objects.exists()


def test_a_helper_who_gives_the_patients_own_number_and_email_gets_each_message_once(client):
    """A patient without a mobile: the helper's number in both fields, as the form
    advises. "Both of us" must not send the same SMS, or email, twice to one place."""
    data = caregiver_form_data(message_recipient="both")
    data["caregiver_phone"] = data["patient_phone"]
    data["caregiver_email"] = data["patient_email"].upper()
    assert client.post("/book/", data).status_code == 302
    received = Message.objects.filter(kind=MessageKind.REQUEST_RECEIVED)
    assert sorted(received.values_list("channel", flat=True)) == ["email", "sms"]
    assert received.count() == len({(m.channel, m.recipient.casefold()) for m in received})
