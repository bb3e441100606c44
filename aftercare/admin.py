"""Check-ins in admin: the red banner's page, the "call back today" queue, and
"Record what was done" on each one.

Coordinators only (aftercare.triage_checkin). Pages are read-only; the one
write, an outcome, goes through aftercare.services. Every page that shows
answers writes an access-log row naming the visit's request, as request pages do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aftercare import services, triage
from aftercare.models import Action, CheckIn, CheckInStatus, Grade, OutcomeEvent
from booking.admin.access_log import SHOWING, AccessLoggedMixin, log_access
from booking.admin.permissions import staff_user
from booking.admin.rows import ReadOnlyInline, ReadOnlyMixin
from booking.models import AccessAction, VisitRequest

PERMISSION = "aftercare.triage_checkin"


def can_follow_up(user: Any) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION))


class FollowUpOnlyMixin:
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_follow_up(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_follow_up(request.user)


class OutcomeForm(forms.Form):
    use_required_attribute = False

    action = forms.ChoiceField(
        label=_("What was done?"),
        choices=Action.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what was done.")},
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Optional: the advice given, the hospital, who was told."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeInline(FollowUpOnlyMixin, ReadOnlyInline):
    model = OutcomeEvent
    verbose_name_plural = _("what was done")
    fields = readonly_fields = ("created_at", "actor_username", "action", "note")


class QueueFilter(admin.SimpleListFilter):
    title = _("needs a call")
    parameter_name = "call"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("red", _("Red: call now")),
            ("amber", _("Amber: call back today")),
            ("overdue", _("Call back overdue")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
        waiting = queryset.filter(status=CheckInStatus.ANSWERED, handled_at__isnull=True)
        if self.value() in (Grade.RED, Grade.AMBER):
            return waiting.filter(grade=self.value()).order_by("callback_due_at")
        if self.value() == "overdue":
            return waiting.filter(
                grade__in=[Grade.RED, Grade.AMBER], callback_due_at__lt=timezone.now()
            ).order_by("callback_due_at")
        return queryset


@admin.register(CheckIn)
class CheckInAdmin(FollowUpOnlyMixin, AccessLoggedMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "visit_link",
        "day",
        "status",
        "grade_shown",
        "submitted_at",
        "callback_due_at",
        "overdue",
        "handled_at",
    )
    list_filter = (QueueFilter, "grade", "status", "started_by")
    list_select_related = ("visit",)
    search_fields = ("visit__reference",)
    search_help_text = _("The visit's reference.")
    fields = readonly_fields = (
        "visit_link",
        "day",
        "started_by",
        "due_at",
        "status",
        "grade_shown",
        "submitted_at",
        "callback_due_at",
        "overdue",
        "handled_at",
        "answers_table",
        "record_link",
    )
    inlines = [OutcomeInline]

    def visit_request_of(self, row: Any) -> VisitRequest:
        return row.visit

    @admin.display(description=_("after visit"), ordering="visit__reference")
    def visit_link(self, obj: CheckIn) -> str:
        return format_html('<a href="{}">{}</a>', obj.visit.get_admin_url(), obj.visit.reference)

    @admin.display(description=_("result"), ordering="grade")
    def grade_shown(self, obj: CheckIn) -> str:
        if not obj.grade:
            return "—"
        return format_html(
            '<strong class="uhapo-grade uhapo-grade-{}">{}</strong>',
            obj.grade,
            obj.get_grade_display(),
        )

    @admin.display(description=_("overdue"))
    def overdue(self, obj: CheckIn) -> str:
        late = obj.needs_a_call and obj.callback_due_at and obj.callback_due_at < timezone.now()
        return (
            format_html('<strong class="uhapo-overdue">{}</strong>', _("Overdue")) if late else ""
        )

    @admin.display(description=_("answers"))
    def answers_table(self, obj: CheckIn) -> str:
        questions = triage.rules().questions
        rows = []
        for answer in obj.answers.all():
            question = questions.get(answer.question)
            if question is None:
                continue
            rows.append(
                (
                    question.texts["en"],
                    question.choice(answer.answer).texts["en"],
                    answer.get_grade_display(),
                )
            )
        if not rows:
            return "—"
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("follow-up"))
    def record_link(self, obj: CheckIn) -> str:
        if obj.grade not in (Grade.RED, Grade.AMBER):
            return "—"
        url = reverse("admin:aftercare_checkin_outcome", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record what was done"))

    def get_urls(self) -> list:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/outcome/", wrap(self.outcome_view), name="aftercare_checkin_outcome"),
            *super().get_urls(),
        ]

    def outcome_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponse(status=405)
        if not can_follow_up(request.user):
            raise PermissionDenied
        checkin = get_object_or_404(CheckIn.objects.select_related("visit"), pk=pk)
        posted = request.method == "POST"
        form = OutcomeForm(request.POST if posted else None)
        if posted and form.is_valid():
            try:
                services.checkin_outcome_record(
                    checkin=checkin,
                    action=form.cleaned_data["action"],
                    note=form.cleaned_data["note"],
                    actor=staff_user(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("Recorded for %(ref)s.") % {"ref": checkin.visit.reference}
                )
                return HttpResponseRedirect(
                    reverse("admin:aftercare_checkin_change", args=[checkin.pk])
                )
        if request.method in SHOWING:
            log_access(request, AccessAction.VIEW, [checkin.visit])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": checkin,
            "title": _("Record what was done"),
            "form": form,
            "answers": self.answers_table(checkin),
        }
        return TemplateResponse(request, "admin/aftercare/checkin/outcome.html", context)


def course_checkin_history(course: Any) -> str:
    """A course's check-ins at a glance, newest first: when, result, whether a call is owed."""
    if course is None or course.pk is None:
        return "—"
    checkins = CheckIn.objects.filter(visit__course=course).select_related("visit")[:30]
    rows = [
        (
            reverse("admin:aftercare_checkin_change", args=[c.pk]),
            timezone.localtime(c.submitted_at or c.due_at).strftime("%d %b %Y"),
            c.visit.reference,
            c.get_grade_display() if c.grade else c.get_status_display(),
            _("call owed") if c.needs_a_call else "",
        )
        for c in checkins
    ]
    if not rows:
        return str(_("None yet."))
    return format_html(
        "<table><tbody>{}</tbody></table>",
        format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            rows,
        ),
    )


@admin.register(OutcomeEvent)
class OutcomeEventAdmin(FollowUpOnlyMixin, AccessLoggedMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "checkin", "action", "actor_username")
    list_filter = ("action",)
    list_select_related = ("checkin__visit",)
    fields = readonly_fields = ("checkin", "created_at", "actor_username", "action", "note")

    def visit_request_of(self, row: Any) -> VisitRequest:
        return row.checkin.visit
