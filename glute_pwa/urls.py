from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import privacy
from core.health import healthz
from core.metrics import metrics

# Swagger UI (pinned by drf-spectacular-sidecar) injects one fixed <style> element; allow exactly
# that one by its hash rather than 'unsafe-inline'. tests/browser/test_csp.py fails if it changes.
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
api_docs = csp_update({"style-src": [SWAGGER_UI_STYLE_HASH]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("privacy/", privacy, name="privacy"),
    path("guide/", include("guide.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/", include("accounts.api_urls")),
    path("api/", include("journal.api_urls")),
    path("api/", include("journal.trends.urls")),
    path("api/", include("reminders.api_urls")),
    path("", include("journal.urls")),
    path("", include("reminders.urls")),
    path("", include("frontend.urls")),
]

handler403 = "frontend.views.permission_denied"
handler404 = "frontend.views.page_not_found"
handler500 = "frontend.views.server_error"
