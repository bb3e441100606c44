"""The pages every new install starts with: what they cover, how easy they are to read,
and that they are written in our own words.

The text is checked in the seed files themselves (content/seed/*.en.md), where a
writer changes it; the place in the guide, in the pages load_guide made of them.
"""

import datetime
import re
from pathlib import Path

import markdown
import pytest

from content.models import Page
from tests.content.conftest import AWAITING_REVIEW, STARTING_SLUGS, TYPE_SLUGS
from tests.content.helpers import flesch_kincaid_grade, markdown_to_text, seed_words

pytestmark = pytest.mark.django_db

MAX_READING_GRADE = 8
RUN_LENGTH = 10
# The repository is checked out with the shared folder beside it (../shared).
SEED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seed"


def test_load_guide_installs_the_guide_in_reading_order(starting_pages):
    assert list(Page.objects.filter(slug__in=STARTING_SLUGS).values_list("slug", flat=True)) == (
        STARTING_SLUGS
    )
    assert all(page.is_published for page in starting_pages.values())


def test_each_type_of_immunotherapy_is_a_sub_page_of_the_types_page(starting_pages):
    types_page = starting_pages["types-of-immunotherapy"]
    assert sorted(types_page.children.values_list("slug", flat=True)) == sorted(TYPE_SLUGS)
    main_pages = [slug for slug in STARTING_SLUGS if slug not in TYPE_SLUGS]
    assert all(starting_pages[slug].parent is None for slug in main_pages)


def test_starting_pages_carry_review_dates_and_a_reviewer(starting_pages):
    for slug, page in starting_pages.items():
        if slug in AWAITING_REVIEW:
            continue
        assert page.last_reviewed == datetime.date(2026, 11, 1)
        assert page.next_review_due == datetime.date(2027, 5, 1)
        assert page.reviewer == "UHAPO clinical team"


def test_pages_with_facts_beyond_the_seed_say_in_their_review_fields_that_review_is_pending(
    starting_pages,
):
    for slug in AWAITING_REVIEW:
        page = starting_pages[slug]
        assert page.reviewer == "UHAPO clinical team (review pending)"
        assert page.next_review_due <= datetime.date(2027, 1, 31)
        for translation in page.translations.all():
            assert translation.next_review_due <= datetime.date(2027, 1, 31)


def test_warning_signs_name_each_organ_the_urgent_signs_and_what_to_tell_a_doctor(seed_pages):
    body = seed_pages["warning-signs-after-immunotherapy"].body
    for sign in [
        "Loose stools",
        "Blood",
        "short of breath",
        "new cough",
        "chest",
        "Yellow skin",
        "Dark urine",
        "headache",
        "blurred",
        "thirst",
        "rash",
        "38 °C",
        "Confusion",
        "months later",
    ]:
        assert sign in body, sign
    assert "**112**" in body
    assert "**108**" in body
    assert "Tell any doctor you see that you are having immunotherapy" in body


def test_starting_pages_have_a_created_entry_in_their_history(starting_pages):
    for page in starting_pages.values():
        assert page.history.filter(history_type="+").count() == 1


def test_how_it_works_has_the_eight_steps(seed_pages):
    html = markdown.markdown(seed_pages["how-immunotherapy-works"].body)
    steps = re.findall(r"<h2>(\d)\. ", html)
    assert steps == [str(n) for n in range(1, 9)]


@pytest.mark.parametrize(
    ("slug", "must_mention"),
    [
        ("monoclonal-antibodies", ["Rituximab", "Trastuzumab"]),
        ("immune-checkpoint-inhibitors", ["Pembrolizumab", "nivolumab", "Ipilimumab"]),
        ("immune-checkpoint-inhibitors", ["PD-1", "CTLA-4"]),
        ("non-specific-immunotherapy", ["Interferons", "IL-2", "BCG", "bladder"]),
        ("car-t-cell-therapy", ["Kymriah", "Yescarta"]),
        ("cancer-vaccines", ["Sipuleucel-T"]),
        (
            "when-immunotherapy-is-given",
            ["advanced", "metastatic", "first-line", "combination", "maintenance", "adjuvant"],
        ),
    ],
)
def test_pages_keep_the_named_examples_and_terms(seed_pages, slug, must_mention):
    body = seed_pages[slug].body
    for term in must_mention:
        assert term in body, f"{slug} should mention {term}"


def test_benefits_lists_seven_and_is_honest_about_limits(seed_pages):
    body = seed_pages["benefits-of-immunotherapy"].body
    assert re.findall(r"^## (\d)\. ", body, flags=re.MULTILINE) == [str(n) for n in range(1, 8)]
    assert "Not everyone responds" in body
    assert "Side effects can still happen" in body


def test_home_care_page_says_who_asks_who_decides_and_offers_the_button(starting_pages):
    page = starting_pages["immunotherapy-at-home"]
    body = page.body
    assert "nurse comes to your home and gives you the infusion" in body
    assert "A patient can ask" in body
    assert "A family member can also ask" in body
    assert "oncologist's diagnosis and prescription decide" in body
    assert "first dose in hospital" in body
    assert "no hospital stay" in body
    assert "travel" in body
    assert page.show_request_button
    others = [p for slug, p in starting_pages.items() if slug != "immunotherapy-at-home"]
    assert not any(p.show_request_button for p in others)


@pytest.mark.parametrize("slug", STARTING_SLUGS)
def test_starting_page_reads_at_grade_8_or_lower(seed_pages, slug):
    """Flesch-Kincaid grade of the text a reader sees must be 8 or lower."""
    grade = flesch_kincaid_grade(markdown_to_text(seed_pages[slug].body))
    assert grade <= MAX_READING_GRADE, f"{slug} reads at grade {grade:.1f}"


def test_the_grade_measure_tells_hard_text_from_easy_text():
    easy = "The cat sat on the mat. It was warm. The dog came in and lay down."
    hard = (
        "Immunomodulatory pharmacotherapeutic interventions necessitate comprehensive "
        "multidisciplinary evaluation, encompassing histopathological characterisation "
        "and individualised consideration of contraindications."
    )
    assert flesch_kincaid_grade(easy) < 3
    assert flesch_kincaid_grade(hard) > 14


def _seed_runs() -> set[str]:
    if not SEED_DIR.is_dir():
        pytest.skip(
            f"the seed folder {SEED_DIR} is not here (it sits beside the repository, "
            "not in it); the check for copied text needs it"
        )
    runs: set[str] = set()
    for path in sorted(SEED_DIR.glob("*.txt")):
        words = seed_words(path.read_text(encoding="utf-8"))
        runs.update(" ".join(words[i : i + RUN_LENGTH]) for i in range(len(words) - RUN_LENGTH + 1))
    if not runs:
        pytest.skip(f"no seed text found in {SEED_DIR}")
    return runs


def test_no_page_repeats_ten_words_in_a_row_from_the_seed(seed_pages):
    """Facts come from the seed document; the sentences must be our own."""
    seed_runs = _seed_runs()
    copied = {}
    for slug, page in seed_pages.items():
        words = seed_words(" ".join([page.title, page.summary, page.body]))
        runs = [" ".join(words[i : i + RUN_LENGTH]) for i in range(len(words) - RUN_LENGTH + 1)]
        if hits := [run for run in runs if run in seed_runs]:
            copied[slug] = hits
    assert not copied, f"pages repeat runs of {RUN_LENGTH} words from the seed: {copied}"
