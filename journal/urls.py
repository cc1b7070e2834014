from django.urls import path

from journal import views
from journal.trends.report import trends_report

urlpatterns = [
    path("journal/", views.journal_page, name="journal"),
    path("trends/", views.trends_page, name="trends"),
    path("trends/report/", trends_report, name="trends-report"),
]
