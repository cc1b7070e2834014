from django.urls import include, path

from frontend import pwa_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
    path("offline/", views.offline, name="offline"),
    # Ours first: the worker needs the precache list, the manifest keys django-pwa's template lacks.
    path("serviceworker.js", pwa_views.service_worker, name="serviceworker"),
    path("manifest.json", pwa_views.manifest, name="manifest"),
    # django-pwa's own routes (all shadowed above; kept so its URL names resolve as documented).
    path("", include("pwa.urls")),
]
