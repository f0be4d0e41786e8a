"""Views of the matchruns domain (to be completed by its owner)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def admin_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html")
