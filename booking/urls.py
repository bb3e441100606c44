from django.urls import path

from booking import family_views, views

app_name = "booking"

urlpatterns = [
    path("book/", views.request_visit, name="request"),
    path("book/received/", views.request_received, name="received"),
    # Before request/<token>/, which would otherwise take "erased" for a token.
    path("request/erased/", views.request_erased, name="erased"),
    path("request/<str:token>/", views.request_status, name="status"),
    path("request/<str:token>/cancel/", views.request_cancel, name="cancel"),
    path("request/<str:token>/confirm/", family_views.request_confirm, name="confirm"),
    path("request/<str:token>/move/", family_views.request_move, name="move"),
    path("request/<str:token>/withdraw/", views.request_withdraw, name="withdraw"),
    path("privacy/", views.privacy_notice, name="privacy"),
]
