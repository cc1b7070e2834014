from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("time-zone/", views.time_zone_update, name="time-zone-update"),
    path("import/", views.data_import, name="data-import"),
    path("delete/", views.account_delete, name="account-delete"),
    path("api-token/", views.api_token_create, name="api-token-create"),
    path("api-token/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("", include("django.contrib.auth.urls")),
]
