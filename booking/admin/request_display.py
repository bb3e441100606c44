"""What the request list and the request page show, said in words.

A raw boolean in the admin is drawn as a green tick or a red cross, which
reads backwards for a warning ("needs review" ✓ in green): every yes/no here
is a sentence instead. The person to call, the family's language and the
flags come first on the request page, so a coordinator sees them without
scrolling.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from booking.admin.permissions import nurse_label
from booking.models import Status, Submitter, VisitRequest
from booking.triage import format_wait, is_overdue, review_reasons
from uhapo.phone import display_phone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    _ModelAdmin = admin.ModelAdmin[VisitRequest]
else:
    _ModelAdmin = object

WAITING_STATUSES = (Status.NEW, Status.CONTACTED)
SHORT_TIME_OF_DAY = {
    "morning": _("morning"),
    "afternoon": _("afternoon"),
    "evening": _("evening"),
}


def phone_link(e164: str) -> str:
    if not e164:
        return "-"
    return format_html('<a href="tel:{}">{}</a>', e164, display_phone(e164))


def language_name(code: str) -> str:
    """ "Hindi (हिन्दी)" for `hi`, spelt as the language switcher spells it
    (settings.LANGUAGES); an unknown code is shown as it is."""
    try:
        info = get_language_info(code)
    except KeyError:
        return code or "-"
    local = dict(settings.LANGUAGES).get(code, info["name_local"])
    if local == info["name"]:
        return str(info["name"])
    return f"{info['name']} ({local})"


def reasons_for_review(obj: VisitRequest) -> list[str]:
    return review_reasons(
        first_dose_in_hospital=obj.first_dose_in_hospital,
        had_infusion_reaction=obj.had_infusion_reaction,
    )


def yes_no(value: bool | None, yes: StrOrPromise, no: StrOrPromise) -> StrOrPromise:
    if value is None:
        return _("Not recorded")
    return yes if value else no


class RequestDisplayMixin(_ModelAdmin):
    """For the request admin: its columns and the request page's fields, in words."""

    # -- the list

    @admin.display(description=_("area"), ordering="pin_code")
    def area_and_pin(self, obj: VisitRequest) -> str:
        return f"{obj.area} {obj.pin_code}"

    @admin.display(description=_("asked for"), ordering="preferred_date")
    def preferred(self, obj: VisitRequest) -> str:
        when = SHORT_TIME_OF_DAY.get(obj.preferred_time, obj.preferred_time)
        return f"{formats.date_format(obj.preferred_date, 'D j M')}, {when}"

    @admin.display(description=_("waiting"), ordering="created_at")
    def waited(self, obj: VisitRequest) -> str:
        if obj.status not in WAITING_STATUSES:
            return "-"
        now = timezone.now()
        wait = format_wait(now - obj.created_at)
        if is_overdue(status=obj.status, created_at=obj.created_at, now=now):
            return format_html('<strong class="uhapo-overdue">{}</strong> {}', _("Overdue"), wait)
        return wait

    @admin.display(description=_("nurse"), ordering="nurse__first_name")
    def nurse_name(self, obj: VisitRequest) -> str:
        return nurse_label(obj.nurse) or "-"

    @admin.display(description=_("visit"), ordering="scheduled_start")
    def visit_start(self, obj: VisitRequest) -> str:
        start: datetime.datetime | None = obj.scheduled_start
        if start is None:
            return "-"
        return formats.date_format(timezone.localtime(start), "D j M, H:i")

    @admin.display(description=_("review"), ordering="needs_clinical_review")
    def review_flag(self, obj: VisitRequest) -> str:
        if not obj.needs_clinical_review:
            return str(_("No"))
        # Why, in words, so the coordinator can sort the morning's list without
        # opening each request (from the request's own answers: no query).
        reasons = reasons_for_review(obj)
        if not reasons:
            return format_html('<strong class="uhapo-flag">{}</strong>', _("Needs review"))
        return format_html(
            '<strong class="uhapo-flag">{}</strong><br><small>{}</small>',
            _("Needs review"),
            capfirst("; ".join(str(reason) for reason in reasons)),
        )

    @admin.display(description=_("messages"), ordering="undelivered")
    def messages_flag(self, obj: VisitRequest) -> str:
        # Annotated by the request admin's queryset, like the calls.
        if getattr(obj, "undelivered", False):
            return format_html('<strong class="uhapo-flag">{}</strong>', _("Not delivered"))
        return ""

    @admin.display(description=_("calls"), ordering="call_count")
    def call_count(self, obj: VisitRequest) -> int:
        # Annotated by the request admin's queryset (one subquery, not one per row).
        return getattr(obj, "call_count", 0) or 0

    # -- the request page

    @admin.display(description=_("person to call"))
    def person_to_call(self, obj: VisitRequest) -> SafeString | str:
        if obj.submitted_by == Submitter.CAREGIVER and obj.caregiver_phone:
            relationship = obj.caregiver_relationship or _("helping the patient")
            return format_html(
                "<strong>{}</strong> ({}) {}",
                obj.caregiver_name or "-",
                relationship,
                phone_link(obj.caregiver_phone),
            )
        return format_html(
            "<strong>{}</strong> ({}) {}",
            obj.patient_name or "-",
            _("the patient"),
            phone_link(obj.patient_phone),
        )

    @admin.display(description=_("language to speak"))
    def language_name(self, obj: VisitRequest) -> str:
        return language_name(obj.language)

    @admin.display(description=_("medicine prescribed"))
    def medicine_name(self, obj: VisitRequest) -> str:
        return obj.medicine_label

    @admin.display(description=_("clinical review"))
    def clinical_review(self, obj: VisitRequest) -> SafeString | str:
        if not obj.needs_clinical_review:
            return str(_("Not needed"))
        reasons = reasons_for_review(obj)
        if not reasons:
            return format_html('<strong class="uhapo-flag">{}</strong>', _("Needs review"))
        return format_html(
            '<strong class="uhapo-flag">{}</strong> <ul class="uhapo-reasons">{}</ul>',
            _("Needs review:"),
            format_html_join("", "<li>{}</li>", ((reason,) for reason in reasons)),
        )

    @admin.display(description=_("first dose given in hospital"))
    def first_dose_text(self, obj: VisitRequest) -> StrOrPromise:
        return yes_no(
            obj.first_dose_in_hospital, _("Yes"), _("No: the first dose was not given in hospital")
        )

    @admin.display(description=_("reaction to an infusion before"))
    def reaction_text(self, obj: VisitRequest) -> StrOrPromise:
        return yes_no(
            obj.had_infusion_reaction, _("Yes: had a reaction to an infusion before"), _("No")
        )

    @admin.display(description=_("written prescription available"))
    def prescription_text(self, obj: VisitRequest) -> StrOrPromise:
        return yes_no(obj.has_prescription, _("Yes"), _("No: ask for it on the call"))

    @admin.display(description=_("patient's mobile"))
    def patient_phone_link(self, obj: VisitRequest) -> str:
        return phone_link(obj.patient_phone)

    @admin.display(description=_("helper's mobile"))
    def caregiver_phone_link(self, obj: VisitRequest) -> str:
        return phone_link(obj.caregiver_phone)
