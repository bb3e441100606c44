from django.urls import path

from outbox import webhooks

app_name = "outbox"
urlpatterns = [
    path("webhooks/whatsapp/", webhooks.whatsapp, name="whatsapp_webhook"),
    path("webhooks/sms/", webhooks.sms, name="sms_webhook"),
]
