from django.urls import path

from aftercare import views

app_name = "aftercare"

urlpatterns = [
    path("checkin/<str:token>/", views.checkin_next, name="checkin"),
    path("checkin/<str:token>/result/", views.checkin_result, name="result"),
    path("checkin/<str:token>/card/", views.checkin_card, name="checkin_card"),
    path("checkin/<str:token>/<slug:group>/", views.checkin_group, name="group"),
    path("request/<str:token>/checkin/", views.checkin_start, name="start"),
    path("request/<str:token>/card/", views.request_card, name="request_card"),
]
