from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guide.pages import RED_FLAGS_URL
from journal.vocabulary import vocabulary_json


@login_required
def journal_page(request: HttpRequest) -> HttpResponse:
    return render(request, "journal/journal.html")


@login_required
def trends_page(request: HttpRequest) -> HttpResponse:
    # The page computes its charts in the browser from IndexedDB (works offline).
    return render(
        request, "journal/trends.html", {"vocabulary": vocabulary_json(), "red_flags_url": RED_FLAGS_URL}
    )
