from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from uhapo import views

handler400 = "uhapo.views.bad_request"
handler403 = "uhapo.views.permission_denied"
handler404 = "uhapo.views.page_not_found"
handler500 = "uhapo.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
    # The providers' delivery receipts: outside the language prefixes, never redirected.
    path("", include("outbox.urls")),
    path("", include("content.seo_urls")),
]

# English stays unprefixed; Hindi and Marathi get /hi/ and /mr/ so a shared
# link opens in the language it was sent in.
urlpatterns += i18n_patterns(
    path("", include("booking.urls")),
    path("", include("aftercare.urls")),
    path("", include("clearance.urls")),
    path("", include("content.urls")),
    prefix_default_language=False,
)
