"""Coordinators edit the guide in admin; visitors see the change on their next request.

Signed in as a coordinator, not a superuser: what the Coordinators group is
granted (by migrations) is what these tests exercise.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.models import Page, PageTranslation
from tests.auth import sign_in
from tests.factories import CoordinatorFactory, PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    """Signed in with the second factor the admin asks for."""
    return sign_in(client, coordinator)


def _form_data(page, **changes) -> dict[str, str]:
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "body": page.body,
        "parent": str(page.parent_id or ""),
        "order": str(page.order),
        "is_published": "on" if page.is_published else "",
        "show_request_button": "on" if page.show_request_button else "",
        "reviewer": page.reviewer,
        "last_reviewed": page.last_reviewed.isoformat(),
        "next_review_due": page.next_review_due.isoformat(),
        "_save": "Save",
        # The translations inline, left as it is.
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_an_edit_in_admin_shows_on_the_next_request_and_is_kept_in_history(
    coordinator_client, coordinator, client, starting_pages
):
    page = starting_pages["benefits-of-immunotherapy"]
    url = page.get_absolute_url()
    etag = client.get(url).headers["ETag"]
    new_body = page.body + "\n\nThis sentence was added by a coordinator."

    response = coordinator_client.post(
        reverse("admin:content_page_change", args=[page.pk]), _form_data(page, body=new_body)
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert "This sentence was added by a coordinator." in fresh.content.decode()
    latest = page.history.latest()
    assert latest.history_type == "~"
    assert latest.body == new_body
    assert latest.history_user == coordinator


def test_admin_rejects_a_review_due_before_the_last_review(coordinator_client, starting_pages):
    page = starting_pages["cancer-vaccines"]
    response = coordinator_client.post(
        reverse("admin:content_page_change", args=[page.pk]),
        _form_data(page, next_review_due="2026-10-01"),
    )
    assert response.status_code == 200
    assert "The next review must be due after the last review." in response.content.decode()


def test_the_page_list_flags_overdue_reviews(coordinator_client, starting_pages):
    today = timezone.localdate()
    PageFactory(
        title="Stale page",
        last_reviewed=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=1),
    )
    changelist = reverse("admin:content_page_changelist")
    html = coordinator_client.get(changelist).content.decode()
    assert "<strong>Overdue</strong>" in html

    overdue_only = coordinator_client.get(changelist, {"review": "overdue"})
    assert [page.title for page in overdue_only.context["cl"].result_list] == ["Stale page"]


def test_admin_add_form_and_history_page_open(coordinator_client, starting_pages):
    assert coordinator_client.get(reverse("admin:content_page_add")).status_code == 200
    page = starting_pages["what-is-immunotherapy"]
    history = coordinator_client.get(reverse("admin:content_page_history", args=[page.pk]))
    assert history.status_code == 200


def _new_page_form(**changes: str) -> dict[str, str]:
    data = {
        "title": "Eating well during treatment",
        "slug": "eating-well",
        "summary": "What to eat on the days around an infusion.",
        "body": "Eat a little, often.",
        "order": "700",
        "is_published": "on",
        "reviewer": "UHAPO dietitians",
        "last_reviewed": "2026-11-25",
        "next_review_due": "2027-05-25",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-0-language": "hi",
        "translations-0-title": "इलाज के दौरान सही खाना",
        "translations-0-summary": "इन्फ़्यूज़न के आस-पास के दिनों में क्या खाएँ।",
        "translations-0-body": "थोड़ा-थोड़ा, कई बार खाएँ।",
        "translations-0-reviewer": "UHAPO आहार टीम",
        "translations-0-last_reviewed": "2026-11-25",
        "translations-0-next_review_due": "2027-05-25",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_a_coordinator_adds_a_page_and_edits_its_hindi_translation(coordinator_client, coordinator):
    """No superuser needed: the Coordinators group may write the guide in every language."""
    assert not coordinator.is_superuser
    added = coordinator_client.post(reverse("admin:content_page_add"), _new_page_form())
    assert added.status_code == 302, added.content.decode()[:3000]
    page = Page.objects.get(slug="eating-well")
    hindi = page.translations.get(language="hi")

    edited = coordinator_client.post(
        reverse("admin:content_page_change", args=[page.pk]),
        _new_page_form(
            **{
                "translations-INITIAL_FORMS": "1",
                "translations-0-id": str(hindi.pk),
                "translations-0-body": "थोड़ा-थोड़ा, कई बार खाएँ। पानी ख़ूब पिएँ।",
            }
        ),
    )
    assert edited.status_code == 302, edited.content.decode()[:3000]

    hindi.refresh_from_db()
    assert hindi.body == "थोड़ा-थोड़ा, कई बार खाएँ। पानी ख़ूब पिएँ।"
    assert [entry.history_type for entry in hindi.history.all()] == ["~", "+"]
    for entry in [*page.history.all(), *hindi.history.all()]:
        assert entry.history_user == coordinator
    visitor = Client()
    assert "पानी ख़ूब पिएँ।" in visitor.get("/hi/guide/eating-well/").content.decode()


def test_a_coordinator_opens_the_translations_list_and_a_translation(
    coordinator_client, starting_pages
):
    translation = PageTranslation.objects.get(page=starting_pages["cancer-vaccines"], language="mr")
    changelist = coordinator_client.get(reverse("admin:content_pagetranslation_changelist"))
    assert changelist.status_code == 200
    change = coordinator_client.get(
        reverse("admin:content_pagetranslation_change", args=[translation.pk])
    )
    assert change.status_code == 200


def test_a_coordinator_cannot_delete_a_page_or_a_translation(coordinator_client, starting_pages):
    """Deleting stays with administrators, as everywhere in the admin."""
    page = starting_pages["cancer-vaccines"]
    translation = page.translations.get(language="hi")
    for url in (
        reverse("admin:content_page_delete", args=[page.pk]),
        reverse("admin:content_pagetranslation_delete", args=[translation.pk]),
    ):
        assert coordinator_client.post(url, {"post": "yes"}).status_code == 403
    assert Page.objects.filter(pk=page.pk).exists()
    assert PageTranslation.objects.filter(pk=translation.pk).exists()
