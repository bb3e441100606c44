import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


def test_a_sub_page_cannot_have_sub_pages():
    """The guide has one level of nesting: the types of immunotherapy."""
    main = PageFactory()
    sub = PageFactory(parent=main)
    page = PageFactory.build(parent=sub)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "parent" in error.value.message_dict


def test_a_page_with_sub_pages_stays_a_main_page():
    main, other = PageFactory(), PageFactory()
    PageFactory(parent=main)
    main.parent = other
    with pytest.raises(ValidationError) as error:
        main.full_clean()
    assert "parent" in error.value.message_dict


def test_a_page_cannot_be_its_own_parent():
    page = PageFactory()
    page.parent = page
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "parent" in error.value.message_dict


def test_the_next_review_is_due_after_the_last_one():
    page = PageFactory.build(
        last_reviewed=datetime.date(2026, 11, 1), next_review_due=datetime.date(2026, 11, 1)
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "next_review_due" in error.value.message_dict


def test_review_is_overdue_the_day_after_it_was_due():
    page = PageFactory.build(next_review_due=datetime.date(2027, 5, 1))
    assert not page.review_overdue(datetime.date(2027, 5, 1))
    assert page.review_overdue(datetime.date(2027, 5, 2))
