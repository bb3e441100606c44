"""content 0007 respells ॲ in translations that databases already hold."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from content.models import PageTranslation
from tests.content.conftest import STARTING_SLUGS

MIGRATION = ("content", "0007_marathi_letter_ae")
respell = importlib.import_module("content.migrations.0007_marathi_letter_ae").respell
WRONG, RIGHT = "\u0905\u0945", "\u0972"


def _run_migration() -> None:
    state_apps = MigrationLoader(connection).project_state(MIGRATION).apps
    respell(state_apps, SimpleNamespace(connection=connection))


@pytest.fixture
def misspelt(starting_pages) -> PageTranslation:
    """The Marathi page on immunotherapy at home as the old seed file spelt it."""
    translation = starting_pages["immunotherapy-at-home"].translations.get(language="mr")
    # update(), as the old text was never a version of its own in the history.
    PageTranslation.objects.filter(pk=translation.pk).update(
        title=f"रि\u0905\u0945क्शन {translation.title}",
        summary=f"{translation.summary} रि\u0905\u0945क्शन",
        body=translation.body.replace(RIGHT, WRONG),
    )
    translation.refresh_from_db()
    assert WRONG in translation.body
    return translation


@time_machine.travel("2025-03-04 10:00 +05:30", tick=False)
def test_the_migration_respells_title_summary_and_body_and_keeps_the_rest(misspelt):
    before = {name: getattr(misspelt, name) for name in ("reviewer", "last_reviewed", "language")}

    _run_migration()

    misspelt.refresh_from_db()
    for name in ("title", "summary", "body"):
        text = getattr(misspelt, name)
        assert WRONG not in text
        assert "रिॲक्शन" in text
    assert {name: getattr(misspelt, name) for name in before} == before
    assert misspelt.updated_at.isoformat() == "2025-03-04T04:30:00+00:00"


@time_machine.travel("2025-03-04 10:00 +05:30", tick=False)
def test_the_migration_records_the_respelling_in_the_history(misspelt):
    versions_before = misspelt.history.count()

    _run_migration()

    misspelt.refresh_from_db()
    assert misspelt.history.count() == versions_before + 1
    # By id, not date: the seeded version was written at the real time the test database was made.
    latest = misspelt.history.order_by("-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "Spelling: ॲ as the one letter U+0972, not U+0905 U+0945"
    assert latest.history_user is None
    assert latest.body == misspelt.body
    assert latest.title == misspelt.title
    assert latest.updated_at == misspelt.updated_at
    assert latest.history_date.isoformat() == "2025-03-04T04:30:00+00:00"


def test_the_migration_leaves_well_spelt_translations_and_their_history_alone(starting_pages):
    before = {
        row.pk: (row.title, row.summary, row.body, row.updated_at, row.history.count())
        for row in PageTranslation.objects.all()
    }

    _run_migration()

    after = {
        row.pk: (row.title, row.summary, row.body, row.updated_at, row.history.count())
        for row in PageTranslation.objects.all()
    }
    assert after == before
    assert len(before) == 2 * len(STARTING_SLUGS)
