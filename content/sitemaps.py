from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from content.models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.filter(is_published=True)

    def lastmod(self, obj: Page):
        return obj.updated_at


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["content:home", "content:guide", "booking:request"]

    def location(self, item: str) -> str:
        return reverse(item)
