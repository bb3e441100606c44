"""The course of treatment: who the patient is, what they are given, how often,
and what the nurse recorded at each visit.

A visit itself is a booking.VisitRequest (with its cycle number); this app
holds what lasts longer than one visit. Writes happen in booking.cycles,
booking.patients and booking.visit_records; models hold data and constraints only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from uhapo.phone import display_phone


class Regimen(models.Model):
    """One way a medicine is given: every how many days, for how long, and how often at most.

    Seeded from the medicines' product information (migration 0002), edited by
    coordinators, and reviewed by a clinician on its own dates like a guide page.
    """

    medicine = models.CharField(_("medicine"), max_length=40)
    name = models.CharField(_("regimen"), max_length=80, unique=True)
    interval_days = models.PositiveSmallIntegerField(
        _("days between doses"), validators=[MinValueValidator(7), MaxValueValidator(84)]
    )
    infusion_minutes = models.PositiveSmallIntegerField(
        _("infusion minutes"), validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    preparation_minutes = models.PositiveSmallIntegerField(
        _("preparation minutes"),
        default=30,
        help_text=_("Checks, vitals and setting up the line before the infusion starts."),
    )
    observation_minutes = models.PositiveSmallIntegerField(
        _("observation minutes"),
        default=30,
        help_text=_("How long the nurse stays after the infusion ends, watching for a reaction."),
    )
    max_cycles = models.PositiveSmallIntegerField(
        _("most doses"), null=True, blank=True, help_text=_("Blank when there is no fixed number.")
    )
    max_months = models.PositiveSmallIntegerField(
        _("most months"), null=True, blank=True, help_text=_("For example 24 for two years.")
    )
    source = models.TextField(_("source"), help_text=_("Where these figures come from."))
    is_active = models.BooleanField(_("offered"), default=True)
    reviewer = models.CharField(
        _("reviewer"), max_length=120, help_text=_("Who checked the figures, e.g. a team's name.")
    )
    last_reviewed = models.DateField(_("last reviewed"))
    next_review_due = models.DateField(_("next review due"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["medicine", "interval_days"]
        verbose_name = _("regimen")
        verbose_name_plural = _("regimen catalogue")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            raise ValidationError(
                {"next_review_due": _("The next review must be due after the last review.")}
            )

    @property
    def visit_minutes(self) -> int:
        return self.preparation_minutes + self.infusion_minutes + self.observation_minutes


class Patient(models.Model):
    """A person we treat, found again by staff (never matched silently)."""

    full_name = models.CharField(_("full name"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    phone = models.CharField(_("mobile"), max_length=16, db_index=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")

    def __str__(self) -> str:
        year = f" ({self.birth_year})" if self.birth_year else ""
        return f"{self.full_name}{year}"

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)


class PatientHelper(models.Model):
    """Someone who looks after the patient: a daughter, a husband, a neighbour."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="helpers")
    name = models.CharField(_("name"), max_length=100)
    relationship = models.CharField(_("relationship"), max_length=40, blank=True)
    phone = models.CharField(_("mobile"), max_length=16, blank=True, db_index=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")
        constraints = [
            models.UniqueConstraint(fields=["patient", "phone"], name="one_helper_per_phone")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})" if self.relationship else self.name


class CourseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FINISHED = "finished", _("Finished")
    STOPPED = "stopped", _("Stopped")


class Course(models.Model):
    """A course of treatment: one medicine on one regimen, as the oncologist prescribed."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    regimen = models.ForeignKey(
        Regimen, verbose_name=_("regimen"), on_delete=models.PROTECT, related_name="courses"
    )
    # Copied from the regimen when the course starts, then the oncologist's word.
    interval_days = models.PositiveSmallIntegerField(
        _("days between doses"), validators=[MinValueValidator(7), MaxValueValidator(84)]
    )
    infusion_minutes = models.PositiveSmallIntegerField(
        _("infusion minutes"), validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    planned_cycles = models.PositiveSmallIntegerField(
        _("planned doses"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    end_date = models.DateField(_("planned end"), null=True, blank=True)
    hospital = models.CharField(_("hospital"), max_length=120)
    oncologist = models.CharField(_("treating oncologist"), max_length=100)
    started_on = models.DateField(_("started"))
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.ACTIVE
    )
    handover_notes = models.TextField(
        _("notes for the nurse"),
        blank=True,
        max_length=2000,
        help_text=_("For example: reaction in cycle 2, premedication as the oncologist advised."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("course of treatment")
        verbose_name_plural = _("courses of treatment")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_cycles__isnull=False) | Q(end_date__isnull=False),
                name="course_has_an_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient}: {self.regimen}"

    def clean(self) -> None:
        if self.planned_cycles is None and self.end_date is None:
            raise ValidationError(
                {"planned_cycles": _("Give the planned number of doses or the planned end date.")}
            )
        if self.end_date and self.started_on and self.end_date <= self.started_on:
            raise ValidationError({"end_date": _("The planned end must be after the start.")})

    @property
    def visit_minutes(self) -> int:
        return (
            self.regimen.preparation_minutes
            + self.infusion_minutes
            + self.regimen.observation_minutes
        )

    def is_last_cycle(self, cycle_number: int, next_date: datetime.date | None = None) -> bool:
        """Whether no dose comes after this one, by the number planned or the end date."""
        if self.planned_cycles is not None and cycle_number >= self.planned_cycles:
            return True
        return bool(self.end_date and next_date and next_date > self.end_date)


class NurseProfile(models.Model):
    """What the family and the service need to know about a nurse."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nurse_profile"
    )
    phone = models.CharField(_("mobile"), max_length=16, blank=True)
    registration_number = models.CharField(
        _("nursing council registration"),
        max_length=40,
        blank=True,
        help_text=_("Shown to the family so they know who is at the door."),
    )

    class Meta:
        verbose_name = _("nurse's details")
        verbose_name_plural = _("nurses' details")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Outcome(models.TextChoices):
    GIVEN = "given", _("Dose given")
    NOT_GIVEN = "not_given", _("Nurse visited, dose not given")
    NO_SHOW = "no_show", _("Nobody at home / visit could not take place")


class ReactionGrade(models.IntegerChoices):
    NONE = 0, _("No reaction")
    MILD = 1, _("Grade 1: mild, no treatment needed")
    MODERATE = 2, _("Grade 2: infusion paused or slowed, responded to treatment")
    SEVERE = 3, _("Grade 3: severe, infusion stopped")
    LIFE_THREATENING = 4, _("Grade 4: life-threatening, emergency called")


class VisitRecord(models.Model):
    """What the nurse recorded at one visit: the clinical record of the dose."""

    visit = models.OneToOneField(
        "booking.VisitRequest", on_delete=models.CASCADE, related_name="record"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    not_given_reason = models.TextField(_("why not given"), blank=True, max_length=1000)

    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    bp_systolic_before = models.PositiveSmallIntegerField(
        _("BP systolic before"), null=True, blank=True
    )
    bp_diastolic_before = models.PositiveSmallIntegerField(
        _("BP diastolic before"), null=True, blank=True
    )
    pulse_before = models.PositiveSmallIntegerField(_("pulse before"), null=True, blank=True)
    temperature_before = models.DecimalField(
        _("temperature before (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    spo2_before = models.PositiveSmallIntegerField(_("SpO₂ before (%)"), null=True, blank=True)
    bp_systolic_after = models.PositiveSmallIntegerField(
        _("BP systolic after"), null=True, blank=True
    )
    bp_diastolic_after = models.PositiveSmallIntegerField(
        _("BP diastolic after"), null=True, blank=True
    )
    pulse_after = models.PositiveSmallIntegerField(_("pulse after"), null=True, blank=True)
    temperature_after = models.DecimalField(
        _("temperature after (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    spo2_after = models.PositiveSmallIntegerField(_("SpO₂ after (%)"), null=True, blank=True)

    batch_number = models.CharField(_("batch number"), max_length=40, blank=True)
    batch_expiry = models.DateField(_("batch expiry"), null=True, blank=True)
    cold_chain_kept = models.BooleanField(_("kept at 2–8 °C all the way"), null=True, blank=True)
    cold_chain_temperature = models.DecimalField(
        _("cool box reading on arrival (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    infusion_started_at = models.DateTimeField(_("infusion started"), null=True, blank=True)
    infusion_ended_at = models.DateTimeField(_("infusion ended"), null=True, blank=True)
    observation_minutes = models.PositiveSmallIntegerField(
        _("observation minutes"), null=True, blank=True
    )
    reaction_grade = models.PositiveSmallIntegerField(
        _("reaction"), choices=ReactionGrade.choices, default=ReactionGrade.NONE
    )
    reaction_action = models.TextField(
        _("what was done for the reaction"), blank=True, max_length=1000
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("nurse's visit record")
        verbose_name_plural = _("nurses' visit records")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="given") | Q(batch_number="", infusion_started_at__isnull=True),
                name="record_dose_only_when_given",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="given")
                | Q(cold_chain_kept=True)
                & ~Q(batch_number="")
                & Q(infusion_started_at__isnull=False),
                name="record_given_dose_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit}: {self.get_outcome_display()}"
