"""Fixtures for the checklist and documents: a fixed clock, private storage in a temporary folder."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.utils import translation

from clearance.models import Document
from tests.auth import sign_in
from tests.booking.admin.helpers import NOW
from tests.factories import CoordinatorFactory, NurseFactory, UserFactory


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def english():
    """Services' messages are read in English here (a family's page leaves its language active)."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def private_storage(monkeypatch, tmp_path):
    """The documents' storage, under this test's own folder (nothing public about it).

    The file field took its storage from STORAGES["documents"] when the models
    loaded; it is pointed at this test's folder the same way.
    """
    location = tmp_path / "private"
    field = Document._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=location))
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
