"""Views of the programs domain (to be completed by its owner)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html")


def workspace(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html")
