"""Fixtures for the triage admin tests: a fixed clock, staff signed in."""

from __future__ import annotations

import pytest
import time_machine

from tests.auth import sign_in
from tests.booking.admin.helpers import NOW
from tests.factories import (
    CoordinatorFactory,
    NurseFactory,
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def nurse():
    return NurseFactory(first_name="Asha", last_name="Fictional")


@pytest.fixture
def other_nurse():
    return NurseFactory(first_name="Meera", last_name="Fictional")


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator)


@pytest.fixture
def nurse_client(client, nurse):
    return sign_in(client, nurse)
