"""Staff see a message that failed or was not delivered: on the request list and the admin home."""

from __future__ import annotations

import pytest

from outbox.models import Channel, Delivery, MessageStatus
from tests.factories import MessageFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db


def _counts(page) -> dict[str, int]:
    return {item["label"]: item["count"] for item in page.context["counts"]}


def test_a_message_the_network_did_not_deliver_flags_its_request(coordinator_client):
    flagged = VisitRequestFactory()
    MessageFactory(request=flagged, status=MessageStatus.SENT, delivery=Delivery.FAILED)
    fine = VisitRequestFactory()
    MessageFactory(request=fine, status=MessageStatus.SENT, delivery=Delivery.DELIVERED)

    home = coordinator_client.get("/admin/")
    assert _counts(home)["Requests with a message not delivered"] == 1

    listed = coordinator_client.get("/admin/booking/visitrequest/?messages=undelivered")
    assert [r.pk for r in listed.context["cl"].result_list] == [flagged.pk]
    everything = coordinator_client.get("/admin/booking/visitrequest/").content.decode()
    assert everything.count("Not delivered</strong>") == 1


def test_a_failed_sms_is_flagged_but_a_whatsapp_that_fell_back_is_not(coordinator_client):
    sms_failed = VisitRequestFactory()
    MessageFactory(request=sms_failed, status=MessageStatus.FAILED)
    fell_back = VisitRequestFactory()
    MessageFactory(request=fell_back, status=MessageStatus.FAILED, channel=Channel.WHATSAPP)

    counts = _counts(coordinator_client.get("/admin/"))
    assert counts["Failed messages"] == 1
    assert counts["Requests with a message not delivered"] == 1
    listed = coordinator_client.get("/admin/booking/visitrequest/?messages=undelivered")
    assert [r.pk for r in listed.context["cl"].result_list] == [sms_failed.pk]
