"""The CSV export of selected requests, for the coordinators' own spreadsheets."""

from __future__ import annotations

import csv
import datetime
import logging
import re
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.access_log import log_access
from booking.admin.permissions import can_triage, nurse_label
from booking.admin.request_display import language_name
from booking.models import AccessAction, VisitRequest

logger = logging.getLogger(__name__)


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


CSV_COLUMNS: list[tuple[Any, Callable[[VisitRequest], object]]] = [
    (_("reference"), lambda r: r.reference),
    (_("received"), lambda r: _local(r.created_at)),
    (_("status"), lambda r: r.get_status_display()),
    (_("needs clinical review"), lambda r: _("yes") if r.needs_clinical_review else _("no")),
    (_("patient's full name"), lambda r: r.patient_name),
    (_("patient's mobile"), lambda r: r.patient_phone),
    (_("patient's email"), lambda r: r.patient_email),
    (_("helper's name"), lambda r: r.caregiver_name),
    (_("relationship"), lambda r: r.caregiver_relationship),
    (_("helper's mobile"), lambda r: r.caregiver_phone),
    (_("helper's email"), lambda r: r.caregiver_email),
    (_("flat or house, and building"), lambda r: r.address_line),
    (_("street"), lambda r: r.street),
    (_("area"), lambda r: r.area),
    (_("landmark"), lambda r: r.landmark),
    (_("PIN code"), lambda r: r.pin_code),
    (_("language"), lambda r: language_name(r.language)),
    (_("medicine prescribed"), lambda r: r.medicine_label),
    (_("treating oncologist"), lambda r: r.oncologist_name),
    (_("hospital"), lambda r: r.hospital_name),
    (_("preferred date"), lambda r: r.preferred_date.isoformat()),
    (_("preferred time of day"), lambda r: r.get_preferred_time_display()),
    (_("nurse"), lambda r: nurse_label(r.nurse)),
    (_("visit starts"), lambda r: _local(r.scheduled_start)),
    (_("visit ends"), lambda r: _local(r.scheduled_end)),
    (_("reason"), lambda r: r.closing_reason),
]
E164_RE = re.compile(r"^\+\d{8,15}$")


def csv_cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not E164_RE.match(text):
        return "'" + text
    return text


@admin.action(description=_("Export selected to CSV"), permissions=["export"])
def export_csv(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse:
    # Belt and braces: Django already refuses an action its permission check hides.
    if not can_triage(request.user):
        raise PermissionDenied
    rows = queryset.select_related("nurse", "service_area").order_by("-created_at")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"uhapo-requests-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    # Excel reads UTF-8 (Devanagari names) only with a byte-order mark.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(label) for label, _getter in CSV_COLUMNS])
    exported = list(rows)
    for obj in exported:
        writer.writerow([csv_cell(getter(obj)) for _label, getter in CSV_COLUMNS])
    log_access(request, AccessAction.EXPORT, exported)
    logger.info("user %s exported %s requests to CSV", request.user.pk, len(exported))
    return response
