"""Groups, login protection, demo accounts; roles are permissions, not group names."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from booking.admin.filters import NurseFilter
from booking.models import Status
from outbox.models import MessageStatus
from tests.auth import current_code, sign_in, totp_device
from tests.booking.admin.helpers import (
    PASSWORD,
    admin_url,
    changelist_url,
    export,
    ist,
    listed,
    scheduled,
)
from tests.factories import (
    CoordinatorFactory,
    MessageFactory,
    SuperuserFactory,
    UserFactory,
    VisitRequestFactory,
)

pytestmark = pytest.mark.django_db


# --- groups, login protection, demo accounts --------------------------------------------------


def test_groups_come_from_a_migration():
    coordinators = set(
        Group.objects.get(name="Coordinators").permissions.values_list("codename", flat=True)
    )
    assert {
        "view_visitrequest",
        "change_visitrequest",
        "view_message",
        "view_requestevent",
        "add_servicearea",
        "change_servicearea",
        "view_servicearea",
        "view_page",
        "change_page",
        "change_regimen",
        "add_course",
        "change_course",
        "add_patient",
        "view_visitrecord",
    } <= coordinators
    assert not {c for c in coordinators if c.startswith("delete_")}
    assert "triage_visitrequest" in coordinators
    # A coordinator is not offered as the nurse of a visit.
    assert "complete_visit" not in coordinators
    nurses = set(Group.objects.get(name="Nurses").permissions.values_list("codename", flat=True))
    assert nurses == {"view_visitrequest", "complete_visit", "view_visitrecord", "open_document"}


def test_coordinator_manages_service_areas_and_guide_pages(coordinator_client):
    assert (
        coordinator_client.get(reverse("admin:booking_servicearea_changelist")).status_code == 200
    )
    assert coordinator_client.get(reverse("admin:booking_servicearea_add")).status_code == 200
    index = coordinator_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:content_page_changelist") in index


def _login(client, username: str, password: str):
    """The admin's login form: password and the code from the authenticator app."""
    from django.contrib.auth import get_user_model

    device = totp_device(get_user_model().objects.get(username=username))
    return client.post(
        reverse("admin:login"),
        {
            "username": username,
            "password": password,
            "otp_token": current_code(device),
            "next": "/admin/",
        },
    )


def test_sixth_attempt_is_refused_even_with_the_right_password(client, clock):
    user = CoordinatorFactory()
    for _attempt in range(5):
        response = _login(client, user.username, "not-the-password-at-all")
    assert response.status_code == 429
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "admin/locked_out.html" in [t.name for t in response.templates]
    assert "paused for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302

    clock.shift(datetime.timedelta(minutes=16))
    assert _login(client, user.username, PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_four_wrong_passwords_do_not_lock(client):
    user = CoordinatorFactory()
    for _attempt in range(4):
        assert _login(client, user.username, "not-the-password-at-all").status_code == 200
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("weak", ["short-pass", "password1234", "492037561839"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_demo_data_makes_fictional_staff_idempotently(client, settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password-2026")
    call_command("demo_data")
    call_command("demo_data")
    out = capsys.readouterr().out
    assert "demo-coordinator" in out
    assert "demo-nurse-asha" in out
    assert "a-long-demo-password-2026" in out
    coordinator = Group.objects.get(name="Coordinators").user_set.get()
    nurse = Group.objects.get(name="Nurses").user_set.get()
    assert coordinator.get_full_name() == "Demo Coordinator"
    assert nurse.get_full_name() == "Asha Demo"
    assert not coordinator.is_superuser
    assert coordinator.is_staff
    assert _login(client, "demo-nurse-asha", "a-long-demo-password-2026").status_code == 302


def test_demo_data_generates_a_password_and_refuses_production(settings, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_data")
    call_command("demo_data", force=True)
    password = (
        capsys.readouterr().out.split("Password for both (generated for this run): ")[1].split()[0]
    )
    validate_password(password)
    user = Group.objects.get(name="Coordinators").user_set.get()
    assert user.check_password(password)
    monkeypatch.setenv("DEMO_PASSWORD", "weak")
    with pytest.raises(CommandError):
        call_command("demo_data", force=True)


# --- roles are permissions, not group names ----------------------------------------------


def staff_with(*codenames: str):
    """A member of staff in no group, given these booking permissions directly."""
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
    )
    assert not user.groups.exists()
    return user


@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("contacted", Status.CONTACTED),
        ("schedule", Status.SCHEDULED),
        ("complete", Status.COMPLETED),
        ("cancel", Status.CANCELLED),
        ("decline", Status.DECLINED),
        ("erase", Status.CANCELLED),
        ("resend", Status.NEW),
    ],
)
def test_a_coordinator_can_take_every_workflow_step(
    coordinator_client, coordinator, nurse, step, status
):
    visit = (
        scheduled(nurse, ist(2026, 12, 1, 9, 0)) if step == "complete" else VisitRequestFactory()
    )
    args = [visit.pk]
    if step == "resend":
        args.append(MessageFactory(request=visit, status=MessageStatus.FAILED, attempts=5).pk)
    data = {"note": "", "reason": "Family asked to stop.", "confirm": "on"}
    if step == "schedule":
        data.update(date="2026-12-04", start_time="10:00", duration="120", nurse=nurse.pk)

    assert coordinator_client.get(admin_url(step, *args)).status_code == 200
    response = coordinator_client.post(admin_url(step, *args), data)
    assert response.status_code == 302
    assert response["Location"] == admin_url("change", visit.pk)
    visit.refresh_from_db()
    assert visit.status == status
    assert visit.events.filter(actor=coordinator).exists()


def test_a_user_given_only_the_triage_permission_triages(client, nurse):
    """No group at all: the admin asks for the permission, never for "Coordinators"."""
    sign_in(client, staff_with("triage_visitrequest"))
    new = VisitRequestFactory()
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    assert listed(client.get(changelist_url())) == {new.reference, booked.reference}

    response = client.post(admin_url("contacted", new.pk), {"note": "Spoke to the son."})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Status.CONTACTED
    page = client.get(admin_url("change", new.pk))
    html = page.content.decode()
    assert "Spoke to the son." in html  # the timeline: triage reads a request's rows
    assert admin_url("schedule", new.pk) in html
    assert len(export(client, [new, booked])) == 3


def test_a_user_given_only_the_nurses_permission_records_her_own_visit(client):
    nurse = staff_with("complete_visit")
    sign_in(client, nurse)
    mine = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    VisitRequestFactory()
    assert listed(client.get(changelist_url())) == {mine.reference}
    assert client.post(admin_url("contacted", mine.pk), {"note": ""}).status_code == 403
    assert client.post(admin_url("complete", mine.pk), {"note": ""}).status_code == 403
    response = client.post(
        admin_url("record", mine.pk),
        {"arrived_at": "09:00", "outcome": "no_show", "not_given_reason": "Nobody answered."},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.NO_SHOW
    assert mine.record.recorded_by == nurse


def test_whoever_has_the_nurses_permission_is_offered_as_the_nurse(coordinator_client, nurse):
    """Through the group or given directly; not a coordinator, not a superuser."""
    direct = staff_with("complete_visit")
    SuperuserFactory()
    page = coordinator_client.get(admin_url("schedule", VisitRequestFactory().pk))
    assert set(page.context["form"].fields["nurse"].queryset) == {nurse, direct}
    filters = coordinator_client.get(changelist_url()).context["cl"].filter_specs
    nurse_filter = next(f for f in filters if isinstance(f, NurseFilter))
    assert {value for value, _label in nurse_filter.lookup_choices} == {
        "none",
        str(nurse.pk),
        str(direct.pk),
    }
