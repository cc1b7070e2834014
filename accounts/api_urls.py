from django.urls import path

from accounts.api import AccountView, ExportView, ImportView, TokenView

urlpatterns = [
    path("account/", AccountView.as_view(), name="api-account"),
    path("export", ExportView.as_view(), name="api-export"),
    path("import", ImportView.as_view(), name="api-import"),
    path("auth/token", TokenView.as_view(), name="api-auth-token"),
]
