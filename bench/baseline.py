"""A bare Django project in one module, the yardstick for the guide page.

`/fixed` returns a fixed 20 KB string and `/row` renders one PostgreSQL row,
through Django's default middleware (as `startproject` writes it), with
debug off. Run under the same gunicorn settings as the portal, it says what
this machine can do at the moment of the run, so a busy machine shows as a
low yardstick rather than as a slow portal.

    gunicorn bench.baseline:application
"""

from __future__ import annotations

import os

import dj_database_url
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["DJANGO_SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    DATABASES={
        "default": dj_database_url.config(
            env="DATABASE_URL", conn_max_age=600, conn_health_checks=True
        )
    },
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    USE_TZ=True,
)

import django  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import path  # noqa: E402

django.setup()

FIXED = ("<p>" + "x" * 96 + "</p>\n") * 200  # 20,800 bytes
ROW_TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>{{ row.1 }}</title><p>{{ row.0 }}: {{ row.1 }} ({{ row.2 }})</p>"
)


def fixed(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FIXED)


def row(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id LIMIT 1")
        found = cursor.fetchone()
    return HttpResponse(ROW_TEMPLATE.render({"row": found}, request))


urlpatterns = [path("fixed", fixed), path("row", row)]
application = get_wsgi_application()
