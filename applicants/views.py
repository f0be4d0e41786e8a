"""Views of the applicants domain (to be completed by its owner)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html")


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html")


def provincial_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html")
