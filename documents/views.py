"""Pages of the documents domain: the applicant's tracking page (uploads, reuse, assignments,
translations, personal letters), the file download, and the administrator's processing queue."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from core.errors import DomainError
from core.permissions import require, roles_of
from cycles.deadlines import format_toronto
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import current_cycle, iteration_of, milestone_at
from documents import selectors, services
from documents.forms import FileForm, LetterForm, UploadForm
from documents.models import Document, DocumentAssignment, PersonalLetter, StatusVerification
from programs.models import Program


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.select_related("user").get(
        pk=roles_of(request.user).applicant_id
    )


def _cycle() -> Cycle:
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return cycle


def _own_document(request: HttpRequest, document_id: int) -> tuple[ApplicantProfile, Document]:
    me = _me(request)
    document = get_object_or_404(Document.objects.select_related("cycle"), pk=document_id)
    if document.applicant_id != me.pk:
        raise Http404
    return me, document


def _attempt(request: HttpRequest, action, success: str) -> None:  # type: ignore[no-untyped-def]
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Every document with its type, source, language, status and reason; the upload form."""
    me = _me(request)
    cycle = _cycle()
    iteration = iteration_of(cycle)
    cutoff = services.translation_cutoff(iteration) if iteration else None
    deadline = milestone_at(iteration, MilestoneKind.APPLICATION_DEADLINE) if iteration else None
    documents = list(selectors.documents_of(me, cycle))
    return render(
        request,
        "documents/mine.html",
        {
            "documents": documents,
            "earlier": list(selectors.earlier_documents_of(me, cycle)),
            "applications": list(selectors.applications_of(me, cycle)),
            "letters": {letter.program_id: letter for letter in selectors.letters_of(me, cycle)},
            "verified": selectors.verified_status(me),
            "verifications": list(selectors.verifications_of(me)[:3]),
            "form": UploadForm(),
            "translatable": services.TRANSLATABLE,
            "translation_cutoff": format_toronto(cutoff) if cutoff else "",
            "translation_open": cutoff is not None and timezone.now() < cutoff,
            "application_deadline": format_toronto(deadline) if deadline else "",
            "cycle": cycle,
        },
    )


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("documents:mine")
    file = form.cleaned_data["file"]
    _attempt(
        request,
        lambda: services.document_upload(
            applicant=me,
            cycle=current_cycle(),
            doc_type=form.cleaned_data["type"],
            language=form.cleaned_data["language"],
            title=form.cleaned_data["title"],
            upload=file,
            filename=file.name,
        ),
        _("Document uploaded. Its status is “Uploaded” until the administrator processes it."),
    )
    return redirect("documents:mine")


@login_required
def download(request: HttpRequest, document_id: int) -> HttpResponse:
    """Stream the file, only to those ``document.view`` allows; never shown inline. A program's
    download is logged in its file review (the reader's own link logs it there instead)."""
    document = get_object_or_404(Document, pk=document_id)
    response = serve_document(request, document)
    from review.services import document_download_record

    document_download_record(user=request.user, document=document)
    return response


def serve_document(request: HttpRequest, document: Document) -> HttpResponse:
    """The file of ``document`` as an attachment, after ``document.view``."""
    require(request.user, "document.view", document)
    if not document.file:
        raise Http404(_("This document has not arrived yet."))
    extension = document.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.get_type_display()}-{document.pk}.{extension}",
        content_type=document.mime or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def reuse(request: HttpRequest, document_id: int) -> HttpResponse:
    me, document = _own_document(request, document_id)
    cycle = _cycle()
    _attempt(
        request,
        lambda: services.document_reuse(applicant=me, document=document, cycle=cycle),
        _("Document copied into the current cycle, with its status."),
    )
    return redirect("documents:mine")


@login_required
@require_POST
def assign(request: HttpRequest, document_id: int) -> HttpResponse:
    me, document = _own_document(request, document_id)
    if request.POST.get("application") == "all":
        _attempt(
            request,
            lambda: services.document_assign_all(applicant=me, document=document),
            _("Document assigned to all your applications."),
        )
        return redirect("documents:mine")
    application = (
        Application.objects.filter(pk=_int(request.POST.get("application")), applicant=me)
        .select_related("program__cycle")
        .first()
    )
    if application is None:
        messages.error(request, _("Choose one of your applications."))
        return redirect("documents:mine")
    _attempt(
        request,
        lambda: services.document_assign(applicant=me, document=document, application=application),
        _("Document assigned to %(program)s.") % {"program": application.program.name},
    )
    return redirect("documents:mine")


@login_required
@require_POST
def unassign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    me = _me(request)
    assignment = get_object_or_404(DocumentAssignment, pk=assignment_id, document__applicant=me)
    _attempt(
        request,
        lambda: services.document_unassign(applicant=me, assignment=assignment),
        _("Document taken back from the application."),
    )
    return redirect("documents:mine")


@login_required
@require_POST
def translate(request: HttpRequest, document_id: int) -> HttpResponse:
    me, document = _own_document(request, document_id)
    _attempt(
        request,
        lambda: services.translation_request(applicant=me, document=document),
        _(
            "Translation requested; the fee was added to your account. It will be back before "
            "file review opens."
        ),
    )
    return redirect("documents:mine")


@login_required
@require_POST
def outside_translation(request: HttpRequest, document_id: int) -> HttpResponse:
    me, document = _own_document(request, document_id)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file of the translation."))
        return redirect("documents:mine")
    file = form.cleaned_data["file"]
    _attempt(
        request,
        lambda: services.outside_translation_upload(
            applicant=me, document=document, upload=file, filename=file.name
        ),
        _("Translation uploaded."),
    )
    return redirect("documents:mine")


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# --- Personal letters -------------------------------------------------------------------------


@login_required
def letter_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    """Write the personal letter for one program (locked once assigned)."""
    me = _me(request)
    program = get_object_or_404(Program.objects.select_related("cycle", "school"), pk=program_id)
    letter = PersonalLetter.objects.filter(applicant=me, program=program).first()
    initial = {"text": letter.text, "language": letter.language} if letter else {}
    form = LetterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.personal_letter_save(
                applicant=me,
                program=program,
                text=form.cleaned_data["text"],
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Letter saved."))
            return redirect("documents:letter_edit", program_id=program.pk)
    return render(
        request, "documents/letter_edit.html", {"form": form, "letter": letter, "program": program}
    )


@login_required
@require_POST
def letter_assign(request: HttpRequest, letter_id: int) -> HttpResponse:
    me = _me(request)
    letter = get_object_or_404(PersonalLetter, pk=letter_id, applicant=me)
    _attempt(
        request,
        lambda: services.personal_letter_assign(applicant=me, letter=letter),
        _("Letter assigned to your application; it is now locked."),
    )
    return redirect("documents:letter_edit", program_id=letter.program_id)


@login_required
def letter_view(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = get_object_or_404(
        PersonalLetter.objects.select_related("program__school", "applicant"), pk=letter_id
    )
    require(request.user, "letter.view", letter)
    return render(request, "documents/letter_view.html", {"letter": letter})


# --- What a program sees of an application ----------------------------------------------------


@login_required
def application_file(request: HttpRequest, application_id: int) -> HttpResponse:
    """The documents and the personal letter an applicant assigned to an application, with
    their late marks: the program's staff (and its school's PGME office, the administrator),
    once the application is submitted."""
    application = get_object_or_404(
        Application.objects.select_related("applicant", "program__school"), pk=application_id
    )
    require(request.user, "program.view_applications", application.program)
    if application.status != ApplicationStatus.SUBMITTED:  # as the reader: submitted only
        raise Http404(_("This application has not been submitted."))
    return render(
        request,
        "documents/application_file.html",
        {
            "application": application,
            "assignments": list(selectors.assignments_of(application)),
            "letter": selectors.assigned_letter(application),
        },
    )


# --- The administrator's processing page ------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "document.process")
    return render(
        request,
        "documents/queue.html",
        {"documents": list(selectors.documents_to_process()[:200])},
    )


def _queue_document(request: HttpRequest, document_id: int) -> Document:
    require(request.user, "document.process")
    return get_object_or_404(Document, pk=document_id)


@login_required
@require_POST
def process(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _queue_document(request, document_id)
    _attempt(
        request,
        lambda: services.document_process(actor=request.user, document=document),
        _("Marked processed."),
    )
    return redirect("documents:queue")


@login_required
@require_POST
def reject(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _queue_document(request, document_id)
    _attempt(
        request,
        lambda: services.document_reject(
            actor=request.user, document=document, reason=request.POST.get("reason", "")
        ),
        _("Rejected; the applicant was told by e-mail."),
    )
    return redirect("documents:queue")


def _verification(request: HttpRequest, verification_id: int) -> StatusVerification:
    require(request.user, "document.process")
    return get_object_or_404(StatusVerification, pk=verification_id)


@login_required
@require_POST
def status_verify(request: HttpRequest, verification_id: int) -> HttpResponse:
    verification = _verification(request, verification_id)
    _attempt(
        request,
        lambda: services.status_verify(actor=request.user, verification=verification),
        _("Citizenship or legal status verified."),
    )
    return redirect("documents:queue")


@login_required
@require_POST
def status_reject(request: HttpRequest, verification_id: int) -> HttpResponse:
    verification = _verification(request, verification_id)
    _attempt(
        request,
        lambda: services.status_reject(
            actor=request.user, verification=verification, reason=request.POST.get("reason", "")
        ),
        _("Proof rejected; the applicant was told by e-mail."),
    )
    return redirect("documents:queue")


# --- Translations of references ---------------------------------------------------------------
# The applicant sees the state of a reference's translation, never its text.


def _own_reference(request: HttpRequest, reference_id: str):  # type: ignore[no-untyped-def]
    from references.models import ReferenceRequest

    me = _me(request)
    reference = get_object_or_404(
        ReferenceRequest.objects.select_related("cycle"), reference_id=reference_id.upper()
    )
    if reference.applicant_id != me.pk:
        raise Http404
    require(request.user, "reference.manage", reference)
    return me, reference


@login_required
def reference_translate(request: HttpRequest, reference_id: str) -> HttpResponse:
    """Confirm a translation of a received reference (the fee is shown first), then request it."""
    me, reference = _own_reference(request, reference_id)
    if request.method == "POST":
        language = str(request.POST.get("to_language") or "")
        try:
            services.reference_translation_request(
                applicant=me, reference=reference, to_language=language
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("documents:reference_translate", reference.reference_id)
        messages.success(
            request,
            _(
                "Translation requested; the fee was added to your account. It will be back "
                "before file review opens and goes with the reference to your programs."
            ),
        )
        return redirect("references:mine")
    iteration = iteration_of(reference.cycle)
    cutoff = services.translation_cutoff(iteration) if iteration else None
    deadline = milestone_at(iteration, MilestoneKind.APPLICATION_DEADLINE) if iteration else None
    fee = services.translation_fee_cents(reference.cycle)
    target = "en" if reference.referee_language == "fr" else "fr"
    return render(
        request,
        "documents/reference_translate.html",
        {
            "reference": reference,
            "translations": selectors.reference_translations(reference),
            "fee": Decimal(fee) / 100 if fee is not None else None,
            "cutoff": format_toronto(cutoff) if cutoff else "",
            "deadline": format_toronto(deadline) if deadline else "",
            "is_open": cutoff is not None and timezone.now() < cutoff,
            "target": target,
            "both_languages": me.application_languages == "both",
        },
    )


@login_required
@require_POST
def reference_outside_translation(request: HttpRequest, reference_id: str) -> HttpResponse:
    """Refused, with the reason: the applicant never reads a reference."""
    me, reference = _own_reference(request, reference_id)
    file = request.FILES.get("file")
    try:
        services.reference_outside_translation_upload(
            applicant=me, reference=reference, upload=file, filename=getattr(file, "name", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("documents:reference_translate", reference.reference_id)


@login_required
def reference_translation_file(request: HttpRequest, translation_id: int) -> HttpResponse:
    """The translated reference: where the reference's content is readable
    (``reference.read_content``) — never the applicant."""
    from documents.models import TranslationRequest
    from references.services import reference_content_opened

    translation = get_object_or_404(
        TranslationRequest.objects.select_related("reference"),
        pk=translation_id,
        reference__isnull=False,
    )
    require(request.user, "reference.read_content", translation.reference)
    if not translation.file:
        raise Http404(_("This translation has not been delivered yet."))
    reference_content_opened(actor=request.user, request=translation.reference)
    response = FileResponse(
        translation.file.open("rb"),
        as_attachment=True,
        filename=f"{translation.reference.reference_id}-{translation.to_language}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
