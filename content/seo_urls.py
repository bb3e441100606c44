from django.contrib.sitemaps.views import sitemap
from django.urls import path

from content.sitemaps import PageSitemap, StaticSitemap

urlpatterns = [
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": PageSitemap, "static": StaticSitemap}},
        name="sitemap",
    ),
]
