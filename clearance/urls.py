from django.urls import path

from clearance import views

app_name = "clearance"

urlpatterns = [
    path("request/<str:token>/documents/", views.document_send, name="send"),
]
