"""The guide's reading order, worked out from the published pages alone (no database)."""

from content.guide import Guide
from content.models import Page


def _page(pk: int, parent: int | None = None) -> Page:
    return Page(pk=pk, title=f"Page {pk}", slug=f"page-{pk}", parent_id=parent)


def test_sub_pages_follow_their_parent_in_reading_order():
    # As the database returns them: sorted by `order`, sub-pages mixed in.
    pages = [_page(1), _page(5, parent=2), _page(2), _page(3), _page(4, parent=2)]
    guide = Guide(pages)
    assert [p.pk for p in guide.reading_order] == [1, 2, 5, 4, 3]
    assert [s.page.pk for s in guide.sections] == [1, 2, 3]
    assert [p.pk for p in guide.children(pages[2])] == [5, 4]


def test_previous_next_and_parent():
    one, two, child, three = _page(1), _page(2), _page(3, parent=2), _page(4)
    guide = Guide([one, two, child, three])
    assert guide.previous(one) is None
    assert guide.next(one) is two
    assert guide.next(two) is child
    assert guide.previous(three) is child
    assert guide.next(three) is None
    assert guide.parent(child) is two
    assert guide.parent(two) is None


def test_a_page_whose_parent_is_hidden_becomes_a_main_page():
    orphan = _page(2, parent=99)
    guide = Guide([_page(1), orphan])
    assert [s.page.pk for s in guide.sections] == [1, 2]
    assert guide.parent(orphan) is None


def test_nesting_deeper_than_one_level_cannot_hide_a_page():
    """Validation forbids it; if it slips through, the page is still in the guide."""
    pages = [
        _page(1),
        _page(2, parent=1),
        _page(3, parent=2),
        _page(4, parent=5),
        _page(5, parent=4),
    ]
    guide = Guide(pages)
    assert sorted(p.pk for p in guide.reading_order) == [1, 2, 3, 4, 5]


def test_a_page_outside_the_guide_has_no_neighbours():
    guide = Guide([_page(1), _page(2)])
    stranger = _page(9)
    assert guide.previous(stranger) is None
    assert guide.next(stranger) is None
