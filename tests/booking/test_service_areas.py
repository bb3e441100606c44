"""The served PIN codes come from the shared cache, and a change to an area is seen at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import forms
from booking.models import ServiceArea, VisitRequest
from booking.service_areas import CACHE_KEY, area_serving, served_areas
from tests.factories import ServiceAreaFactory, form_data

pytestmark = pytest.mark.django_db

BOOK = "/book/"


def test_a_lookup_reads_the_database_once_then_the_cache():
    area = ServiceAreaFactory(pin_code="400053")
    with CaptureQueriesContext(connection) as first:
        assert area_serving("400053") == area.pk
    with CaptureQueriesContext(connection) as again:
        assert area_serving("400053") == area.pk
        assert area_serving("110001") is None
    assert len(first) == 1
    assert len(again) == 0


def test_a_pin_code_unticked_is_refused_at_the_next_booking(client):
    area = ServiceAreaFactory(pin_code="400053")
    assert client.post(BOOK, form_data()).status_code == 302
    area.is_active = False
    area.save()
    response = client.post(BOOK, form_data())
    assert response.status_code == 200
    assert "do not visit PIN code 400053" in response.content.decode()
    assert VisitRequest.objects.count() == 1


def test_a_new_area_is_served_at_the_next_booking(client):
    ServiceAreaFactory(pin_code="400053")
    assert client.post(BOOK, form_data(pin_code="421301")).status_code == 200
    ServiceAreaFactory(pin_code="421301", name="Kalyan (fictional test area)")
    assert client.post(BOOK, form_data(pin_code="421301")).status_code == 302


def test_a_deleted_area_is_no_longer_served():
    area = ServiceAreaFactory(pin_code="421302", name="Fictional Nagar")
    assert area_serving("421302") == area.pk
    area.delete()
    assert area_serving("421302") is None


def test_a_reader_that_read_before_the_commit_cannot_leave_the_old_areas(
    django_capture_on_commit_callbacks,
):
    area = ServiceAreaFactory(pin_code="400053")
    stale = served_areas()
    with django_capture_on_commit_callbacks(execute=True):
        area.is_active = False
        area.save()
        # Another process read the rows before this commit and stores them now.
        cache.add(CACHE_KEY, stale, 600)
    assert "400053" not in cache.get(CACHE_KEY)
    assert area_serving("400053") is None


def test_an_update_that_sends_no_signal_is_seen_after_forgetting():
    from booking.service_areas import forget_served_areas

    ServiceAreaFactory(pin_code="400053")
    assert area_serving("400053") is not None
    ServiceArea.objects.filter(pin_code="400053").update(is_active=False)
    forget_served_areas()
    assert area_serving("400053") is None


@pytest.mark.parametrize("prefix", ["", "/hi", "/mr"])
def test_the_pin_code_hint_links_the_areas_page_in_the_readers_language(client, prefix):
    page = client.get(f"{prefix}/book/").content.decode()
    assert f'<a href="{prefix}/areas/">' in page


def test_checking_a_form_builds_no_pin_code_hint(monkeypatch):
    """The hint's link is built when the form is shown, not for every booking checked."""
    ServiceAreaFactory(pin_code="400053")
    built = []
    monkeypatch.setattr(forms, "reverse", lambda *a, **k: built.append(a) or "/areas/")
    form = forms.VisitRequestForm.checking(form_data())
    assert form.is_valid(), form.errors
    assert built == []
    assert "/areas/" in str(forms.VisitRequestForm()["pin_code"].help_text)
    assert built
