from django.urls import path

from journal import views

urlpatterns = [
    path("journal/", views.journal_page, name="journal"),
    path("trends/", views.trends_page, name="trends"),
]
