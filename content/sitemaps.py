import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from content.models import Page


class PageSitemap(Sitemap):
    """Every published page of the guide, sub-pages included."""

    changefreq = "monthly"

    def items(self) -> QuerySet[Page]:
        return Page.objects.published().only("slug", "updated_at", "order", "title")

    def lastmod(self, obj: Page) -> datetime.datetime:
        return obj.updated_at


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["content:home", "content:guide", "booking:request"]

    def location(self, item: str) -> str:
        return reverse(item)
