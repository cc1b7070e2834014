from django.urls import path

from reminders import api

urlpatterns = [
    path("push/key", api.PushKeyView.as_view(), name="api-push-key"),
    path("push/subscriptions/", api.SubscriptionsView.as_view(), name="api-push-subscriptions"),
    path("push/subscriptions/<int:pk>/", api.SubscriptionDetailView.as_view(), name="api-push-subscription"),
    path("reminders/", api.SchedulesView.as_view(), name="api-reminders"),
    path("reminders/test", api.TestNotificationView.as_view(), name="api-reminders-test"),
    path("reminders/snooze", api.SnoozeView.as_view(), name="api-reminders-snooze"),
    path("reminders/<int:pk>/", api.ScheduleDetailView.as_view(), name="api-reminder"),
]
