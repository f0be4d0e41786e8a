"""The applicant's applications: choose programs, see the fee, submit, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.models import ApplicantProfile
from applications import selectors, services
from applications.models import Application, ApplicationStatus
from core.errors import DomainError
from core.permissions import require, roles_of
from cycles.models import Cycle
from cycles.selectors import current_cycle, current_iteration
from fees.selectors import fee_due_for, schedule_of
from programs.models import Program


def _me_and_cycle(request: HttpRequest) -> tuple[ApplicantProfile, Cycle]:
    require(request.user, "applicant.act")
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id), cycle


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    applicant, cycle = _me_and_cycle(request)
    applications = selectors.applications_of(applicant, cycle)
    schedule = schedule_of(cycle)
    programs_after_submit = len({a.program_id for a in applications})
    return render(
        request,
        "applications/mine.html",
        {
            "applications": applications,
            "pending": [a for a in applications if a.status == ApplicationStatus.SELECTED],
            "fee_after_submit": fee_due_for(schedule=schedule, program_count=programs_after_submit)
            if schedule
            else None,
            "iteration": current_iteration(),
        },
    )


@login_required
@require_POST
def select(request: HttpRequest) -> HttpResponse:
    applicant, cycle = _me_and_cycle(request)
    code = request.POST.get("code", "").strip()
    program = Program.objects.filter(cycle=cycle, code__iexact=code).first()
    if program is None:
        messages.error(request, _("No program has the code “%(code)s”.") % {"code": code})
        return redirect("applications:mine")
    try:
        services.application_select(applicant=applicant, program=program)
    except DomainError as exc:
        if exc.code == "return_of_service":
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    exc.message,
                    reverse("applicants:can_apply", args=[program.code]),
                    _("Read the terms"),
                ),
            )
        else:
            messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(program)s was added to your applications.") % {"program": program.name}
        )
    return redirect("applications:mine")


@login_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    applicant, cycle = _me_and_cycle(request)
    try:
        submitted = services.applications_submit(applicant=applicant, cycle=cycle)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(n)s applications submitted. The fee was added to your account.")
            % {"n": len(submitted)},
        )
    return redirect("applications:mine")


def _mine(request: HttpRequest, pk: int) -> tuple[ApplicantProfile, Application]:
    applicant, _cycle = _me_and_cycle(request)
    application = get_object_or_404(
        Application.objects.select_related("program__cycle"), pk=pk, applicant=applicant
    )
    return applicant, application


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    applicant, application = _mine(request, pk)
    try:
        services.application_remove(applicant=applicant, application=application)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("applications:mine")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    applicant, application = _mine(request, pk)
    try:
        services.application_withdraw(applicant=applicant, application=application)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("applications:mine")
