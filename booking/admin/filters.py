"""The request list's filters: overdue, preferred and scheduled day, nurse, medicine, messages."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.permissions import nurse_label, nurses
from booking.cycles import due_to_book
from booking.models import ChangeRequestStatus, Medicine, VisitRequest
from booking.triage import in_ist, overdue_requests
from outbox.models import UNDELIVERED, Message


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Overdue (new for 2 working hours)")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        overdue = overdue_requests(timezone.now())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


class DayRangeFilter(admin.SimpleListFilter):
    """Today, tomorrow, this week (Monday to Sunday), next week, in IST."""

    field_name = ""
    field_is_datetime = False
    extra_lookups: tuple[tuple[str, Any], ...] = ()

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("This week")),
            ("next_week", _("Next week")),
            *self.extra_lookups,
        ]

    def day_range(self, value: str) -> tuple[datetime.date, datetime.date] | None:
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
        one_day, one_week = datetime.timedelta(days=1), datetime.timedelta(days=7)
        return {
            "today": (today, today + one_day),
            "tomorrow": (today + one_day, today + 2 * one_day),
            "week": (monday, monday + one_week),
            "next_week": (monday + one_week, monday + 2 * one_week),
        }.get(value)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        bounds = self.day_range(self.value() or "")
        if bounds is None:
            return queryset
        low, high = bounds
        if self.field_is_datetime:
            low, high = in_ist(low), in_ist(high)
        return queryset.filter(**{f"{self.field_name}__gte": low, f"{self.field_name}__lt": high})


class PreferredDateFilter(DayRangeFilter):
    title = _("preferred date")
    parameter_name = "preferred"
    field_name = "preferred_date"
    extra_lookups = (("past", _("Already passed")),)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "past":
            return queryset.filter(preferred_date__lt=timezone.localdate())
        return super().queryset(request, queryset)


class ScheduledDateFilter(DayRangeFilter):
    title = _("scheduled date")
    parameter_name = "scheduled"
    field_name = "scheduled_start"
    field_is_datetime = True
    extra_lookups = (("none", _("Not scheduled")),)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(scheduled_start__isnull=True)
        return super().queryset(request, queryset)


class NurseFilter(admin.SimpleListFilter):
    title = _("assigned nurse")
    parameter_name = "nurse"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("none", _("Not assigned")), *((str(n.pk), nurse_label(n)) for n in nurses())]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "none":
            return queryset.filter(nurse__isnull=True)
        if value and value.isdigit():
            return queryset.filter(nurse_id=int(value))
        return queryset


class MedicineFilter(admin.SimpleListFilter):
    title = _("medicine")
    parameter_name = "medicine"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return list(Medicine.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in Medicine.values:
            return queryset.filter(medicine=self.value())
        return queryset


class DueToBookFilter(admin.SimpleListFilter):
    """Visits of a course waiting to be booked: proposed to the family, or confirmed by them."""

    title = _("course visits to book")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("book", _("Due to book (proposed or confirmed)")),
            ("confirmed", _("Confirmed by the family, not booked")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "book":
            return queryset.filter(due_to_book())
        if self.value() == "confirmed":
            return queryset.filter(due_to_book(), family_confirmed_at__isnull=False)
        return queryset


class UndeliveredFilter(admin.SimpleListFilter):
    title = _("messages")
    parameter_name = "messages"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("undelivered", _("A message failed or was not delivered"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "undelivered":
            return queryset.filter(pk__in=undelivered_requests())
        return queryset


def undelivered_requests() -> QuerySet:
    """The ids of requests with a message that failed or was not delivered."""
    return Message.objects.filter(
        UNDELIVERED, subject_type=ContentType.objects.get_for_model(VisitRequest)
    ).values("subject_id")


class ChangeAskedFilter(admin.SimpleListFilter):
    title = _("asked to move")
    parameter_name = "move"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("open", _("Family asked to move, not answered"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "open":
            return queryset.filter(change_requests__status=ChangeRequestStatus.OPEN)
        return queryset
