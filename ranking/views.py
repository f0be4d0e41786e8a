"""Views of the ranking domain (to be completed by its owner)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def applicant(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html")
