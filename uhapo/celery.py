"""The Celery app. Tasks carry row ids only; PostgreSQL holds every message."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uhapo.settings")

app = Celery("uhapo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
