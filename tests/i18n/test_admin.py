"""Coordinators keep each page's translations beside it in admin, each with its own review dates."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import PageTranslation
from tests.auth import sign_in
from tests.factories import CoordinatorFactory, PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def staff(client, coordinator):
    """A coordinator, not a superuser: the group's permissions are what is tested."""
    return sign_in(client, coordinator)


def _page_form(page, **inline: str) -> dict[str, str]:
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "body": page.body,
        "order": str(page.order),
        "is_published": "on",
        "reviewer": page.reviewer,
        "last_reviewed": page.last_reviewed.isoformat(),
        "next_review_due": page.next_review_due.isoformat(),
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update({f"translations-0-{key}": value for key, value in inline.items()})
    return data


def test_a_translation_is_added_from_the_pages_admin_and_shown_at_once(staff, coordinator, client):
    page = PageFactory(title="Eating well", slug="eating-well")
    response = staff.post(
        reverse("admin:content_page_change", args=[page.pk]),
        _page_form(
            page,
            language="mr",
            title="चांगला आहार",
            summary="उपचाराच्या काळात काय खावे.",
            body="थोडे थोडे आणि वारंवार खा.",
            reviewer="आहारतज्ज्ञ टीम",
            last_reviewed="2026-11-25",
            next_review_due="2027-02-25",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    translation = PageTranslation.objects.get(page=page, language="mr")
    assert translation.title == "चांगला आहार"
    assert translation.history.latest().history_user == coordinator
    html = client.get("/mr/guide/eating-well/").content.decode()
    assert "<h1>चांगला आहार</h1>" in html
    assert '<time datetime="2026-11-25">25 नोव्हेंबर 2026</time>' in html


def test_a_second_translation_in_the_same_language_is_refused(staff, starting_pages):
    page = starting_pages["cancer-vaccines"]
    response = staff.post(
        reverse("admin:content_page_change", args=[page.pk]),
        _page_form(
            page,
            language="hi",
            title="दूसरा अनुवाद",
            summary="सार",
            body="पाठ",
            reviewer="कोई",
            last_reviewed="2026-11-25",
            next_review_due="2027-02-25",
        ),
    )
    assert response.status_code == 200
    assert PageTranslation.objects.filter(page=page, language="hi").count() == 1


def test_the_translations_list_flags_overdue_reviews(staff, starting_pages):
    overdue = PageTranslation.objects.filter(language="mr").first()
    today = timezone.localdate()
    PageTranslation.objects.filter(pk=overdue.pk).update(
        last_reviewed=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=1),
    )
    changelist = reverse("admin:content_pagetranslation_changelist")
    html = staff.get(changelist).content.decode()
    assert "<strong>Overdue</strong>" in html
    only = staff.get(changelist, {"review": "overdue", "language__exact": "mr"})
    assert [t.pk for t in only.context["cl"].result_list] == [overdue.pk]


def test_a_review_due_before_the_last_one_is_refused(staff, starting_pages):
    translation = PageTranslation.objects.get(page=starting_pages["cancer-vaccines"], language="hi")
    response = staff.post(
        reverse("admin:content_pagetranslation_change", args=[translation.pk]),
        {
            "page": str(translation.page_id),
            "language": "hi",
            "title": translation.title,
            "summary": translation.summary,
            "body": translation.body,
            "reviewer": translation.reviewer,
            "last_reviewed": "2026-11-20",
            "next_review_due": "2026-11-01",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "The next review must be due after the last review." in response.content.decode()
