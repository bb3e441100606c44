"""Aftercare: the symptom check-ins that follow a visit, their answers, their
red/amber/green result and what staff did about it.

A CheckIn row is both the schedule (an invitation due on day 1, 3, 7, then
weekly, written when a visit closes) and the check-in the family fills in.
Writes happen in aftercare/services.py and aftercare/erasure.py; models hold
data and constraints only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    GREEN = "green", _("Green: recorded")
    AMBER = "amber", _("Amber: call back today")
    RED = "red", _("Red: call now")


class CheckInStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the family")
    ANSWERED = "answered", _("Answered")
    # The course ended, consent was withdrawn, or a later visit's schedule replaced it.
    STOPPED = "stopped", _("Stopped")


class StartedBy(models.TextChoices):
    SCHEDULE = "schedule", _("Invited on schedule")
    FAMILY = "family", _("Started by the family")


class CheckIn(models.Model):
    """One symptom check-in after a visit: invited on a day of the schedule, or started by the family."""

    visit = models.ForeignKey(
        "booking.VisitRequest",
        verbose_name=_("after visit"),
        on_delete=models.CASCADE,
        related_name="checkins",
    )
    day = models.PositiveSmallIntegerField(
        _("day after the visit"),
        null=True,
        blank=True,
        help_text=_("Blank when the family started it."),
    )
    started_by = models.CharField(
        _("started by"), max_length=10, choices=StartedBy.choices, default=StartedBy.SCHEDULE
    )
    due_at = models.DateTimeField(_("invited for"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CheckInStatus.choices,
        default=CheckInStatus.WAITING,
        db_index=True,
    )
    grade = models.CharField(_("result"), max_length=5, choices=Grade.choices, blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Amber: the "call back today" limit; red: at once.
    callback_due_at = models.DateTimeField(_("call back by"), null=True, blank=True)
    # When a staff member recorded what was done (not a call nobody answered).
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    # Changing it revokes the check-in's link (erasure).
    link_nonce = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    messages = GenericRelation(
        "outbox.Message",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="checkin",
    )

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = _("symptom check-in")
        verbose_name_plural = _("symptom check-ins")
        permissions = [
            ("triage_checkin", "Can read symptom check-ins and record what was done"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "day"],
                condition=Q(started_by="schedule"),
                name="one_scheduled_checkin_per_visit_day",
            ),
            models.CheckConstraint(
                condition=Q(status="answered") | Q(grade=""), name="checkin_graded_when_answered"
            ),
        ]
        indexes = [
            models.Index(
                fields=["grade", "callback_due_at"],
                name="checkin_needs_a_call",
                condition=Q(handled_at__isnull=True, status="answered"),
            )
        ]

    def __str__(self) -> str:
        when = (
            self.get_started_by_display()
            if self.day is None
            else _("day %(day)s") % {"day": self.day}
        )
        return f"{self.visit}: {when}"

    @property
    def needs_a_call(self) -> bool:
        return self.grade in (Grade.AMBER, Grade.RED) and self.handled_at is None


class Answer(models.Model):
    """One answer of a check-in, as the family chose it, graded by the triage rules."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("question"), max_length=40)
    answer = models.CharField(_("answer"), max_length=40)
    grade = models.CharField(_("grade"), max_length=5, choices=Grade.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("check-in answer")
        verbose_name_plural = _("check-in answers")
        constraints = [
            models.UniqueConstraint(fields=["checkin", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"


class Action(models.TextChoices):
    CALLED = "called", _("Called the family")
    NO_ANSWER = "no_answer", _("Called, no answer")
    ADVICE = "advice", _("Advice given")
    HOSPITAL = "hospital", _("Sent to hospital")
    ONCOLOGIST = "oncologist", _("Oncologist told")


class OutcomeEvent(models.Model):
    """Append-only: what a staff member did about a red or amber check-in."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="outcomes")
    action = models.CharField(_("what was done"), max_length=12, choices=Action.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(_("by"), max_length=150)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("check-in outcome")
        verbose_name_plural = _("check-in outcomes")

    def __str__(self) -> str:
        return f"{self.checkin}: {self.get_action_display()}"
