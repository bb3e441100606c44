import datetime
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, FilteredRelation, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# What a translation replaces; everything else (slug, place in the guide) is the page's.
TRANSLATED_FIELDS = (
    "title",
    "summary",
    "body",
    "reviewer",
    "last_reviewed",
    "next_review_due",
    "updated_at",
)


def translation_languages() -> list[tuple[str, str]]:
    """The languages a page can be translated into: all but the default one."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class ShownNavigation(TypedDict):
    """What `in_language(language, ("title", "summary"))` adds to a page: enough for navigation."""

    shown_title: str
    shown_summary: str
    shown_language: str


class ShownText(ShownNavigation):
    """What `in_language(language)` adds to a page: every translated field."""

    shown_body: str
    shown_reviewer: str
    shown_last_reviewed: datetime.date
    shown_next_review_due: datetime.date
    shown_updated_at: datetime.datetime


class PageQuerySet(models.QuerySet):
    def published(self) -> "PageQuerySet":
        return self.filter(is_published=True)

    def in_language(
        self, language: str, fields: tuple[str, ...] = TRANSLATED_FIELDS
    ) -> "PageQuerySet":
        """Each page with its text in `language`, falling back to English, in the same query.

        Adds `shown_<field>` for each of `fields` and `shown_language`, the
        language that text is in: `language` if the page has a translation,
        else the default language.
        """
        if language == settings.LANGUAGE_CODE:
            return self.annotate(
                **{f"shown_{name}": F(name) for name in fields},
                shown_language=Value(language),
            )
        return self.annotate(
            translation_shown=FilteredRelation(
                "translations", condition=Q(translations__language=language)
            ),
        ).annotate(
            **{f"shown_{name}": Coalesce(f"translation_shown__{name}", F(name)) for name in fields},
            shown_language=Case(
                When(translation_shown__pk__isnull=False, then=Value(language)),
                default=Value(settings.LANGUAGE_CODE),
                output_field=models.CharField(),
            ),
        )


class Reviewed(models.Model):
    """A page or a translation: each is checked by a clinician on its own review dates.

    No fields here, so each model keeps its own fields in its own order.
    """

    last_reviewed: datetime.date
    next_review_due: datetime.date
    # Not a field: set before save(), django-simple-history writes it as the
    # history entry's reason (content.seeding says where a text came from).
    _change_reason: str

    class Meta:
        abstract = True

    def review_date_errors(self) -> dict[str, ValidationError]:
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            return {
                "next_review_due": ValidationError(
                    _("The next review must be due after the last review.")
                )
            }
        return {}

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        return self.next_review_due < (today or timezone.localdate())


class Page(Reviewed):
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
        errors = self.review_date_errors()
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = ValidationError(_("A page cannot be its own parent."))
            elif self.parent is not None and self.parent.parent_id is not None:
                errors["parent"] = ValidationError(
                    _("Choose a main page: sub-pages cannot have sub-pages of their own.")
                )
            elif self.pk is not None and self.children.exists():
                errors["parent"] = ValidationError(
                    _("This page has sub-pages, so it must stay a main page.")
                )
        if errors:
            raise ValidationError(errors)


class PageTranslation(Reviewed):
    """A guide page in another language, reviewed on its own dates."""

    page = models.ForeignKey(
        Page, verbose_name=_("page"), related_name="translations", on_delete=models.CASCADE
    )
    language = models.CharField(_("language"), max_length=8, choices=translation_languages)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(
        _("summary"),
        max_length=200,
        help_text=_("One or two sentences; also the description search engines show."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown, as for the English page. Keep the names of medicines and "
            "products (pembrolizumab, Kymriah, PD-1) in Latin letters."
        ),
    )
    last_reviewed = models.DateField(_("last reviewed"))
    next_review_due = models.DateField(_("next review due"))
    reviewer = models.CharField(
        _("reviewer"),
        max_length=120,
        help_text=_("Who checked this translation against the English page."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["page__order", "page__title", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language"], name="one_translation_per_page_and_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page} ({self.get_language_display()})"

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return self.page.get_absolute_url()

    def clean(self) -> None:
        errors = self.review_date_errors()
        # Checked here as well as by the constraint: the admin's inline leaves the
        # page out of its form, so Django would skip the constraint and the
        # database would answer with an error page instead.
        if (
            self.page_id
            and self.language
            and PageTranslation.objects.filter(page_id=self.page_id, language=self.language)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["language"] = ValidationError(
                _("This page already has a translation in this language.")
            )
        if errors:
            raise ValidationError(errors)


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # Pages as in_language() returns them, for the code that reads their shown_* text.
    NavigationPage = WithAnnotations[Page, ShownNavigation]
    ShownPage = WithAnnotations[Page, ShownText]
