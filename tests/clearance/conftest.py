"""Fixtures for the checklist and documents: a fixed clock, private storage in a temporary folder."""

from __future__ import annotations

import pytest
import time_machine

from tests.auth import sign_in
from tests.booking.admin.helpers import NOW
from tests.factories import CoordinatorFactory, NurseFactory, UserFactory


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """The documents' storage, under this test's own folder (nothing public about it)."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    return location


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def nurse():
    return NurseFactory(first_name="Asha", last_name="Fictional")


@pytest.fixture
def senior():
    """A clinical lead: a coordinator who may also override the checklist."""
    return CoordinatorFactory(
        username="lead", first_name="Leela", groups=["Coordinators", "Clinical leads"]
    )


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator)


@pytest.fixture
def plain_staff():
    return UserFactory(username="plain")
