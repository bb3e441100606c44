"""One day's visits: nurse by nurse for coordinators planning routes; a nurse's own day in
time order, laid out for her phone."""

from __future__ import annotations

import datetime
import itertools

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.access_log import log_access
from booking.admin.forms import VisitsDayForm
from booking.admin.permissions import can_triage, nurse_label
from booking.admin.workflow_views import VisitRequestAdminMixin, admin_page, render_page
from booking.models import AccessAction, Status
from booking.triage import in_ist

# A visit stays on its day's list once it has taken place, whatever its outcome.
DAY_STATUSES = [Status.SCHEDULED, Status.COMPLETED, Status.NOT_GIVEN, Status.NO_SHOW]


class DayVisitsMixin(VisitRequestAdminMixin):
    """For the request admin: /admin/booking/visitrequest/visits/?date=YYYY-MM-DD."""

    def get_urls(self) -> list:
        return [
            path(
                "visits/",
                admin_page(self, self.visits_view),
                name="booking_visitrequest_visits",
            ),
            *super().get_urls(),
        ]

    def visits_view(self, request: HttpRequest) -> HttpResponse:
        """One day's visits, nurse by nurse in time order (a nurse: her own, by time)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        day_form = VisitsDayForm(request.GET or None)
        day = day_form.cleaned_data["date"] if day_form.is_valid() else None
        day = day or timezone.localdate()
        start = in_ist(day)
        visits = (
            self.get_queryset(request)
            .filter(
                status__in=DAY_STATUSES,
                scheduled_start__gte=start,
                scheduled_start__lt=start + datetime.timedelta(days=1),
            )
            .select_related("nurse", "course")
            .order_by("nurse__first_name", "nurse__last_name", "nurse_id", "scheduled_start", "pk")
        )
        by_nurse = []
        for nurse, rows in itertools.groupby(visits, key=lambda v: v.nurse):
            by_nurse.append({"nurse": nurse, "label": nurse_label(nurse), "visits": list(rows)})
        shown = [visit for group in by_nurse for visit in group["visits"]]
        log_access(request, AccessAction.LIST, shown)
        one_day = datetime.timedelta(days=1)
        return render_page(
            self,
            request,
            "visits.html",
            {
                "title": _("Visits on %(day)s") % {"day": day.strftime("%A %d %B %Y")},
                "day": day,
                "day_form": day_form if day_form.is_bound else VisitsDayForm(initial={"date": day}),
                "previous_day": day - one_day,
                "next_day": day + one_day,
                "by_nurse": by_nurse,
                "visit_count": len(shown),
                # A nurse's own day, in time order, as cards that fit a phone.
                "own_day": None
                if can_triage(request.user)
                else sorted(shown, key=lambda v: (v.scheduled_start, v.pk)),
            },
        )
