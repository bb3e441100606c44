"""A reference is drawn in one shape and found again however staff type it."""

from __future__ import annotations

import pytest

from booking.references import new_reference, reference_from_typed


@pytest.mark.parametrize(
    "typed",
    [
        "UH-7KQ2-M9PX",
        "uh-7kq2-m9px",
        "UH7KQ2M9PX",
        "uh 7kq2 m9px",
        " UH-7KQ2M9PX ",
        "7KQ2-M9PX",  # "UH" left off, as it often is on the phone
        "7kq2m9px",
    ],
)
def test_a_reference_typed_any_common_way_is_found(typed):
    assert reference_from_typed(typed) == "UH-7KQ2-M9PX"


@pytest.mark.parametrize(
    "typed", ["UH-7KQ2-M9P", "UH-7KQ2-M9PXY", "98200 12345", "98200123", "7KQ2-M9P", ""]
)
def test_anything_else_is_not_a_reference(typed):
    assert reference_from_typed(typed) is None


def test_a_drawn_reference_is_found_again_from_its_lowercase_without_dashes():
    for _ in range(50):
        reference = new_reference()
        assert reference_from_typed(reference.replace("-", "").lower()) == reference
