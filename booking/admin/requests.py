"""The request list and the request page: what a coordinator or a nurse sees.

The page is read-only: every change is a workflow button (workflow_views.py)
or a bulk action (actions.py), each calling a service in booking/workflow.py
or booking/privacy.py. Who may do what is asked of permissions.py.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import ChangeList
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from booking import change_requests, cycles
from booking.admin.access_log import AccessLoggedMixin
from booking.admin.actions import BulkActionsMixin
from booking.admin.calls import CallAttemptInline, CallLogMixin
from booking.admin.course_views import CourseViewsMixin
from booking.admin.exports import export_csv
from booking.admin.filters import (
    ChangeAskedFilter,
    DueToBookFilter,
    MedicineFilter,
    NurseFilter,
    OverdueFilter,
    PreferredDateFilter,
    ScheduledDateFilter,
    UndeliveredFilter,
    undelivered_requests,
)
from booking.admin.messages import MessageInline
from booking.admin.permissions import (
    can_triage,
    completes_visits,
    staff_user,
    visible_requests,
)
from booking.admin.records import VisitRecordsMixin
from booking.admin.request_display import WAITING_STATUSES, RequestDisplayMixin
from booking.admin.rows import RequestEventInline
from booking.admin.visits import DayVisitsMixin
from booking.admin.workflow_views import WorkflowViewsMixin
from booking.models import CallAttempt, Status, VisitRequest
from booking.references import reference_from_typed
from clearance.admin_views import ReadinessViewsMixin
from uhapo.phone import InvalidPhone, parse_indian_mobile

if TYPE_CHECKING:
    from django_stubs_ext import FieldsetSpec, StrOrPromise

# New requests oldest first (the overdue ones at the top), then the contacted
# ones, oldest first, then the rest newest first. Expressions, not an
# annotation, so a click on a column header still sorts by that column.
WAITING_FIRST = Case(
    When(status=Status.NEW, then=Value(0)),
    When(status=Status.CONTACTED, then=Value(1)),
    default=Value(2),
)
LIST_ORDERING = (
    WAITING_FIRST.asc(),
    Case(When(status__in=WAITING_STATUSES, then=F("created_at"))).asc(nulls_last=True),
    F("created_at").desc(),
)


def _local_display(moment: datetime.datetime) -> str:
    return formats.localize(timezone.localtime(moment))


# What a coordinator needs for the call comes first; the consent record last,
# and only for coordinators (get_fieldsets).
REQUEST_FIELDSETS: FieldsetSpec = (
    (
        None,
        {
            "fields": (
                "reference",
                "status",
                "waited",
                "person_to_call",
                "language_name",
                "medicine_name",
                "clinical_review",
                "created_at",
            )
        },
    ),
    (_("What the family asked for"), {"fields": ("preferred_date", "preferred_time", "notes")}),
    (
        _("Visit"),
        {
            "fields": (
                "nurse_name",
                "scheduled_start",
                "scheduled_end",
                "closing_reason",
                "closed_at",
            )
        },
    ),
    (
        _("Patient"),
        {"fields": ("patient_name", "patient_birth_year", "patient_phone_link", "patient_email")},
    ),
    (
        _("Person helping (caregiver)"),
        {
            "fields": (
                "submitted_by",
                "caregiver_name",
                "caregiver_relationship",
                "caregiver_phone_link",
                "caregiver_email",
                "message_recipient",
            )
        },
    ),
    (
        _("Address"),
        {"fields": ("address_line", "street", "area", "landmark", "pin_code", "service_area")},
    ),
    (
        _("Treatment"),
        {
            "fields": (
                "cancer_type",
                "oncologist_name",
                "hospital_name",
                "first_dose_text",
                "reaction_text",
                "prescription_text",
            )
        },
    ),
    (
        _("Course of treatment"),
        {
            "fields": (
                "patient_link",
                "course_link",
                "cycle_number",
                "previous_visit_link",
                "next_step_text",
                "change_request_text",
            )
        },
    ),
)
CONSENT_FIELDSET: FieldsetSpec = (
    (
        _("Consent record"),
        {
            "classes": ("collapse",),
            "fields": (
                "consent_version",
                "consent_given_at",
                "consent_sha256",
                "consent_withdrawn_at",
                "anonymised_at",
            ),
        },
    ),
)

ALL_FIELDSETS: FieldsetSpec = (*REQUEST_FIELDSETS, *CONSENT_FIELDSET)


class RequestChangeList(ChangeList):
    """The list's date drill-down: a coordinator's by the day the family asked
    for, a nurse's by the day of her visits (the day she is going)."""

    def __init__(
        self,
        request: HttpRequest,
        model: Any,
        list_display: Any,
        list_display_links: Any,
        list_filter: Any,
        date_hierarchy: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if not can_triage(request.user):
            date_hierarchy = "scheduled_start"
        super().__init__(
            request,
            model,
            list_display,
            list_display_links,
            list_filter,
            date_hierarchy,
            *args,
            **kwargs,
        )


@admin.register(VisitRequest)
class VisitRequestAdmin(
    ReadinessViewsMixin,
    CallLogMixin,
    CourseViewsMixin,
    DayVisitsMixin,
    VisitRecordsMixin,
    WorkflowViewsMixin,
    BulkActionsMixin,
    RequestDisplayMixin,
    AccessLoggedMixin,
    admin.ModelAdmin,
):
    # Short headers and the columns that matter first: at 1366 px the
    # waiting time, the nurse and the visit fit beside the filters.
    list_display = (
        "reference",
        "patient_name",
        "status",
        "waited",
        "review_flag",
        "nurse_name",
        "visit_start",
        "preferred",
        "area_and_pin",
        "call_count",
        "messages_flag",
    )
    list_select_related = ("nurse", "service_area")
    list_display_links = ("reference",)
    list_filter = (
        "status",
        OverdueFilter,
        DueToBookFilter,
        ChangeAskedFilter,
        UndeliveredFilter,
        "needs_clinical_review",
        PreferredDateFilter,
        ScheduledDateFilter,
        ("service_area", admin.RelatedOnlyFieldListFilter),
        NurseFilter,
        MedicineFilter,
    )
    search_fields = (
        "reference",
        "patient_name",
        "caregiver_name",
        "patient_phone",
        "caregiver_phone",
        "pin_code",
        "area",
        "service_area__name",
    )
    search_help_text = _(
        "Reference, patient's or helper's name, PIN code or area, or a mobile number "
        "typed any way (98200 12345, +91 98200-12345, 098200 12345)."
    )
    date_hierarchy = "preferred_date"
    ordering = LIST_ORDERING
    list_per_page = 50
    fieldsets = ALL_FIELDSETS
    # The workflow owns every field: changes go through the buttons, never the form.
    readonly_fields = tuple(flatten_fieldsets(ALL_FIELDSETS))
    inlines = (CallAttemptInline, RequestEventInline, MessageInline)
    actions = (
        "mark_contacted",
        "schedule_visit",
        "mark_completed",
        "cancel_requests",
        "decline_requests",
        "resend_failed_messages",
        export_csv,
    )
    change_form_template = "admin/booking/visitrequest/change_form.html"
    change_list_template = "admin/booking/visitrequest/change_list.html"

    class Media:
        css = {"all": ("css/admin-triage.css",)}

    # -- permissions

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Requests come from the public form, which writes consent and messages too.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Erasure is its own workflow; deleting would also delete the event log.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A request's own page is read-only, so a raw save can never bypass the
        # services; the workflow's own permissions decide every change.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Either role is enough to open the list (get_queryset narrows a nurse's).
        user = request.user
        return (
            can_triage(user) or completes_visits(user) or super().has_view_permission(request, obj)
        )

    def has_triage_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)

    def has_complete_permission(self, request: HttpRequest) -> bool:
        # Closing visits in bulk records nothing: a nurse records each visit instead.
        return can_triage(request.user)

    # -- queryset, list, search

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The calls column: one subquery, not a query per row.
        calls = (
            CallAttempt.objects.filter(request=OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(count=Count("pk"))
            .values("count")
        )
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                call_count=Coalesce(Subquery(calls), Value(0)),
                undelivered=Exists(undelivered_requests().filter(subject_id=OuterRef("pk"))),
            )
        )
        return visible_requests(staff_user(request), queryset)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return RequestChangeList

    def get_list_filter(self, request: HttpRequest) -> tuple:
        if can_triage(request.user):
            return self.list_filter
        return tuple(f for f in self.list_filter if f is not NurseFilter)

    def get_actions(self, request: HttpRequest) -> dict:
        # Belt and braces: the permission checks already hide them all from a nurse,
        # who records each visit on its own page instead.
        if not can_triage(request.user):
            return {}
        return super().get_actions(request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # D’Souza typed on a phone (a curly apostrophe) or at a desk (a straight one).
        for other in {search_term.replace("’", "'"), search_term.replace("'", "’")} - {search_term}:
            more, more_duplicates = super().get_search_results(request, queryset, other)
            results, may_have_duplicates = results | more, may_have_duplicates or more_duplicates
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
        extra = Q()
        try:
            phone = parse_indian_mobile(term)
        except InvalidPhone:
            pass
        else:
            extra |= Q(patient_phone=phone) | Q(caregiver_phone=phone)
        reference = reference_from_typed(term)
        if reference:
            extra |= Q(reference=reference)
        if extra:
            results = results | queryset.filter(extra)
        return results, may_have_duplicates

    # -- the request page

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        # Nothing is ever edited here, so Django's history would always say
        # "no change history"; the request's history is its event timeline.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return HttpResponseRedirect(reverse("admin:booking_visitrequest_change", args=[obj.pk]))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> FieldsetSpec:
        # The consent record is the coordinators' (privacy questions, erasure);
        # a nurse needs the visit, not the hash of the notice.
        if can_triage(request.user):
            return self.fieldsets
        return REQUEST_FIELDSETS

    @admin.display(description=_("patient"))
    def patient_link(self, obj: VisitRequest) -> str:
        if obj.patient is None:
            # Said to nurses too, who have no button to link one: no instruction here.
            return str(_("Not linked to a patient record yet."))
        url = reverse("admin:care_patient_change", args=[obj.patient_id])
        return format_html('<a href="{}">{}</a>', url, obj.patient)

    @admin.display(description=_("course of treatment"))
    def course_link(self, obj: VisitRequest) -> str:
        if obj.course is None:
            return "-"
        url = reverse("admin:care_course_change", args=[obj.course_id])
        return format_html('<a href="{}">{}</a>', url, obj.course)

    @admin.display(description=_("previous visit"))
    def previous_visit_link(self, obj: VisitRequest) -> str:
        previous = obj.previous_visit
        if previous is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a> ({})',
            previous.get_admin_url(),
            previous,
            previous.get_status_display(),
        )

    @admin.display(description=_("what comes next"))
    def next_step_text(self, obj: VisitRequest) -> str:
        step = cycles.next_step(obj)
        following = VisitRequest.objects.filter(previous_visit=obj).first()
        if following is not None:
            return format_html(
                '{} <a href="{}">{}</a> ({})',
                step.text if step else "",
                following.get_admin_url(),
                following,
                following.get_status_display(),
            )
        return step.text if step else "-"

    @admin.display(description=_("family's request to move"))
    def change_request_text(self, obj: VisitRequest) -> str:
        change = change_requests.open_change_request(obj)
        if change is None:
            return "-"
        days = ", ".join(day.strftime("%a %d %b") for day in change.days)
        return f"{days} ({change.get_preferred_time_display() or _('any time')}): {change.reason}"

    def _consent(self, obj: VisitRequest) -> Any:
        try:
            return obj.consent
        except VisitRequest.consent.RelatedObjectDoesNotExist:
            return None

    @admin.display(description=_("privacy notice version"))
    def consent_version(self, obj: VisitRequest) -> StrOrPromise:
        consent = self._consent(obj)
        return consent.notice_version if consent else _("No consent recorded")

    @admin.display(description=_("consent given at"))
    def consent_given_at(self, obj: VisitRequest) -> Any:
        consent = self._consent(obj)
        return _local_display(consent.given_at) if consent else "-"

    @admin.display(description=_("notice text SHA-256"))
    def consent_sha256(self, obj: VisitRequest) -> str:
        consent = self._consent(obj)
        return consent.notice_sha256 if consent else "-"

    @admin.display(description=_("consent withdrawn at"))
    def consent_withdrawn_at(self, obj: VisitRequest) -> Any:
        consent = self._consent(obj)
        if consent is None or consent.withdrawn_at is None:
            return "-"
        return _local_display(consent.withdrawn_at)
