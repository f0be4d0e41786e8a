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
from core.pdf import pdf_response
from core.permissions import require, roles_of
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import current_cycle, current_iteration, has_passed
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
    for application in applications:
        application.checklist = selectors.application_checklist(application)  # type: ignore[attr-defined]
    schedule = schedule_of(cycle)
    iteration = current_iteration()
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
            "iteration": iteration,
            "notes_open": iteration is not None
            and has_passed(iteration, MilestoneKind.APPLICATION_DEADLINE)
            and not has_passed(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE),
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


# --- The application a program receives: preview, PDF ----------------------------------------


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's preview: exactly what the program receives, without reference content."""
    _applicant, application = _mine(request, pk)
    assembled = selectors.assemble_application(application, viewer=request.user)
    return render(
        request,
        "applications/preview.html",
        {"app": assembled, "application": application, "pdf_url": "applications:preview_pdf"},
    )


@login_required
def preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _applicant, application = _mine(request, pk)
    assembled = selectors.assemble_application(application, viewer=request.user)
    return pdf_response(
        request,
        "applications/application_pdf.html",
        {"app": assembled},
        filename=f"application-{application.program.code}.pdf",
    )


# --- Assigning many items to many applications -----------------------------------------------


@login_required
def bulk(request: HttpRequest) -> HttpResponse:
    """A matrix: rows = documents, references, letters; columns = applications."""
    applicant, cycle = _me_and_cycle(request)
    applications, rows = selectors.assignment_matrix(applicant, cycle)
    if request.method == "POST":
        add, remove = [], []
        for row in rows:
            everywhere = request.POST.get(f"all-{row.kind}-{row.item.pk}") == "on"
            for cell in row.cells:
                if not cell.enabled:
                    continue  # a locked letter or another program's letter: never changed here
                wanted = everywhere or request.POST.get(cell.name) == "on"
                if wanted and not cell.checked:
                    add.append((row.item, cell.application))
                elif not wanted and cell.checked:
                    remove.append((row.item, cell.application))
        try:
            changes = services.assignments_apply(applicant=applicant, add=add, remove=remove)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Saved: %(added)s assigned, %(removed)s unassigned.")
                % {"added": changes.added, "removed": changes.removed},
            )
        return redirect("applications:bulk")
    return render(
        request,
        "applications/bulk.html",
        {"applications": applications, "rows": rows, "iteration": current_iteration()},
    )


# --- Notes to a program ----------------------------------------------------------------------


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    applicant, application = _mine(request, pk)
    try:
        services.application_note_add(
            applicant=applicant, application=application, text=request.POST.get("text", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your note was sent to the program."))
    return redirect("applications:mine")


# --- The program's reader: now the file review list and reader (review app) --------------------


def _to(request: HttpRequest, url: str) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
def program(request: HttpRequest, code: str) -> HttpResponse:
    """The submitted applications to a program: the file review list (which checks access)."""
    return _to(request, reverse("review:list", args=[code]))


@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """One submitted application: the file review reader (which checks access and logs it)."""
    return _to(request, reverse("review:reader", args=[pk]))


@login_required
def read_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _to(request, reverse("review:reader_pdf", args=[pk]))
