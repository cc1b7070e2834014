from django.urls import path

from journal.trends.api import TrendsView

urlpatterns = [
    path("trends/", TrendsView.as_view(), name="api-trends"),
]
