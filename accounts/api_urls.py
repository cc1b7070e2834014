from django.urls import path

from accounts.api import AccountView

urlpatterns = [
    path("account/", AccountView.as_view(), name="api-account"),
]
