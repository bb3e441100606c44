"""The portal in Hindi (and Marathi) in a real browser: a family books by the Hindi labels,
every page reads in Devanagari, and axe-core finds nothing to fix."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from booking.links import status_token
from booking.models import VisitRequest
from tests.browser.booking_form import visit_date
from tests.factories import PageFactory, VisitRequestFactory
from tests.i18n.conftest import compiled_translations  # noqa: F401 - the .mo files, compiled

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# The form's own Hindi labels, and fictional answers typed in Devanagari.
HINDI_ANSWERS = {
    "मरीज़ का पूरा नाम": "सुनीता रमेश काल्पनिक",
    "मरीज़ के जन्म का साल": "1952",
    "मरीज़ का मोबाइल नंबर": "98200 12345",
    "फ़्लैट या घर का नंबर, और बिल्डिंग": "फ़्लैट 12, काल्पनिक हाइट्स",
    "गली या सड़क": "उदाहरण मार्ग",
    "इलाका": "अंधेरी पश्चिम",
    "पिन कोड": "400053",
    "कैंसर का प्रकार": "फेफड़ों का कैंसर",
    "इलाज करने वाले ऑन्कोलॉजिस्ट (कैंसर के डॉक्टर)": "डॉ. कल्पना शर्मा",
    "अस्पताल": "काल्पनिक सामान्य अस्पताल",
}
HINDI_YES_NO = {
    "क्या पहली ख़ुराक अस्पताल में दी जा चुकी है?": "हाँ",
    "क्या मरीज़ को कभी ड्रिप (इन्फ़्यूज़न) से कोई रिएक्शन हुआ है?": "नहीं",
    "क्या आपके पास डॉक्टर का लिखा पर्चा (प्रिस्क्रिप्शन) है?": "हाँ",
}
SEND = "अनुरोध भेजें"


def _field(page: Any, label: str) -> Any:
    return page.locator("form.booking-form").get_by_label(label, exact=False).first


def _fill_in_hindi(page: Any) -> None:
    page.get_by_label("मैं ख़ुद मरीज़ हूँ").check()
    for label, value in HINDI_ANSWERS.items():
        _field(page, label).fill(value)
    page.get_by_label("डॉक्टर ने कौन-सी इम्यूनोथेरेपी दवा लिखी है").select_option("pembrolizumab")
    for question, answer in HINDI_YES_NO.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    _field(page, "पसंद की तारीख़").select_option(visit_date().isoformat())
    page.get_by_label("सुबह (8 से 12 बजे तक)").check()
    page.get_by_label("मैं सहमत हूँ कि UHAPO").check()


def _send(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=SEND).click()


def _assert_in_hindi(page: Any) -> None:
    assert page.evaluate("document.documentElement.lang") == "hi"
    expect(page.locator("footer")).to_contain_text("यह इमरजेंसी सेवा नहीं है।")


def test_the_hindi_pages_have_no_axe_violations(page, check_axe, guide_pages):
    for path in (
        "/hi/",
        "/hi/guide/",
        "/hi/guide/immunotherapy-at-home/",
        "/hi/guide/car-t-cell-therapy/",
        "/hi/privacy/",
        "/hi/this-page-does-not-exist/",
    ):
        page.goto(path)
        _assert_in_hindi(page)
        check_axe(page, path)


def test_a_family_books_in_hindi_by_the_hindi_labels(page, check_axe):
    page.goto("/hi/book/")
    _assert_in_hindi(page)
    check_axe(page, "the empty Hindi booking form")

    _send(page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text("मरीज़ का पूरा नाम लिखें।")
    _assert_in_hindi(page)
    check_axe(page, "the Hindi booking form with every error")

    _fill_in_hindi(page)
    _send(page)
    expect(page.get_by_role("heading", name="आपका अनुरोध हमें मिल गया है")).to_be_visible()
    assert page.url.endswith("/hi/book/received/")
    _assert_in_hindi(page)
    check_axe(page, "the Hindi confirmation")

    visit_request = VisitRequest.objects.get()
    assert visit_request.language == "hi"
    assert visit_request.patient_name == "सुनीता रमेश काल्पनिक"
    assert visit_request.address_line == "फ़्लैट 12, काल्पनिक हाइट्स"


def test_the_hindi_status_and_cancel_pages(page, check_axe):
    visit_request = VisitRequestFactory(language="hi")
    page.goto(f"/hi/request/{status_token(visit_request)}/")
    _assert_in_hindi(page)
    expect(page.locator("main")).to_contain_text("सुबह (8 से 12 बजे तक)")
    check_axe(page, "the Hindi status page")

    page.get_by_role("link", name="यह अनुरोध रद्द करें").click()
    _assert_in_hindi(page)
    check_axe(page, "the Hindi cancel page")

    page.get_by_role("button", name="अनुरोध रद्द करें").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_axe(page, "the Hindi cancel page with an error")


def test_an_untranslated_page_in_hindi_marks_its_english_text(page, check_axe, guide_pages):
    PageFactory(title="Only in English", slug="only-in-english")
    page.goto("/hi/guide/only-in-english/")
    expect(page.locator("#translation-missing")).to_contain_text("यह पृष्ठ अभी हिन्दी में उपलब्ध नहीं है")
    assert page.locator("h1").get_attribute("lang") == "en"
    check_axe(page, "an English page shown in Hindi")


def test_the_switcher_moves_between_languages_on_the_same_page(page, guide_pages):
    page.goto("/hi/guide/cancer-vaccines/")
    expect(page.locator("h1")).to_have_text("कैंसर के टीके")
    switcher = page.get_by_role("navigation", name="भाषा चुनें")
    expect(switcher.get_by_role("link", name="हिन्दी")).to_have_attribute("aria-current", "true")
    switcher.get_by_role("link", name="मराठी").click()
    expect(page.locator("h1")).to_have_text("कॅन्सरच्या लसी")
    assert page.url.endswith("/mr/guide/cancer-vaccines/")
    page.get_by_role("navigation", name="भाषा निवडा").get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Cancer vaccines")
    assert page.url.endswith("/guide/cancer-vaccines/")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_the_marathi_pages_have_no_axe_violations(page, check_axe, guide_pages):
    for path in ("/mr/", "/mr/guide/how-immunotherapy-works/", "/mr/book/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.lang") == "mr"
        check_axe(page, path)
    with page.expect_navigation():
        page.get_by_role("button", name="विनंती पाठवा").click()
    check_axe(page, "the Marathi booking form with every error")
