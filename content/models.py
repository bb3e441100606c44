import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PageQuerySet(models.QuerySet):
    def published(self) -> "PageQuerySet":
        return self.filter(is_published=True)


class Page(models.Model):
    """One page of the immunotherapy guide, edited by staff in admin."""

    title = models.CharField(
        _("title"),
        max_length=120,
        unique=True,
        help_text=_("The page's heading; also the title a browser tab and search engines show."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's address. Changing it breaks old links."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=200,
        help_text=_("One or two sentences; also the description search engines show."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown. Start headings at ## because the title is the page's main heading. "
            "Scripts and unsafe markup are removed when the page is shown."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent page"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
        # One level of nesting is all the guide needs (the types of immunotherapy).
        limit_choices_to={"parent__isnull": True},
        help_text=_("Leave empty for a main page of the guide. Sub-pages follow their parent."),
    )
    order = models.PositiveSmallIntegerField(
        _("order in the guide"),
        default=0,
        help_text=_("Lower numbers come first. Leave gaps (100, 200, …) to slot pages in later."),
    )
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished pages are hidden from visitors.")
    )
    show_request_button = models.BooleanField(
        _("show the “Request a home visit” button"),
        default=False,
        help_text=_("Adds the button to book a home visit under the text."),
    )
    last_reviewed = models.DateField(_("last reviewed"))
    next_review_due = models.DateField(_("next review due"))
    reviewer = models.CharField(
        _("reviewer"), max_length=120, help_text=_("Who checked the facts, e.g. a team's name.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("guide page")
        verbose_name_plural = _("guide pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:page", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            errors["next_review_due"] = ValidationError(
                _("The next review must be due after the last review.")
            )
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = ValidationError(_("A page cannot be its own parent."))
            elif self.parent.parent_id is not None:
                errors["parent"] = ValidationError(
                    _("Choose a main page: sub-pages cannot have sub-pages of their own.")
                )
            elif self.pk is not None and self.children.exists():
                errors["parent"] = ValidationError(
                    _("This page has sub-pages, so it must stay a main page.")
                )
        if errors:
            raise ValidationError(errors)

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        return self.next_review_due < (today or timezone.localdate())
