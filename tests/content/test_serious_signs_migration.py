"""content 0009 brings the serious signs, India's CAR-T and a visit's length to pages still as seeded."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from content.models import Page, PageTranslation

MIGRATION = ("content", "0009_serious_signs_and_visit_length")
module = importlib.import_module("content.migrations.0009_serious_signs_and_visit_length")


def _run_migration() -> None:
    state_apps = MigrationLoader(connection).project_state(MIGRATION).apps
    module.correct(state_apps, SimpleNamespace(connection=connection))


@pytest.fixture
def old_pages(starting_pages) -> dict[tuple[str, str], Page | PageTranslation]:
    """Each corrected page put back to the text the seed files had before 0009 (no history)."""
    rows: dict[tuple[str, str], Page | PageTranslation] = {}
    for slug, language in module.CORRECTIONS:
        page = starting_pages[slug]
        row = page if language == "en" else page.translations.get(language=language)
        body = row.body
        for old, new in reversed(module.CORRECTIONS[(slug, language)]):
            body = body.replace(new, old, 1)
        type(row).objects.filter(pk=row.pk).update(body=body, reviewer="as seeded")
        row.refresh_from_db()
        assert module._sha256(row.body) == module.SEEDED_SHA256[(slug, language)]
        rows[(slug, language)] = row
    return rows


def test_the_reason_fits_the_history_field():
    """PostgreSQL refuses a longer one (SQLite would not say)."""
    field = Page.history.model._meta.get_field("history_change_reason")
    assert len(module.REASON) <= field.max_length


def test_every_language_of_each_corrected_page_is_corrected():
    slugs = {slug for slug, _language in module.CORRECTIONS}
    for slug in slugs:
        assert {lang for s, lang in module.CORRECTIONS if s == slug} == {"en", "hi", "mr"}


def test_the_load_guide_pages_already_have_the_corrected_text(starting_pages):
    assert "NexCAR19" in starting_pages["car-t-cell-therapy"].body
    assert (
        "fewer side effects in the whole body"
        not in starting_pages["benefits-of-immunotherapy"].body.lower()
    )
    assert "two to three hours" in starting_pages["immunotherapy-at-home"].body
    assert "adrenaline" in starting_pages["immunotherapy-at-home"].body
    checkpoint = starting_pages["immune-checkpoint-inhibitors"].body
    assert "/guide/warning-signs-after-immunotherapy/" in checkpoint


@time_machine.travel("2026-12-02 10:00 +05:30", tick=False)
def test_the_migration_corrects_every_page_still_as_seeded_and_records_why(old_pages):
    versions = {key: row.history.count() for key, row in old_pages.items()}

    _run_migration()

    for key, row in old_pages.items():
        row.refresh_from_db()
        for _old, new in module.CORRECTIONS[key]:
            assert new in row.body, key
        assert row.history.count() == versions[key] + 1
        latest = row.history.order_by("-history_id").first()
        assert latest.history_change_reason == module.REASON
        assert latest.body == row.body
        assert row.updated_at.isoformat() == "2026-12-02T04:30:00+00:00"
        assert row.reviewer == module.REVIEW_PENDING[key[1]]
        assert row.next_review_due == module.REVIEW_DUE


def test_the_migration_leaves_a_page_staff_have_edited(old_pages):
    row = old_pages[("car-t-cell-therapy", "mr")]
    edited = row.body + "\nसमन्वयकाने जोडलेली एक ओळ.\n"
    PageTranslation.objects.filter(pk=row.pk).update(body=edited)
    history = row.history.count()

    _run_migration()

    row.refresh_from_db()
    assert row.body == edited
    assert row.history.count() == history


def test_running_it_again_changes_nothing(old_pages):
    _run_migration()
    after = {key: type(row).objects.get(pk=row.pk).body for key, row in old_pages.items()}
    _run_migration()
    again = {key: type(row).objects.get(pk=row.pk).body for key, row in old_pages.items()}
    assert again == after
