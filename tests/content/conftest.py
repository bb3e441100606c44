import pytest

from content.models import Page
from content.seeding import SeedText, read_seed

# The guide content/seed holds (and load_guide installs), in reading order.
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
    "warning-signs-after-immunotherapy",
    "immunotherapy-at-home",
    "costs-and-insurance",
]
# Pages written or corrected after the first clinical review with facts from beyond the
# seed document: published, and due for review within weeks (README, "The guide").
AWAITING_REVIEW = {
    "warning-signs-after-immunotherapy",
    "costs-and-insurance",
    "immune-checkpoint-inhibitors",
    "monoclonal-antibodies",
    "benefits-of-immunotherapy",
    "car-t-cell-therapy",
    "immunotherapy-at-home",
}
TYPE_SLUGS = STARTING_SLUGS[3:9]


@pytest.fixture
def starting_pages(db) -> dict[str, Page]:
    """The pages load_guide installed from content/seed (tests/conftest.py), by slug."""
    return {page.slug: page for page in Page.objects.filter(slug__in=STARTING_SLUGS)}


@pytest.fixture(scope="session")
def seed_pages() -> dict[str, SeedText]:
    """The English seed files themselves, by slug: what a writer edits."""
    return {text.slug: text for text in read_seed() if text.is_page}
