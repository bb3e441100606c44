"""content 0008 corrects two starting pages where a database still holds their seeded text."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from content.models import Page, PageTranslation

MIGRATION = ("content", "0008_seeded_text_corrections")
module = importlib.import_module("content.migrations.0008_seeded_text_corrections")
later = importlib.import_module("content.migrations.0009_serious_signs_and_visit_length")


def _run_migration() -> None:
    state_apps = MigrationLoader(connection).project_state(MIGRATION).apps
    module.correct(state_apps, SimpleNamespace(connection=connection))


def _seeded_as_before(row: Page | PageTranslation, slug: str, language: str) -> None:
    """Put back the text the old seed file had (update(), so no history of its own)."""
    body = row.body
    # The seed files carry 0009's corrections too: undo those first.
    for later_old, later_new in reversed(later.CORRECTIONS.get((slug, language), [])):
        body = body.replace(later_new, later_old, 1)
    _sha, old, new = module.CORRECTIONS[(slug, language)]
    body = old + body if new == "" else body.replace(new, old, 1)
    type(row).objects.filter(pk=row.pk).update(body=body)
    row.refresh_from_db()
    assert module._sha256(row.body) == module.CORRECTIONS[(slug, language)][0]


@pytest.fixture
def old_pages(starting_pages) -> dict[tuple[str, str], Page | PageTranslation]:
    rows: dict[tuple[str, str], Page | PageTranslation] = {}
    for slug, language in module.CORRECTIONS:
        page = starting_pages[slug]
        row = page if language == "en" else page.translations.get(language=language)
        _seeded_as_before(row, slug, language)
        rows[(slug, language)] = row
    return rows


def test_the_load_guide_pages_already_have_the_corrected_text(starting_pages):
    body = starting_pages["what-is-immunotherapy"].body
    assert not body.startswith("Immunotherapy is a kind of cancer treatment.")
    assert body.startswith("## Your body's defence force")
    assert "parts of Thane and Navi Mumbai" in starting_pages["immunotherapy-at-home"].body


@time_machine.travel("2026-12-02 10:00 +05:30", tick=False)
def test_the_migration_corrects_every_page_still_as_seeded_and_records_why(old_pages):
    versions = {key: row.history.count() for key, row in old_pages.items()}

    _run_migration()

    for (slug, language), row in old_pages.items():
        row.refresh_from_db()
        _sha, old, new = module.CORRECTIONS[(slug, language)]
        assert old not in row.body
        if new:
            assert new in row.body
        assert row.history.count() == versions[(slug, language)] + 1
        latest = row.history.order_by("-history_id").first()
        assert latest.history_change_reason == module.REASON
        assert latest.body == row.body
        assert row.updated_at.isoformat() == "2026-12-02T04:30:00+00:00"
    what_is = old_pages[("what-is-immunotherapy", "en")]
    assert what_is.body.startswith("## Your body's defence force")


def test_the_migration_leaves_a_page_staff_have_edited(old_pages):
    row = old_pages[("immunotherapy-at-home", "hi")]
    edited = row.body + "\nकोऑर्डिनेटर की जोड़ी हुई एक पंक्ति।\n"
    PageTranslation.objects.filter(pk=row.pk).update(body=edited)
    history = row.history.count()

    _run_migration()

    row.refresh_from_db()
    assert row.body == edited
    assert row.history.count() == history


def test_running_it_again_changes_nothing(old_pages):
    _run_migration()
    after = {key: (row.__class__.objects.get(pk=row.pk).body) for key, row in old_pages.items()}
    _run_migration()
    again = {key: (row.__class__.objects.get(pk=row.pk).body) for key, row in old_pages.items()}
    assert again == after
