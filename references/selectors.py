"""Reads of references. What the applicant reads (requests, states, assignments) never loads
:class:`~references.models.ReferenceContent`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from core.tokens import digest
from cycles.models import Cycle
from programs.models import Discipline, Program
from references import questions as q
from references.models import (
    ReferenceAssignment,
    ReferenceContent,
    ReferenceKind,
    ReferenceRequest,
    ReferenceState,
    StructuredForm,
)


def requests_of(applicant: ApplicantProfile, cycle: Cycle) -> list[ReferenceRequest]:
    """The applicant's requests with their assignments (two queries, whatever the number)."""
    return list(
        ReferenceRequest.objects.filter(applicant=applicant, cycle=cycle)
        .select_related("discipline")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReferenceAssignment.objects.select_related("application__program"),
            ),
            "translation_requests",  # their state only (documents.TranslationRequest)
        )
        .order_by("created_at", "id")
    )


def request_of(applicant: ApplicantProfile, reference_id: str) -> ReferenceRequest | None:
    return (
        ReferenceRequest.objects.select_related("discipline", "cycle")
        .filter(applicant=applicant, reference_id=reference_id.strip().upper())
        .first()
    )


def applications_for_assignment(applicant: ApplicantProfile, cycle: Cycle) -> list[Application]:
    return list(
        Application.objects.filter(applicant=applicant, program__cycle=cycle)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("program__school", "quota")
        .order_by("program__code")
    )


@dataclass(frozen=True)
class ApplicationReferences:
    application: Application
    assignments: list[ReferenceAssignment]


def references_by_application(
    applicant: ApplicantProfile, cycle: Cycle
) -> list[ApplicationReferences]:
    """Per program applied to: the references assigned and whether they arrived (2 queries)."""
    applications = (
        Application.objects.filter(applicant=applicant, program__cycle=cycle)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("program__school")
        .prefetch_related(
            Prefetch(
                "reference_assignments",
                queryset=ReferenceAssignment.objects.select_related("request").exclude(
                    request__state=ReferenceState.WITHDRAWN
                ),
            )
        )
        .order_by("program__code")
    )
    return [ApplicationReferences(a, list(a.reference_assignments.all())) for a in applications]


def request_for_token(token: str) -> ReferenceRequest | None:
    """The request whose current link is ``token`` (None for an unknown or replaced link)."""
    if not token or len(token) > 200:
        return None
    return (
        ReferenceRequest.objects.select_related("applicant", "discipline", "cycle")
        .filter(token_hash=digest(token))
        .first()
    )


def link_expired(request: ReferenceRequest, now: Any = None) -> bool:
    return request.token_expires_at is not None and (now or timezone.now()) >= (
        request.token_expires_at
    )


def form_for(request: ReferenceRequest) -> tuple[StructuredForm | None, str, list[q.Question]]:
    """The form the referee fills for ``request``: (stored form or None, title, questions)."""
    if request.kind == ReferenceKind.SUPPORT_FORM:
        en, fr = q.SUPPORT_FORM_TITLE
        return None, _pick(en, fr), q.SUPPORT_FORM
    form = None
    if request.discipline_id is not None:
        form = StructuredForm.objects.filter(discipline_id=request.discipline_id).first()
    if form is None:
        form = StructuredForm.objects.filter(discipline__isnull=True).first()
    if form is not None:
        return form, form.title, list(form.questions)
    en, fr = q.DEFAULT_STRUCTURED_TITLE
    return None, _pick(en, fr), q.DEFAULT_STRUCTURED


def _pick(en: str, fr: str) -> str:
    from django.utils import translation

    return fr if translation.get_language() == "fr" else en


def disciplines() -> QuerySet[Discipline]:
    return Discipline.objects.order_by("name_en")


def content_of(request: ReferenceRequest) -> ReferenceContent | None:
    """The letter or answers. Call only after ``require(user, "reference.read_content", ...)``."""
    return ReferenceContent.objects.filter(request=request).first()


@dataclass(frozen=True)
class ProgramRow:
    application: Application
    assignments: list[ReferenceAssignment]


def references_for_program(program: Program) -> list[ProgramRow]:
    """Submitted applications to ``program`` with their assigned references (2 queries)."""
    applications = (
        Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED)
        .select_related("applicant")
        .prefetch_related(
            Prefetch(
                "reference_assignments",
                queryset=ReferenceAssignment.objects.select_related("request__discipline")
                .exclude(request__state=ReferenceState.WITHDRAWN)
                .prefetch_related("request__translation_requests"),
            )
        )
        .order_by("applicant__last_name", "applicant__first_name")
    )
    return [ProgramRow(a, list(a.reference_assignments.all())) for a in applications]


def placeholders(cycle: Cycle) -> list[ReferenceRequest]:
    return list(
        ReferenceRequest.objects.filter(cycle=cycle, is_placeholder=True)
        .select_related("applicant")
        .order_by("-created_at")
    )
