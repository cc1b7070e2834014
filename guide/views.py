from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def guide_index(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/index.html")
