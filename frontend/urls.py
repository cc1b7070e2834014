from django.urls import include, path

from frontend import views

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
    path("offline/", views.offline, name="offline"),
    # django-pwa: /manifest.json and /serviceworker.js
    path("", include("pwa.urls")),
]
