from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("time-zone/", views.time_zone_update, name="time-zone-update"),
    path("", include("django.contrib.auth.urls")),
]
