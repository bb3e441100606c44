from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from content.models import TRANSLATED_FIELDS, Page, PageTranslation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How far ahead "due soon" looks: enough time to book a clinician's review.
REVIEW_DUE_SOON = datetime.timedelta(days=30)


# A translation's own fields; the rest is its page's.
TRANSLATION_FIELDS = ("language", *TRANSLATED_FIELDS)


class ReviewStatusFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, StrOrPromise]]:
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due within 30 days")),
            ("ok", _("Up to date")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Page]) -> QuerySet[Page]:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() == "soon":
            return queryset.filter(
                next_review_due__gte=today, next_review_due__lt=today + REVIEW_DUE_SOON
            )
        if self.value() == "ok":
            return queryset.filter(next_review_due__gte=today + REVIEW_DUE_SOON)
        return queryset


class PageTranslationInline(admin.StackedInline):
    model = PageTranslation
    extra = 0
    fields = TRANSLATION_FIELDS
    readonly_fields = ["updated_at"]
    verbose_name = _("translation")
    verbose_name_plural = _(
        "Translations (each language has its own review dates; a page without one is shown "
        "in English with a note)"
    )


class ReviewedAdmin(SimpleHistoryAdmin):
    """A page or a translation: each has its own review dates."""

    @admin.display(description=_("review"), ordering="next_review_due")
    def review_status(self, item: Page | PageTranslation) -> StrOrPromise:
        today = timezone.localdate()
        if item.review_overdue(today):
            return format_html("<strong>{}</strong>", _("Overdue"))
        if item.next_review_due < today + REVIEW_DUE_SOON:
            return _("Due soon")
        return _("Up to date")


@admin.register(Page)
class PageAdmin(ReviewedAdmin):
    list_display = [
        "title",
        "order",
        "parent",
        "is_published",
        "last_reviewed",
        "next_review_due",
        "review_status",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published", ReviewStatusFilter, "parent"]
    list_select_related = ["parent"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]
    inlines = [PageTranslationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (
            _("Place in the guide"),
            {"fields": ["parent", "order", "is_published", "show_request_button"]},
        ),
        (
            _("Clinical review"),
            {
                "fields": ["reviewer", "last_reviewed", "next_review_due", "updated_at"],
                "description": _(
                    "Visitors see these dates on the page. After checking the facts, set the "
                    "date of this review and when the next one is due."
                ),
            },
        ),
    ]


@admin.register(PageTranslation)
class PageTranslationAdmin(ReviewedAdmin):
    """Every translation in one list, to find the ones due for review."""

    list_display = [
        "page",
        "language",
        "title",
        "last_reviewed",
        "next_review_due",
        "review_status",
        "updated_at",
    ]
    list_filter = ["language", ReviewStatusFilter]
    list_select_related = ["page"]
    search_fields = ["title", "summary", "body", "page__title", "page__slug"]
    readonly_fields = ["updated_at"]
    autocomplete_fields = ["page"]
    fields = ["page", *TRANSLATION_FIELDS]
