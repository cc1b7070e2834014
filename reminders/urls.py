from django.urls import path

from reminders import views

urlpatterns: list = [
    path(
        "reminders/devices/<int:subscription_id>/revoke/",
        views.push_subscription_revoke_view,
        name="push-subscription-revoke",
    ),
]
