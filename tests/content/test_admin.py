"""Staff edit the guide in admin; visitors see the change on their next request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.auth import sign_in
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, with the second factor the admin asks for."""
    return sign_in(client, admin_user)


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
    admin_client, client, starting_pages
):
    page = starting_pages["benefits-of-immunotherapy"]
    url = page.get_absolute_url()
    etag = client.get(url).headers["ETag"]
    new_body = page.body + "\n\nThis sentence was added by a coordinator."

    response = admin_client.post(
        reverse("admin:content_page_change", args=[page.pk]), _form_data(page, body=new_body)
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert "This sentence was added by a coordinator." in fresh.content.decode()
    latest = page.history.latest()
    assert latest.history_type == "~"
    assert latest.body == new_body
    assert latest.history_user.username == "admin"


def test_admin_rejects_a_review_due_before_the_last_review(admin_client, starting_pages):
    page = starting_pages["cancer-vaccines"]
    response = admin_client.post(
        reverse("admin:content_page_change", args=[page.pk]),
        _form_data(page, next_review_due="2026-10-01"),
    )
    assert response.status_code == 200
    assert "The next review must be due after the last review." in response.content.decode()


def test_the_page_list_flags_overdue_reviews(admin_client, starting_pages):
    today = timezone.localdate()
    PageFactory(
        title="Stale page",
        last_reviewed=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=1),
    )
    changelist = reverse("admin:content_page_changelist")
    html = admin_client.get(changelist).content.decode()
    assert "<strong>Overdue</strong>" in html

    overdue_only = admin_client.get(changelist, {"review": "overdue"})
    assert [page.title for page in overdue_only.context["cl"].result_list] == ["Stale page"]


def test_admin_add_form_and_history_page_open(admin_client, starting_pages):
    assert admin_client.get(reverse("admin:content_page_add")).status_code == 200
    page = starting_pages["what-is-immunotherapy"]
    history = admin_client.get(reverse("admin:content_page_history", args=[page.pk]))
    assert history.status_code == 200
