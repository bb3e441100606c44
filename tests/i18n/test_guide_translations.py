"""The guide's starting pages in Hindi and Marathi: complete, faithful to the English, easy to read."""

from __future__ import annotations

import datetime
import re

import markdown
import pytest

from content.models import PageTranslation
from tests.content.conftest import AWAITING_REVIEW, STARTING_SLUGS

pytestmark = pytest.mark.django_db

DEVANAGARI_WORD = re.compile(r"[\u0900-\u097F]+")
# Medicines and products are named as on the prescription and the box.
LATIN_NAMES = {
    "monoclonal-antibodies": ["Rituximab", "Trastuzumab"],
    "immune-checkpoint-inhibitors": ["Pembrolizumab", "nivolumab", "Ipilimumab", "PD-1", "CTLA-4"],
    "non-specific-immunotherapy": ["IL-2", "BCG"],
    "car-t-cell-therapy": ["Kymriah", "Yescarta", "CAR-T"],
    "cancer-vaccines": ["Sipuleucel-T"],
}
# Hindi writes postpositions as words of their own, so its sentences count more words.
MAX_WORDS_PER_SENTENCE = {"hi": 26, "mr": 20}
MAX_AVERAGE_WORDS = {"hi": 14, "mr": 11}


def _translations() -> list[PageTranslation]:
    return list(PageTranslation.objects.select_related("page"))


def test_every_starting_page_is_translated_into_hindi_and_marathi(starting_pages):
    pairs = {(t.page.slug, t.language) for t in _translations()}
    assert pairs == {(slug, language) for slug in STARTING_SLUGS for language in ("hi", "mr")}


def test_each_translation_has_its_own_review_dates_and_reviewer(starting_pages):
    for translation in _translations():
        if translation.page.slug in AWAITING_REVIEW:
            assert translation.reviewer.endswith("बाक़ी)") or translation.reviewer.endswith("बाकी)")
            continue
        assert translation.last_reviewed == datetime.date(2026, 11, 20)
        assert translation.next_review_due == datetime.date(2027, 5, 20)
        assert translation.last_reviewed != translation.page.last_reviewed
        assert translation.reviewer.startswith("UHAPO")


def test_translations_are_in_devanagari_and_keep_the_latin_names(starting_pages):
    for translation in _translations():
        for text in (translation.title, translation.summary, translation.body):
            assert DEVANAGARI_WORD.search(text), (translation, text)
        for name in LATIN_NAMES.get(translation.page.slug, []):
            assert name in translation.body, (translation, name)


def test_translations_follow_the_structure_of_the_english_page(starting_pages):
    """Same sections, same numbered steps, same number of list items."""
    for translation in _translations():
        english = markdown.markdown(translation.page.body, extensions=["sane_lists"])
        translated = markdown.markdown(translation.body, extensions=["sane_lists"])
        for tag in ("<h2>", "<li>", "<ol>", "<ul>"):
            assert translated.count(tag) == english.count(tag), (translation, tag)
        numbered = re.compile(r"<h2>(\d)\. ")
        assert numbered.findall(translated) == numbered.findall(english), translation


def test_summaries_fit_the_field_and_titles_are_unique(starting_pages):
    translations = _translations()
    for translation in translations:
        assert len(translation.summary) <= 200
        translation.full_clean()
    for language in ("hi", "mr"):
        titles = [t.title for t in translations if t.language == language]
        assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("slug", STARTING_SLUGS)
def test_translations_are_written_in_short_sentences(starting_pages, slug):
    for translation in PageTranslation.objects.filter(page__slug=slug):
        text = re.sub(r"^#+ .*$", "", translation.body, flags=re.MULTILINE)
        sentences = [s for s in re.split(r"[।.?!:\n]+", text) if DEVANAGARI_WORD.search(s)]
        lengths = [len(s.split()) for s in sentences]
        language = translation.language
        assert max(lengths) <= MAX_WORDS_PER_SENTENCE[language], (slug, language, max(lengths))
        average = sum(lengths) / len(lengths)
        assert average <= MAX_AVERAGE_WORDS[language], (slug, language, average)
