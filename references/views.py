"""Pages of references.

- the applicant: requests (create, edit a draft, finalise, re-send, withdraw, cover sheet),
  early letters claimed by ID, assignment to programs — states only, never the content;
- the referee, without an account, through the link of one request;
- program staff and the match administrator: which references each application has, and the
  content behind ``reference.read_content``; the administrator records early letters.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from applicants.models import ApplicantProfile
from applications.models import Application
from core.errors import DomainError
from core.pdf import pdf_response
from core.permissions import can, require, roles_of
from cycles.deadlines import format_toronto
from cycles.models import Cycle
from cycles.selectors import current_cycle, current_iteration
from programs.models import Program
from references import selectors, services
from references.forms import ClaimForm, PlaceholderForm, RequestForm, UploadForm, answers_form
from references.models import ReferenceAssignment, ReferenceKind, ReferenceRequest


def _cycle() -> Cycle:
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return cycle


def _me_and_cycle(request: HttpRequest) -> tuple[ApplicantProfile, Cycle]:
    require(request.user, "applicant.act")
    cycle = _cycle()
    return ApplicantProfile.objects.select_related("user").get(
        pk=roles_of(request.user).applicant_id
    ), cycle


def _my_request(request: HttpRequest, reference_id: str) -> tuple[ApplicantProfile, Any]:
    """The signed-in applicant's own request: 403 for anyone else's (or anyone not its owner)."""
    require(request.user, "applicant.act")
    reference = get_object_or_404(
        ReferenceRequest.objects.select_related("discipline", "cycle"),
        reference_id=reference_id.upper(),
    )
    require(request.user, "reference.manage", reference)
    applicant = ApplicantProfile.objects.select_related("user").get(pk=reference.applicant_id)
    return applicant, reference


# --- Applicant --------------------------------------------------------------------------------


def _mine_page(
    request: HttpRequest,
    applicant: ApplicantProfile,
    cycle: Cycle,
    *,
    form: RequestForm | None = None,
    claim: ClaimForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "references/mine.html",
        {
            "requests": selectors.requests_of(applicant, cycle),
            "by_application": selectors.references_by_application(applicant, cycle),
            "form": form or RequestForm(),
            "claim": claim or ClaimForm(),
            "iteration": current_iteration(),
        },
        status=status,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    applicant, cycle = _me_and_cycle(request)
    return _mine_page(request, applicant, cycle)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    applicant, cycle = _me_and_cycle(request)
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _mine_page(request, applicant, cycle, form=form, status=400)
    try:
        reference = services.reference_request_create(
            applicant=applicant, cycle=cycle, **form.service_kwargs()
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _mine_page(request, applicant, cycle, form=form, status=400)
    messages.success(
        request,
        _("Request %(id)s saved as a draft. Check it, then send it to your referee.")
        % {"id": reference.reference_id},
    )
    return redirect("references:detail", reference.reference_id)


@login_required
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    applicant, cycle = _me_and_cycle(request)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _mine_page(request, applicant, cycle, claim=form, status=400)
    try:
        reference = services.reference_claim_placeholder(
            applicant=applicant, cycle=cycle, reference_id=form.cleaned_data["reference_id"]
        )
    except DomainError as exc:
        form.add_error("reference_id", exc.message)
        return _mine_page(request, applicant, cycle, claim=form, status=400)
    messages.success(
        request,
        _("The early letter %(id)s is now in your references. Assign it to your programs.")
        % {"id": reference.reference_id},
    )
    return redirect("references:detail", reference.reference_id)


def _detail_page(
    request: HttpRequest,
    applicant: ApplicantProfile,
    reference: ReferenceRequest,
    *,
    form: RequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    assignments = {
        a.application_id: a
        for a in ReferenceAssignment.objects.filter(request=reference).select_related("application")
    }
    return render(
        request,
        "references/detail.html",
        {
            "reference": reference,
            "form": form or (RequestForm(instance=reference) if reference.is_editable else None),
            "applications": selectors.applications_for_assignment(applicant, reference.cycle),
            "assignments": assignments,
            "iteration": current_iteration(),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, reference_id: str) -> HttpResponse:
    applicant, reference = _my_request(request, reference_id)
    return _detail_page(request, applicant, reference)


@login_required
@require_POST
def edit(request: HttpRequest, reference_id: str) -> HttpResponse:
    applicant, reference = _my_request(request, reference_id)
    form = RequestForm(request.POST, instance=ReferenceRequest.objects.get(pk=reference.pk))
    if not form.is_valid():
        return _detail_page(request, applicant, reference, form=form, status=400)
    try:
        services.reference_request_update(
            applicant=applicant, request=reference, **form.service_kwargs()
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _detail_page(request, applicant, reference, form=form, status=400)
    messages.success(request, _("Your changes were saved."))
    return redirect("references:detail", reference.reference_id)


def _act(
    request: HttpRequest, reference_id: str, action: Any, success: str
) -> tuple[ApplicantProfile, ReferenceRequest, bool]:
    applicant, reference = _my_request(request, reference_id)
    try:
        action(applicant=applicant, request=reference)
    except DomainError as exc:
        messages.error(request, exc.message)
        return applicant, reference, False
    messages.success(request, success)
    return applicant, reference, True


@login_required
@require_POST
def finalise(request: HttpRequest, reference_id: str) -> HttpResponse:
    _applicant, reference, _ok = _act(
        request,
        reference_id,
        services.reference_request_finalise,
        _("The request was sent. You will see here when the reference arrives."),
    )
    return redirect("references:detail", reference.reference_id)


@login_required
@require_POST
def resend(request: HttpRequest, reference_id: str) -> HttpResponse:
    _applicant, reference, _ok = _act(
        request,
        reference_id,
        services.reference_request_resend,
        _("A new link was e-mailed to your referee; the previous link no longer works."),
    )
    return redirect("references:detail", reference.reference_id)


@login_required
@require_POST
def withdraw(request: HttpRequest, reference_id: str) -> HttpResponse:
    _applicant, reference, _ok = _act(
        request,
        reference_id,
        services.reference_request_withdraw,
        _("The request was withdrawn; its link no longer works."),
    )
    return redirect("references:detail", reference.reference_id)


@login_required
@require_POST
def cover_sheet(request: HttpRequest, reference_id: str) -> HttpResponse:
    """A printable cover sheet with a new link (earlier links of this request stop working)."""
    applicant, reference = _my_request(request, reference_id)
    try:
        token = services.reference_cover_sheet_link(applicant=applicant, request=reference)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("references:detail", reference.reference_id)
    reference.refresh_from_db()
    url = request.build_absolute_uri(reverse("references:referee", args=[token]))
    response = pdf_response(
        request,
        "references/cover_sheet.html",
        {
            "reference": reference,
            "applicant": applicant,
            "url": url,
            "token": token,
            "expires": format_toronto(reference.token_expires_at),
            "printed_at": format_toronto(timezone.now()),
        },
        filename=f"cover-sheet-{reference.reference_id}.pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def assign(request: HttpRequest, reference_id: str) -> HttpResponse:
    applicant, reference = _my_request(request, reference_id)
    application = Application.objects.select_related("program").filter(
        pk=request.POST.get("application") or 0, applicant=applicant
    )
    target = application.first()
    if target is None:
        messages.error(request, _("Choose one of your applications."))
        return redirect("references:detail", reference.reference_id)
    try:
        assignment = services.reference_assign(
            applicant=applicant, request=reference, application=target
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = _("%(id)s is assigned to %(program)s.") % {
            "id": reference.reference_id,
            "program": target.program.name,
        }
        if assignment.is_late:
            text += " " + _("The assignment is after the application deadline: marked late.")
        messages.success(request, text)
    return redirect("references:detail", reference.reference_id)


@login_required
@require_POST
def unassign(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "applicant.act")
    assignment = get_object_or_404(
        ReferenceAssignment.objects.select_related("request__cycle", "application__program"),
        pk=pk,
    )
    require(request.user, "reference.manage", assignment.request)
    applicant = ApplicantProfile.objects.select_related("user").get(
        pk=assignment.request.applicant_id
    )
    reference_id = assignment.request.reference_id
    try:
        services.reference_unassign(applicant=applicant, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The reference was unassigned from that program."))
    return redirect("references:detail", reference_id)


# --- Referee (no account) ---------------------------------------------------------------------


@never_cache
def referee(request: HttpRequest, token: str) -> HttpResponse:
    """What the request is, and the upload or the online form. A dead link gets a clear page."""
    reference = selectors.request_for_token(token)
    if reference is None:
        return render(request, "references/referee_closed.html", {"unknown": True}, status=404)
    if (
        reference.applicant_id is not None
        and roles_of(request.user).applicant_id == reference.applicant_id
    ):
        # The applicant never fills in or reads their own reference, even with the link of
        # a cover sheet they printed.
        raise PermissionDenied("reference.referee")
    reason = services.referee_closed_reason(reference)
    if reason:
        return render(
            request,
            "references/referee_closed.html",
            {"reason": reason, "reference": reference},
            status=410,
        )
    form_def, title, questions = selectors.form_for(reference)
    narrative = reference.kind == ReferenceKind.NARRATIVE
    if request.method == "POST":
        if narrative:
            form: Any = UploadForm(request.POST, request.FILES)
        else:
            form = answers_form(questions, request.POST)
        if form.is_valid():
            try:
                if narrative:
                    services.reference_submit_letter(
                        request=reference, token=token, uploaded_file=form.cleaned_data["letter"]
                    )
                else:
                    services.reference_submit_form(
                        request=reference,
                        token=token,
                        answers=form.cleaned_data,
                        form=form_def,
                        questions=questions,
                    )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return render(request, "references/referee_thanks.html", {"reference": reference})
        status = 400
    else:
        form = UploadForm() if narrative else answers_form(questions)
        status = 200
    return render(
        request,
        "references/referee.html",
        {
            "reference": reference,
            "form": form,
            "narrative": narrative,
            "title": title,
            "token": token,
            "expires": format_toronto(reference.token_expires_at)
            if reference.token_expires_at
            else "",
        },
        status=status,
    )


# --- Programs and the match administrator -----------------------------------------------------


@login_required
def program(request: HttpRequest, code: str) -> HttpResponse:
    """Per submitted application to the program: the references assigned, whether they arrived,
    and a link to read those the viewer may read."""
    program = get_object_or_404(Program.objects.select_related("school"), cycle=_cycle(), code=code)
    require(request.user, "program.view_applications", program)
    rows = selectors.references_for_program(program)
    readable = {
        a.request_id
        for row in rows
        for a in row.assignments
        if a.request.received_at and can(request.user, "reference.read_content", a.request)
    }
    return render(
        request,
        "references/program.html",
        {"program": program, "rows": rows, "readable": readable},
    )


@login_required
@never_cache
def content(request: HttpRequest, reference_id: str) -> HttpResponse:
    """The letter (PDF) or the answers: ``reference.read_content`` only — never the applicant."""
    reference = get_object_or_404(
        ReferenceRequest.objects.select_related("applicant", "discipline"),
        reference_id=reference_id.upper(),
    )
    require(request.user, "reference.read_content", reference)
    found = selectors.content_of(reference)
    if found is None:
        raise Http404(_("This reference has not arrived yet."))
    services.reference_content_opened(actor=request.user, request=reference)
    if found.file_name:
        response = FileResponse(
            storages["private"].open(found.file_name, "rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{reference.reference_id}.pdf",
        )
        response["Cache-Control"] = "no-store, private"
        return response
    from references import questions as q

    answers = [
        {
            "label": q.label(question),
            "type": question["type"],
            "value": found.answers.get(question["key"]),
        }
        for question in (found.questions or [])
    ]
    response = render(
        request,
        "references/content.html",
        {"reference": reference, "content": found, "answers": answers},
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def early_letters(request: HttpRequest) -> HttpResponse:
    """The match administrator records an early letter under a placeholder request."""
    require(request.user, "match.administer")
    cycle = _cycle()
    form = PlaceholderForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                reference = services.reference_placeholder_create(
                    actor=request.user,
                    cycle=cycle,
                    referee_name=data["referee_name"],
                    referee_email=data.get("referee_email") or "",
                    intended_matching_id=data["intended_matching_id"],
                    kind=data["kind"],
                    uploaded_file=data["letter"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Early letter recorded as %(id)s. Give this ID to the applicant: they "
                        "enter it on their references page."
                    )
                    % {"id": reference.reference_id},
                )
                return redirect("references:early_letters")
        status = 400
    return render(
        request,
        "references/early_letters.html",
        {"form": form, "placeholders": selectors.placeholders(cycle)},
        status=status,
    )
