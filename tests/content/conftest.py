import pytest

from content.models import Page

# The guide the data migration installs, in reading order.
STARTING_SLUGS = [
    "what-is-immunotherapy",
    "how-immunotherapy-works",
    "types-of-immunotherapy",
    "monoclonal-antibodies",
    "immune-checkpoint-inhibitors",
    "non-specific-immunotherapy",
    "oncolytic-virus-therapy",
    "car-t-cell-therapy",
    "cancer-vaccines",
    "when-immunotherapy-is-given",
    "benefits-of-immunotherapy",
    "immunotherapy-at-home",
]
TYPE_SLUGS = STARTING_SLUGS[3:9]


@pytest.fixture
def starting_pages(db) -> dict[str, Page]:
    """The pages the migration installed, by slug."""
    return {page.slug: page for page in Page.objects.filter(slug__in=STARTING_SLUGS)}
