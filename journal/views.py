from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def journal_page(request: HttpRequest) -> HttpResponse:
    return render(request, "journal/journal.html")


@login_required
def trends_page(request: HttpRequest) -> HttpResponse:
    return render(request, "journal/trends.html")
