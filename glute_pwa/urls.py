from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from glute_pwa.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("guide/", include("guide.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("accounts.api_urls")),
    path("api/", include("journal.api_urls")),
    path("api/", include("journal.trends.urls")),
    path("api/", include("reminders.api_urls")),
    path("", include("journal.urls")),
    path("", include("reminders.urls")),
    path("", include("frontend.urls")),
]
