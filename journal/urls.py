from django.urls import path

from journal import views
from journal.trends.report import trends_report, trends_report_pdf

urlpatterns = [
    path("journal/", views.journal_page, name="journal"),
    path("trends/", views.trends_page, name="trends"),
    path("trends/report/", trends_report, name="trends-report"),
    path(
        "journal/devices/<uuid:client_id>/revoke/", views.sync_client_revoke_view, name="sync-client-revoke"
    ),
    path("trends/report/pdf/", trends_report_pdf, name="trends-report-pdf"),
]
