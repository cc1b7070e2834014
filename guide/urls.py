from django.urls import path

from guide import views

urlpatterns = [
    path("", views.guide_index, name="guide-index"),
    path("red-flag-check/", views.guide_selfcheck, name="guide-selfcheck"),
    path("<slug:slug>/", views.guide_page, name="guide-page"),
]
