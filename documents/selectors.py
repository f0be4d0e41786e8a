"""Reads of the documents domain. List reads use select_related/prefetch_related so a page makes
a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from cycles.models import Cycle
from documents.models import (
    Document,
    DocumentAssignment,
    DocumentStatus,
    PersonalLetter,
    StatusVerification,
    TranslationRequest,
    TranslationState,
    VerificationState,
)


def documents_of(applicant: ApplicantProfile, cycle: Cycle | None) -> QuerySet[Document]:
    """The applicant's documents of ``cycle`` and those not tied to a cycle (proof of status)."""
    where = Q(cycle__isnull=True)
    if cycle is not None:
        where |= Q(cycle=cycle)
    return (
        Document.objects.filter(applicant=applicant)
        .filter(where)
        .select_related("organisation", "translation_of", "cycle")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=DocumentAssignment.objects.select_related("application__program"),
            ),
            "translation_requests",
        )
        .order_by("type", "created_at", "id")
    )


def earlier_documents_of(applicant: ApplicantProfile, cycle: Cycle) -> QuerySet[Document]:
    """Documents of earlier cycles the applicant may reuse (not rejected, with a file)."""
    return (
        Document.objects.filter(
            applicant=applicant, cycle__isnull=False, cycle__year__lt=cycle.year
        )
        .exclude(status__in=[DocumentStatus.REJECTED, DocumentStatus.REQUESTED])
        .exclude(file="")
        .exclude(reuses__cycle=cycle)
        .select_related("cycle")
        .order_by("-cycle__year", "type")
    )


def applications_of(applicant: ApplicantProfile, cycle: Cycle) -> QuerySet[Application]:
    """Applications a document or letter may be assigned to (chosen or submitted)."""
    return (
        Application.objects.filter(applicant=applicant, program__cycle=cycle)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("program", "quota")
        .order_by("program__code")
    )


def letters_of(applicant: ApplicantProfile, cycle: Cycle) -> QuerySet[PersonalLetter]:
    return PersonalLetter.objects.filter(applicant=applicant, program__cycle=cycle).select_related(
        "program"
    )


def verifications_of(applicant: ApplicantProfile) -> QuerySet[StatusVerification]:
    return StatusVerification.objects.filter(applicant=applicant).select_related(
        "document", "organisation"
    )


def verified_status(
    applicant: ApplicantProfile, today: dt.date | None = None
) -> StatusVerification | None:
    """The verification that currently proves the applicant's status, if any."""
    today = today or timezone.localdate()
    return (
        StatusVerification.objects.filter(applicant=applicant, state=VerificationState.VERIFIED)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("-decided_at", "-id")
        .first()
    )


def citizenship_verified(applicant: ApplicantProfile) -> bool:
    """Whether the applicant's citizenship or legal status is verified (and not expired).
    Not tied to a cycle: it carries over to later iterations and cycles."""
    return verified_status(applicant) is not None


def documents_to_process() -> QuerySet[Document]:
    """The administrator's queue: uploaded or received documents, oldest first."""
    return (
        Document.objects.filter(status__in=[DocumentStatus.UPLOADED, DocumentStatus.RECEIVED])
        .exclude(file="")
        .select_related("applicant", "organisation", "cycle", "verification")
        .order_by("created_at", "id")
    )


def open_translations(translator_id: int | None = None) -> QuerySet[TranslationRequest]:
    qs = TranslationRequest.objects.exclude(state=TranslationState.DELIVERED).select_related(
        "document__applicant", "translation", "reference"
    )
    if translator_id is not None:
        qs = qs.filter(Q(translator__isnull=True) | Q(translator_id=translator_id))
    return qs.order_by("due_at", "id")


def assignments_of(application: Application) -> QuerySet[DocumentAssignment]:
    """The documents assigned to an application (what the program reviews)."""
    return (
        DocumentAssignment.objects.filter(application=application)
        .exclude(document__status=DocumentStatus.REJECTED)
        .select_related("document__organisation")
        .order_by("document__type", "assigned_at")
    )


def assigned_letter(application: Application) -> PersonalLetter | None:
    return PersonalLetter.objects.filter(
        applicant_id=application.applicant_id,
        program_id=application.program_id,
        assigned_at__isnull=False,
    ).first()


# --- Translations of references ---------------------------------------------------------------


def reference_original(translation: TranslationRequest) -> tuple[bytes, str]:
    """The reference to translate as (PDF bytes, extension): the referee's letter, or a PDF
    rendering of a form's answers in the language they were given. Call only after
    ``core.permissions.require_translator_for_reference``."""
    from django.core.files.storage import storages
    from django.template.loader import render_to_string
    from django.utils import translation as i18n
    from weasyprint import HTML

    from references import questions as q
    from references.selectors import content_of

    reference = translation.reference
    content = content_of(reference)
    if content is None:  # pragma: no cover - a request needs a received reference
        raise Http404("No content")
    if content.file_name:
        with storages["private"].open(content.file_name, "rb") as handle:
            return handle.read(), "pdf"
    with i18n.override(translation.from_language):
        answers = [
            {
                "label": q.label(question),
                "type": question["type"],
                "value": (content.answers or {}).get(question["key"]),
            }
            for question in (content.questions or [])
        ]
        html = render_to_string(
            "documents/reference_answers_pdf.html",
            {"reference": reference, "content": content, "answers": answers},
        )
    return HTML(string=html).write_pdf(), "pdf"


def reference_translations(reference: Any) -> list[TranslationRequest]:
    """The translation requests of a reference (their state; the file is behind
    ``reference.read_content``)."""
    return list(TranslationRequest.objects.filter(reference=reference).order_by("requested_at"))


def reference_translations_of(applicant_id: int | None) -> QuerySet[TranslationRequest]:
    """An applicant's translation requests of references (states only; one query)."""
    return (
        TranslationRequest.objects.filter(reference__applicant_id=applicant_id)
        .select_related("reference")
        .order_by("requested_at", "id")
    )


def applications_reaching(document: Any, roles: Any) -> QuerySet[Application]:
    """The submitted applications that carry ``document`` to a program ``roles`` (from
    ``core.permissions.roles_of``) works on as director, administrator or file reviewer, or to
    a program of their school's PGME office: how the program side reaches a document. Used by
    the ``document.view`` rule, the masking check and the log of downloads."""
    from accounts.models import PROGRAM_ROLES

    return (
        Application.objects.filter(
            document_assignments__document=document, status=ApplicationStatus.SUBMITTED
        )
        .filter(
            Q(program_id__in=roles.programs_with(*PROGRAM_ROLES))
            | Q(program__school_id__in=roles.school_ids)
        )
        .distinct()
    )
