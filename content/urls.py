from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
    path("guide/<slug:slug>/", views.page, name="page"),
]
