from django.urls import path

from journal.api import MassageSessionViewSet, PainEntryViewSet, SyncPullView, SyncPushView, SyncSessionView

LIST_ACTIONS = {"get": "list", "post": "create"}
DETAIL_ACTIONS = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("entries/", PainEntryViewSet.as_view(LIST_ACTIONS), name="api-entries"),
    path("entries/<str:pk>/", PainEntryViewSet.as_view(DETAIL_ACTIONS), name="api-entry"),
    path("massages/", MassageSessionViewSet.as_view(LIST_ACTIONS), name="api-massages"),
    path("massages/<str:pk>/", MassageSessionViewSet.as_view(DETAIL_ACTIONS), name="api-massage"),
    path("sync/push", SyncPushView.as_view(), name="api-sync-push"),
    path("sync/pull", SyncPullView.as_view(), name="api-sync-pull"),
    path("sync/session", SyncSessionView.as_view(), name="api-sync-session"),
]
