from django.urls import path

from booking import views

app_name = "booking"

urlpatterns = [
    path("book/", views.request_visit, name="request"),
    path("book/received/", views.request_received, name="received"),
    path("request/<str:token>/", views.request_status, name="status"),
    path("request/<str:token>/cancel/", views.request_cancel, name="cancel"),
]
