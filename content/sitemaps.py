import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from content.models import Page, PageTranslation


class PageSitemap(Sitemap):
    """Every published page of the guide, sub-pages included, in each language it is written in."""

    changefreq = "monthly"
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Page]:
        return (
            Page.objects.published()
            .only("slug", "updated_at", "order", "title")
            .prefetch_related(
                Prefetch(
                    "translations",
                    queryset=PageTranslation.objects.order_by().only(
                        "page", "language", "updated_at"
                    ),
                )
            )
        )

    def get_languages_for_item(self, item: Page) -> list[str]:
        # A page without a translation shows English under /hi/ or /mr/:
        # it is not a page in that language, so it is not listed as one.
        written_in = {settings.LANGUAGE_CODE} | {t.language for t in item.translations.all()}
        return [code for code in super().get_languages_for_item(item) if code in written_in]

    def lastmod(self, obj: Page) -> datetime.datetime:
        return max([obj.updated_at, *(t.updated_at for t in obj.translations.all())])


class StaticSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> list[str]:
        return ["content:home", "content:guide", "booking:request", "booking:areas"]

    def location(self, item: str) -> str:
        return reverse(item)
