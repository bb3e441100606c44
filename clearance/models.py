"""What must be cleared before a visit's infusion, and the documents behind it.

A visit (booking.VisitRequest) has a checklist: the prescription, the blood
tests its regimen's rules ask for, the oncologist's go-ahead for the cycle
and, for a flagged request, the clinical review. Each check is an
append-only row (who checked what, when, on what evidence); the latest row
of an item is its state. Writes happen in clearance.readiness and
clearance.documents; models hold data and constraints only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clearance.storage import private_storage


class BloodTest(models.TextChoices):
    LIVER = "liver", _("Liver function tests (ALT, AST, bilirubin)")
    KIDNEY = "kidney", _("Kidney function (creatinine, electrolytes)")
    BLOOD_COUNT = "blood_count", _("Complete blood count")
    THYROID = "thyroid", _("Thyroid function (TSH, free T4)")


class BloodTestRule(models.Model):
    """How recent one blood test must be on the day of a dose, for one regimen.

    A rule without a regimen is for visits not (yet) in a course. Seeded by
    migration 0002 with its source; staff edit it with history.
    """

    regimen = models.ForeignKey(
        "care.Regimen",
        verbose_name=_("regimen"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blood_test_rules",
        help_text=_("Blank: the rule for visits that are not in a course yet."),
    )
    test = models.CharField(_("blood test"), max_length=20, choices=BloodTest.choices)
    max_age_days = models.PositiveSmallIntegerField(
        _("at most this many days old"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Counted from the day the blood was taken to the day of the visit."),
    )
    source = models.TextField(_("source"), help_text=_("Where this rule comes from."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["regimen__name", "test"]
        verbose_name = _("blood test rule")
        verbose_name_plural = _("blood test rules")
        constraints = [
            models.UniqueConstraint(
                fields=["regimen", "test"],
                condition=Q(regimen__isnull=False),
                name="one_rule_per_regimen_and_test",
            ),
            models.UniqueConstraint(
                fields=["test"],
                condition=Q(regimen__isnull=True),
                name="one_default_rule_per_test",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_test_display()}: {self.max_age_days} d"


class DocumentKind(models.TextChoices):
    PRESCRIPTION = "prescription", _("Prescription")
    BLOOD_REPORT = "blood_report", _("Blood test report")
    OTHER = "other", _("Other letter or report")


class Document(models.Model):
    """A file the family (or staff) sent for a visit: kept in private storage, never public.

    The file's own name is not kept (it may name the patient); the stored
    name is random, the type is what its content is.
    """

    visit = models.ForeignKey(
        "booking.VisitRequest", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("what it is"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to="documents/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Blank: sent by the family from their link."),
    )
    uploaded_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("open_document", "Can open a family's document")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uploaded_at:%d %b %Y %H:%M}"


class DocumentAccess(models.Model):
    """Append-only: who opened which document, when, from which page."""

    document = models.ForeignKey(
        Document, null=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    visit_reference = models.CharField(_("reference"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(_("staff member"), max_length=150)
    page = models.CharField(_("page"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document opened")
        verbose_name_plural = _("documents opened")

    def __str__(self) -> str:
        return f"{self.actor_username} {self.visit_reference} {self.created_at:%Y-%m-%d %H:%M}"


class Item(models.TextChoices):
    PRESCRIPTION = "prescription", _("Prescription on file, valid for this cycle")
    BLOOD_TEST = "blood_test", _("Blood test")
    GO_AHEAD = "go_ahead", _("The oncologist's go-ahead for this cycle")
    CLINICAL_REVIEW = "clinical_review", _("Clinical review of the flagged request")


class CheckOutcome(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    DECLINED = "declined", _("Declined")


class GoAheadMethod(models.TextChoices):
    CALL = "call", _("Phone call")
    LETTER = "letter", _("Letter")
    MESSAGE = "message", _("Message (email, SMS, WhatsApp)")
    IN_PERSON = "in_person", _("In person")


class ReadinessCheck(models.Model):
    """One check of one checklist item of a visit: append-only, the latest one counts."""

    # Not stored: set by readiness_check_record to why the item is still open
    # for the visit's day after this check (empty when it cleared it).
    still_open: str = ""

    visit = models.ForeignKey(
        "booking.VisitRequest", on_delete=models.CASCADE, related_name="readiness_checks"
    )
    item = models.CharField(_("item"), max_length=20, choices=Item.choices)
    blood_test = models.CharField(
        _("blood test"), max_length=20, choices=BloodTest.choices, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=CheckOutcome.choices, default=CheckOutcome.CLEARED
    )
    evidence_date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The prescription's date, the day the blood was taken, or the go-ahead's."),
    )
    valid_until = models.DateField(_("prescription valid until"), null=True, blank=True)
    given_by = models.CharField(_("who"), max_length=100, blank=True)
    method = models.CharField(_("how"), max_length=10, choices=GoAheadMethod.choices, blank=True)
    note = models.TextField(_("on what, or why declined"), blank=True, max_length=1000)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="checks"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), auto_now_add=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("readiness check")
        verbose_name_plural = _("readiness checks")
        constraints = [
            models.CheckConstraint(
                condition=Q(item="blood_test", blood_test__gt="")
                | ~Q(item="blood_test") & Q(blood_test=""),
                name="blood_test_named_only_for_blood_tests",
            ),
            models.CheckConstraint(
                condition=Q(outcome="cleared") | Q(item="clinical_review"),
                name="only_a_review_is_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.get_outcome_display()}"


class ReadinessOverride(models.Model):
    """A senior clinician let the visit go ahead with its checklist not complete."""

    visit = models.ForeignKey(
        "booking.VisitRequest", on_delete=models.CASCADE, related_name="readiness_overrides"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    open_items = models.JSONField(_("items open at the time"), default=list)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-overridden_at", "-pk"]
        verbose_name = _("checklist override")
        verbose_name_plural = _("checklist overrides")
        permissions = [
            (
                "override_readiness",
                "Can let a visit go ahead with its readiness checklist not complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.overridden_at:%Y-%m-%d %H:%M}"
