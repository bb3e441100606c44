"""A visit's notes for the nurse (booking.handover): each change an event, erased with the rest."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from booking import privacy
from booking.handover import visit_request_set_handover_notes
from booking.privacy import ERASED
from tests.factories import CoordinatorFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db


def test_a_change_of_the_notes_is_an_event_with_the_old_and_new_text():
    coordinator = CoordinatorFactory()
    visit = VisitRequestFactory(handover_notes="Ring twice.")
    visit_request_set_handover_notes(
        visit_request=visit, notes="  Premedication first.  ", actor=coordinator
    )
    visit.refresh_from_db()
    assert visit.handover_notes == "Premedication first."
    event = visit.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("new", "new", coordinator)
    assert event.changes == {"handover_notes": ["Ring twice.", "Premedication first."]}


def test_the_same_notes_again_change_nothing():
    visit = VisitRequestFactory(handover_notes="Ring twice.")
    visit_request_set_handover_notes(
        visit_request=visit, notes="Ring twice.", actor=CoordinatorFactory()
    )
    assert not visit.events.exists()


def test_notes_longer_than_the_field_are_refused_and_nothing_changes():
    visit = VisitRequestFactory(handover_notes="Ring twice.")
    with pytest.raises(ValidationError) as refused:
        visit_request_set_handover_notes(
            visit_request=visit, notes="x" * 2001, actor=CoordinatorFactory()
        )
    assert "handover_notes" in refused.value.message_dict
    visit.refresh_from_db()
    assert visit.handover_notes == "Ring twice."
    assert not visit.events.exists()


def test_erasure_erases_the_notes_and_the_old_and_new_values_in_the_timeline():
    coordinator = CoordinatorFactory()
    visit = VisitRequestFactory(handover_notes="Daughter Fictional Kumari has the key.")
    visit_request_set_handover_notes(
        visit_request=visit, notes="Son Fictional Kumar has the key.", actor=coordinator
    )
    privacy.visit_request_withdraw_consent(visit_request=visit, actor=coordinator)
    visit.refresh_from_db()
    assert visit.handover_notes == ""
    change = visit.events.order_by("pk").first()
    assert change.changes == {}
    assert change.note == ERASED
    assert "Fictional" not in str(list(visit.events.values("note", "changes")))
