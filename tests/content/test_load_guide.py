"""`manage.py load_guide`: the starting pages come from content/seed, and only what is missing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from content import seeding
from content.models import Page, PageTranslation
from content.seeding import SeedError, SeedText, parse_seed_file, read_seed
from tests.content.conftest import STARTING_SLUGS
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "hi", "mr"]


def _load(verbosity: int = 1) -> str:
    out = io.StringIO()
    call_command("load_guide", verbosity=verbosity, stdout=out)
    return out.getvalue()


def _empty_the_guide() -> None:
    """A database fresh from migrate: no pages, and no history of any."""
    PageTranslation.objects.all().delete()
    Page.objects.filter(parent__isnull=False).delete()
    Page.objects.all().delete()
    Page.history.all().delete()
    PageTranslation.history.all().delete()


def _snapshot() -> list[tuple]:
    return [
        *Page.objects.order_by("pk").values_list("pk", "slug", "title", "body", "updated_at"),
        *PageTranslation.objects.order_by("pk").values_list("pk", "language", "body", "updated_at"),
        (Page.history.count(), PageTranslation.history.count()),
    ]


def test_on_a_fresh_database_it_creates_every_page_in_every_language():
    _empty_the_guide()
    output = _load()

    pages = {page.slug: page for page in Page.objects.all()}
    assert sorted(pages) == sorted(STARTING_SLUGS)
    translations = set(PageTranslation.objects.values_list("page__slug", "language"))
    assert translations == {(slug, lang) for slug in STARTING_SLUGS for lang in LANGUAGES[1:]}
    for slug in STARTING_SLUGS:
        for language in LANGUAGES:
            assert f"created {slug} ({language})" in output
    assert f"{len(STARTING_SLUGS) * 3} created, 0 already there, 0 left out" in output


def test_the_pages_hold_the_files_text_and_place_in_the_guide():
    _empty_the_guide()
    _load(verbosity=0)
    for text in read_seed():
        if text.is_page:
            row = Page.objects.get(slug=text.slug)
            assert (row.parent.slug if row.parent else None) == text.parent
            fields = {name: value for name, value in text.fields.items() if name != "parent"}
        else:
            row = PageTranslation.objects.get(page__slug=text.slug, language=text.language)
            fields = text.fields
        assert row.body == text.body
        assert {name: getattr(row, name) for name in fields} == fields


def test_each_page_and_translation_starts_its_history_through_the_normal_save():
    _empty_the_guide()
    _load(verbosity=0)
    for model in (Page, PageTranslation):
        for row in model.objects.all():
            (created,) = row.history.all()
            assert created.history_type == "+"
            assert created.history_change_reason.startswith("Loaded from content/seed/")


def test_a_second_run_changes_nothing():
    before = _snapshot()
    output = _load()
    assert _snapshot() == before
    assert "created " not in output
    assert f"0 created, {len(STARTING_SLUGS) * 3} already there, 0 left out" in output


def test_a_staff_edit_survives_a_second_run(starting_pages):
    page = starting_pages["cancer-vaccines"]
    page.body += "\n\nAdded by the clinical team."
    page.save()
    translation = page.translations.get(language="hi")
    translation.title = "कैंसर के टीके (वैक्सीन)"
    translation.save()

    _load(verbosity=0)

    page.refresh_from_db()
    translation.refresh_from_db()
    assert page.body.endswith("Added by the clinical team.")
    assert translation.title == "कैंसर के टीके (वैक्सीन)"


def test_a_page_or_translation_staff_deleted_or_renamed_is_not_created_again(starting_pages):
    starting_pages["cancer-vaccines"].translations.get(language="mr").delete()
    starting_pages["oncolytic-virus-therapy"].delete()
    renamed = starting_pages["car-t-cell-therapy"]
    renamed.slug = "car-t"
    renamed.save()

    output = _load(verbosity=2)

    assert not PageTranslation.objects.filter(page__slug="cancer-vaccines", language="mr").exists()
    assert not Page.objects.filter(slug__in=["oncolytic-virus-therapy", "car-t-cell-therapy"])
    assert "not created again: oncolytic-virus-therapy (hi)" in output
    assert "not created again: car-t-cell-therapy (en)" in output
    assert "0 created" in output


def test_a_seed_translation_added_later_reaches_a_page_that_is_already_there():
    page = PageFactory(slug="eating-well")
    text = SeedText(
        path=Path("eating-well.mr.md"),
        slug="eating-well",
        language="mr",
        body="थोडे थोडे आणि वारंवार खा.\n",
        fields={
            "title": "चांगला आहार",
            "summary": "उपचाराच्या काळात काय खावे.",
            "reviewer": "आहारतज्ज्ञ टीम",
            "last_reviewed": page.last_reviewed,
            "next_review_due": page.next_review_due,
        },
    )
    report = seeding.load_guide([text])
    assert report.created == [("eating-well", "mr")]
    assert page.translations.get(language="mr").title == "चांगला आहार"


def test_a_file_that_breaks_a_rule_loads_nothing():
    """All or nothing: a title staff already use elsewhere stops the whole load."""
    _empty_the_guide()
    PageFactory(title="Cancer vaccines", slug="vaccines-we-wrote")
    with pytest.raises(CommandError, match="cancer-vaccines.en.md"):
        _load(verbosity=0)
    assert list(Page.objects.values_list("slug", flat=True)) == ["vaccines-we-wrote"]
    assert not PageTranslation.objects.exists()


# --- the front matter: strict, so a typo is an error rather than a guess ---

GOOD_PAGE = """\
---
title: Eating well
summary: What to eat during treatment.
order: 700
is_published: true
show_request_button: false
reviewer: Dietitians
last_reviewed: 2026-11-01
next_review_due: 2027-05-01
---

Eat a little, often.
"""


def _write(tmp_path: Path, text: str, name: str = "eating-well.en.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_seed_file_gives_the_models_fields(tmp_path):
    text = parse_seed_file(_write(tmp_path, GOOD_PAGE))
    assert (text.slug, text.language, text.is_page, text.parent) == (
        "eating-well",
        "en",
        True,
        None,
    )
    assert text.fields["order"] == 700
    assert text.fields["show_request_button"] is False
    assert text.fields["last_reviewed"].isoformat() == "2026-11-01"
    assert text.body == "Eat a little, often.\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("show_request_button: false", "show_request_button: no"), "neither true nor false"),
        (("order: 700", "order: seven hundred"), "not a whole number"),
        (("title: Eating well", "tittle: Eating well"), "expected one of"),
        (("reviewer: Dietitians\n", ""), "missing reviewer"),
        (("order: 700", "order: 700\norder: 800"), "order is given twice"),
        (("last_reviewed: 2026-11-01", "last_reviewed: 1 November 2026"), "last_reviewed"),
        (("Eat a little, often.\n", ""), "the body is empty"),
        (("---\ntitle", "title"), "between two '---' lines"),
    ],
)
def test_a_seed_file_that_does_not_follow_the_rules_is_refused(tmp_path, change, message):
    with pytest.raises(SeedError, match=message):
        parse_seed_file(_write(tmp_path, GOOD_PAGE.replace(*change)))


def test_a_translation_cannot_move_its_page(tmp_path):
    with pytest.raises(SeedError, match="expected one of"):
        parse_seed_file(_write(tmp_path, GOOD_PAGE, name="eating-well.hi.md"))


def test_seed_files_must_be_named_slug_language_md(tmp_path):
    with pytest.raises(SeedError, match="<slug>.<language>.md"):
        parse_seed_file(_write(tmp_path, GOOD_PAGE, name="Eating well.md"))
    with pytest.raises(SeedError, match="not one of the site's languages"):
        parse_seed_file(_write(tmp_path, GOOD_PAGE, name="eating-well.ta.md"))


def test_a_sub_page_whose_parent_has_no_file_is_refused(tmp_path):
    _write(tmp_path, GOOD_PAGE.replace("order: 700", "parent: nowhere\norder: 700"))
    with pytest.raises(SeedError, match="parent nowhere has no file"):
        read_seed(tmp_path)


def test_a_translation_without_its_english_page_is_refused(tmp_path):
    translation = "---\ntitle: t\nsummary: s\nreviewer: r\n"
    translation += "last_reviewed: 2026-11-01\nnext_review_due: 2027-05-01\n---\nपाठ\n"
    _write(tmp_path, translation, name="eating-well.hi.md")
    with pytest.raises(SeedError, match="which has no English file"):
        read_seed(tmp_path)
