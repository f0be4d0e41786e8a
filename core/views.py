"""Home page and the role-dispatching dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.permissions import roles_of


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return render(request, "core/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Send each user to the home of the role they hold (an applicant first)."""
    roles = roles_of(request.user)
    if roles.applicant_id is not None:
        return redirect("applicants:dashboard")
    if roles.is_program_staff or roles.school_ids:
        return redirect("programs:workspace")
    if roles.match_admin:
        return redirect("matchruns:admin_home")
    if roles.provinces:
        return redirect("applicants:provincial_list")
    return redirect("applicants:register")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the load balancer."""
    return HttpResponse("ok", content_type="text/plain")
