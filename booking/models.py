"""Home-visit requests, their event log and their message outbox.

State changes happen in booking/workflow.py and booking/privacy.py; models hold data and
constraints only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from uhapo.phone import display_phone


class ServiceArea(models.Model):
    """A PIN code the nurses reach."""

    pin_code = models.CharField(_("PIN code"), max_length=6, unique=True)
    name = models.CharField(_("area"), max_length=80, help_text=_("For example Andheri East."))
    city = models.CharField(_("city"), max_length=40, default="Mumbai")
    is_active = models.BooleanField(
        _("served"), default=True, help_text=_("Untick to stop taking requests from this PIN code.")
    )

    class Meta:
        ordering = ["pin_code"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self) -> str:
        return f"{self.pin_code} {self.name}"


class Submitter(models.TextChoices):
    PATIENT = "patient", _("I am the patient")
    CAREGIVER = "caregiver", _("I am helping the patient")


class Recipient(models.TextChoices):
    PATIENT = "patient", _("The patient")
    CAREGIVER = "caregiver", _("The person helping (me)")
    BOTH = "both", _("Both of us")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning (8 am to 12 noon)")
    AFTERNOON = "afternoon", _("Afternoon (12 noon to 4 pm)")
    EVENING = "evening", _("Evening (4 pm to 8 pm)")


class Medicine(models.TextChoices):
    PEMBROLIZUMAB = "pembrolizumab", "Pembrolizumab (Keytruda)"
    NIVOLUMAB = "nivolumab", "Nivolumab (Opdivo)"
    IPILIMUMAB = "ipilimumab", "Ipilimumab (Yervoy)"
    ATEZOLIZUMAB = "atezolizumab", "Atezolizumab (Tecentriq)"
    DURVALUMAB = "durvalumab", "Durvalumab (Imfinzi)"
    RITUXIMAB = "rituximab", "Rituximab"
    TRASTUZUMAB = "trastuzumab", "Trastuzumab"
    OTHER = "other", _("Another medicine")
    NOT_SURE = "not_sure", _("Not sure")


class Status(models.TextChoices):
    # The next cycle's visit, proposed by the portal when the last one ended,
    # waiting for the family to confirm the day.
    PROPOSED = "proposed", _("Proposed (next cycle)")
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined")
    # The nurse came, and the dose was not given (for example a high fever).
    NOT_GIVEN = "not_given", _("Not given")
    # The nurse came, and the visit could not take place (nobody at home).
    NO_SHOW = "no_show", _("Visit missed")


OPEN_STATUSES = (Status.PROPOSED, Status.NEW, Status.CONTACTED, Status.SCHEDULED)


class ConsentMethod(models.TextChoices):
    ONLINE = "online", _("On the website's form")
    PHONE = "phone", _("On the phone, to a coordinator")


class VisitRequest(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    # One-use token from the form, so a double submit saves once.
    submission_token = models.UUIDField(unique=True, editable=False)
    # A keyed hash of the answers sent with that token: the same token with
    # other answers (a shared cached page, a replay) is never this request.
    submission_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Changing it revokes every private link sent so far.
    link_nonce = models.CharField(max_length=16, editable=False)
    language = models.CharField(_("language"), max_length=8, default="en")

    submitted_by = models.CharField(_("filled in by"), max_length=10, choices=Submitter.choices)
    patient_name = models.CharField(_("patient's full name"), max_length=100)
    patient_birth_year = models.PositiveSmallIntegerField(_("patient's year of birth"), null=True)
    patient_phone = models.CharField(_("patient's mobile"), max_length=16)
    patient_email = models.EmailField(_("patient's email"), max_length=254, blank=True)
    caregiver_name = models.CharField(_("helper's name"), max_length=100, blank=True)
    caregiver_relationship = models.CharField(_("relationship"), max_length=40, blank=True)
    caregiver_phone = models.CharField(_("helper's mobile"), max_length=16, blank=True)
    caregiver_email = models.EmailField(_("helper's email"), max_length=254, blank=True)
    message_recipient = models.CharField(
        _("messages go to"), max_length=10, choices=Recipient.choices, default=Recipient.PATIENT
    )
    # Its own opt-in, naming UHAPO (WhatsApp's rule): the SMS goes when it is off,
    # when the number replied STOP, or when WhatsApp fails.
    whatsapp_opt_in = models.BooleanField(_("updates on WhatsApp"), default=False)

    address_line = models.CharField(_("flat or house, and building"), max_length=120)
    street = models.CharField(_("street"), max_length=120)
    area = models.CharField(_("area"), max_length=80)
    landmark = models.CharField(_("landmark"), max_length=120, blank=True)
    pin_code = models.CharField(_("PIN code"), max_length=6)
    service_area = models.ForeignKey(
        ServiceArea, verbose_name=_("service area"), on_delete=models.PROTECT, null=True
    )

    cancer_type = models.CharField(_("type of cancer"), max_length=100)
    medicine = models.CharField(_("medicine prescribed"), max_length=20, choices=Medicine.choices)
    medicine_other = models.CharField(_("other medicine"), max_length=100, blank=True)
    oncologist_name = models.CharField(_("treating oncologist"), max_length=100)
    hospital_name = models.CharField(_("hospital"), max_length=120)
    first_dose_in_hospital = models.BooleanField(_("first dose given in hospital"))
    had_infusion_reaction = models.BooleanField(_("reaction to an infusion before"))
    has_prescription = models.BooleanField(_("written prescription available"))

    preferred_date = models.DateField(_("preferred date"))
    preferred_time = models.CharField(
        _("preferred time of day"), max_length=10, choices=TimeOfDay.choices
    )
    notes = models.TextField(_("anything else"), max_length=1000, blank=True)

    needs_clinical_review = models.BooleanField(_("needs clinical review"), default=False)
    # The course of treatment this visit belongs to, set only once staff
    # confirmed who the patient is (booking.patients); never matched silently.
    patient = models.ForeignKey(
        "care.Patient",
        verbose_name=_("patient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    course = models.ForeignKey(
        "care.Course",
        verbose_name=_("course of treatment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    cycle_number = models.PositiveSmallIntegerField(_("cycle"), null=True, blank=True)
    # The visit this one was proposed after (its previous cycle, or the missed visit).
    previous_visit = models.OneToOneField(
        "self",
        verbose_name=_("previous visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_visit",
    )
    family_confirmed_at = models.DateTimeField(_("family confirmed"), null=True, blank=True)
    handover_notes = models.TextField(
        _("notes for the nurse"),
        blank=True,
        max_length=2000,
        help_text=_("What the nurse should know for this visit. The family does not see it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nurse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    scheduled_start = models.DateTimeField(_("visit starts"), null=True, blank=True)
    scheduled_end = models.DateTimeField(_("visit ends"), null=True, blank=True)
    # Bumped on every (re)schedule so reminders of an old time never go out.
    schedule_version = models.PositiveIntegerField(default=0, editable=False)
    closing_reason = models.TextField(_("reason"), blank=True)

    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the request was completed, cancelled or declined: retention counts from here.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # Its outbox rows (outbox.Message points here generically).
    messages = GenericRelation(
        "outbox.Message",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="visit_request",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("home-visit request")
        verbose_name_plural = _("home-visit requests")
        # The roles, granted to the Coordinators and Nurses groups by migration
        # 0009; the admin asks user.has_perm() for these, never a group's name.
        permissions = [
            (
                "triage_visitrequest",
                "Can triage requests: contact, schedule, cancel, decline, erase, resend, export",
            ),
            ("complete_visit", "Can mark an assigned visit completed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_start__isnull=True)
                | Q(scheduled_end__gt=models.F("scheduled_start")),
                name="visit_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["nurse", "scheduled_start"], name="visit_nurse_start"),
            models.Index(fields=["preferred_date"], name="visit_preferred_date"),
            models.Index(
                fields=["closed_at"],
                name="visit_closed_not_erased",
                condition=Q(anonymised_at__isnull=True, closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_admin_url(self) -> str:
        return reverse("admin:booking_visitrequest_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def medicine_label(self) -> str:
        if self.medicine == Medicine.OTHER and self.medicine_other:
            return self.medicine_other
        return self.get_medicine_display()

    @property
    def patient_phone_display(self) -> str:
        return display_phone(self.patient_phone)

    @property
    def caregiver_phone_display(self) -> str:
        return display_phone(self.caregiver_phone) if self.caregiver_phone else ""


class Consent(models.Model):
    """What the family agreed to, and when: the notice's version and a hash of its text."""

    request = models.OneToOneField(VisitRequest, on_delete=models.CASCADE, related_name="consent")
    notice_version = models.CharField(_("notice version"), max_length=20)
    notice_sha256 = models.CharField(_("notice text SHA-256"), max_length=64)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    method = models.CharField(
        _("how consent was given"),
        max_length=10,
        choices=ConsentMethod.choices,
        default=ConsentMethod.ONLINE,
    )
    # For consent given on the phone: the coordinator who read the notice out.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.notice_version} @ {self.given_at:%Y-%m-%d %H:%M}"


class RequestEvent(models.Model):
    """Append-only: who moved a request from which status to which, and why."""

    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(
        _("by"), max_length=40, help_text=_("The staff member, or 'family' or 'system'.")
    )
    note = models.TextField(_("note"), blank=True)
    # What changed, as {field: [old, new]} (times as ISO strings): a
    # reschedule, a correction, a new nurse.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        if not self.from_status:
            return str(_("Received"))
        if self.from_status == self.to_status:
            return self.get_to_status_display()
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a coordinator")
    MOVED = "moved", _("Visit moved")
    DECLINED = "declined", _("Could not move it")
    # The request closed (cancelled, declined, completed) while the ask was open.
    CLOSED = "closed", _("No longer needed")


class ChangeRequest(models.Model):
    """The family asked, from its private link, to move a visit: days that suit, and why.

    Not self-service booking: a coordinator answers it (booking.change_requests).
    """

    visit = models.ForeignKey(
        VisitRequest, on_delete=models.CASCADE, related_name="change_requests"
    )
    preferred_dates = models.JSONField(_("days that suit"), default=list)
    preferred_time = models.CharField(
        _("time of day"), max_length=10, choices=TimeOfDay.choices, blank=True
    )
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.OPEN,
    )
    answer = models.TextField(_("answer to the family"), blank=True, max_length=1000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request to move a visit")
        verbose_name_plural = _("requests to move a visit")
        constraints = [
            models.UniqueConstraint(
                fields=["visit"], condition=Q(status="open"), name="one_open_change_per_visit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit}: {self.get_status_display()}"

    @property
    def days(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(day) for day in self.preferred_dates]


class MessageKind(models.TextChoices):
    REQUEST_RECEIVED = "received", _("Request received")
    COORDINATOR_ALERT = "alert", _("New request alert")
    VISIT_SCHEDULED = "scheduled", _("Visit scheduled")
    REMINDER_24H = "remind24", _("Reminder 24 hours before")
    REMINDER_2H = "remind2", _("Reminder 2 hours before")
    CANCELLED = "cancelled", _("Cancellation acknowledged")
    RESCHEDULED = "rescheduled", _("Visit moved")
    DECLINED = "declined", _("Request declined")
    NEXT_CYCLE = "nextcycle", _("Next cycle: please confirm")
    CHANGE_ANSWERED = "changeanswer", _("Answer to a request to move the visit")
    NURSE_ASSIGNED = "nurse_assigned", _("Nurse: visit assigned")
    NURSE_MOVED = "nurse_moved", _("Nurse: visit moved")
    NURSE_CANCELLED = "nurse_cancelled", _("Nurse: visit taken off the nurse's list")
    DOCUMENT_RECEIVED = "document", _("Document received from the family")
    FAMILY_CANCELLED = "familycancel", _("Coordinators: the family cancelled")
    FAMILY_MOVE = "familymove", _("Coordinators: the family asks to move the visit")


class Audience(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Helper")
    COORDINATOR = "coordinator", _("Coordinators")
    NURSE = "nurse", _("Nurse")


class AccessAction(models.TextChoices):
    VIEW = "view", _("Opened a request")
    LIST = "list", _("Listed requests")
    EXPORT = "export", _("Exported requests")
    WITHDRAW = "withdraw", _("Erased a request on the family's behalf")


class AccessLog(models.Model):
    """Append-only: which staff member saw or exported which requests, and when.

    Holds request ids and references only, never patient details.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(_("staff member"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    request_ids = models.JSONField(_("request ids"), default=list)
    references = models.TextField(_("references"), blank=True)
    # The admin page, without its query string (a search may hold a phone number).
    page = models.CharField(_("page"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class CallOutcome(models.TextChoices):
    SPOKE = "spoke", _("Spoke to them")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    LEFT_MESSAGE = "left_message", _("Left a message")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class CallAttempt(models.Model):
    """Append-only: a coordinator called the family about a request, and how it went.

    Written by booking.calls (with an event on the request); a call never
    changes the request's status by itself.
    """

    request = models.ForeignKey(
        VisitRequest, on_delete=models.CASCADE, related_name="call_attempts"
    )
    called_at = models.DateTimeField(_("when"), db_index=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    caller_username = models.CharField(_("by"), max_length=150)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallOutcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-called_at", "-pk"]
        verbose_name = _("call to the family")
        verbose_name_plural = _("calls to families")
        indexes = [models.Index(fields=["request", "called_at"], name="call_request_when")]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_outcome_display()}"
