"""Reads of applications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from cycles.models import Cycle
from programs.models import Program, Quota


def applications_of(applicant: ApplicantProfile, cycle: Cycle) -> list[Application]:
    return list(
        Application.objects.filter(applicant=applicant, program__cycle=cycle)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("program__school", "quota")
        .order_by("program__code")
    )


def applicants_who_applied(quota: Quota) -> QuerySet[ApplicantProfile]:
    """Applicants with a submitted, not withdrawn, application to ``quota`` who still take part."""
    return (
        ApplicantProfile.objects.filter(
            applications__quota=quota,
            applications__status=ApplicationStatus.SUBMITTED,
            participations__cycle_id=quota.program.cycle_id,
            participations__withdrawn_at__isnull=True,
        )
        .select_related("user")
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- The checklist of one application ---------------------------------------------------------

COMPLETE = "complete"
OPTIONAL_MISSING = "optional_missing"
REQUIRED_MISSING = "required_missing"
_SYMBOLS = {COMPLETE: "✓", OPTIONAL_MISSING: "⚠", REQUIRED_MISSING: "✗"}


@dataclass(frozen=True)
class Item:
    """One line of what a program requires, with its status for one application."""

    label: str
    status: str  # complete | optional_missing | required_missing
    detail: str

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self.status]

    @property
    def status_label(self) -> str:
        return {
            COMPLETE: _("Complete"),
            OPTIONAL_MISSING: _("Optional, missing"),
            REQUIRED_MISSING: _("Required, missing"),
        }[self.status]


def _missing(required: bool) -> str:
    return REQUIRED_MISSING if required else OPTIONAL_MISSING


def application_checklist(application: Application) -> list[Item]:
    """What the application's program requires, each line complete or missing (used by the
    applicant's page, the API and the submit check)."""
    from applicants.selectors import file_status
    from documents.models import DocumentAssignment, DocumentStatus, PersonalLetter
    from programs.selectors import requirement_label, requirements_of
    from references.models import ReferenceAssignment, ReferenceState

    program = application.program
    requirements = requirements_of(program)
    documents = list(
        DocumentAssignment.objects.filter(application=application)
        .exclude(document__status=DocumentStatus.REJECTED)
        .values_list("document__type", "document__language")
    )
    references = list(
        ReferenceAssignment.objects.filter(application=application)
        .exclude(request__state=ReferenceState.WITHDRAWN)
        .values_list("request__kind", "request__state")
    )
    letter_assigned = PersonalLetter.objects.filter(
        applicant_id=application.applicant_id, program_id=program.pk, assigned_at__isnull=False
    ).exists()
    status = None
    if any(r.kind == "section" for r in requirements):
        status = file_status(application.applicant)
    items = []
    for req in requirements:
        label = requirement_label(req)
        if req.kind == "document":
            found = any(
                t == req.code and (not req.language or lang == req.language)
                for t, lang in documents
            )
            items.append(
                Item(label, COMPLETE, _("Assigned."))
                if found
                else Item(
                    label,
                    _missing(req.required),
                    _("Not assigned: upload it or assign it under My documents."),
                )
            )
        elif req.kind == "reference":
            mine = [(k, s) for k, s in references if not req.code or k == req.code]
            received = sum(1 for _k, s in mine if s == ReferenceState.RECEIVED)
            detail = _("%(assigned)s of %(needed)s assigned, %(received)s received.") % {
                "assigned": len(mine),
                "needed": req.count,
                "received": received,
            }
            items.append(
                Item(label, COMPLETE if len(mine) >= req.count else _missing(req.required), detail)
            )
        elif req.kind == "letter":
            items.append(
                Item(label, COMPLETE, _("Assigned (locked)."))
                if letter_assigned
                else Item(
                    label,
                    _missing(req.required),
                    _("Write the letter for this program and assign it under My documents."),
                )
            )
        elif req.kind == "section" and status is not None:
            try:
                section = status.section(req.code)
            except StopIteration:
                continue
            items.append(
                Item(label, COMPLETE, _("Complete."))
                if section.complete
                else Item(label, _missing(req.required), " ".join(section.missing))
            )
    return items


def required_missing(application: Application) -> list[Item]:
    return [i for i in application_checklist(application) if i.status == REQUIRED_MISSING]


# --- The application a program receives -------------------------------------------------------


@dataclass(frozen=True)
class AssembledDocument:
    pk: int
    title: str
    type: str
    language: str
    source: str
    status: str
    assigned_at: Any
    late: bool


@dataclass(frozen=True)
class AssembledReference:
    reference_id: str
    kind: str
    referee_name: str
    state: str
    received_at: Any
    late: bool
    content_url: str | None  # only for a viewer allowed ``reference.read_content``


@dataclass(frozen=True)
class AssembledLetter:
    pk: int
    text: str
    language: str
    assigned_at: Any
    late: bool


@dataclass(frozen=True)
class AssembledSection:
    title: str
    language: str
    waived: bool
    entries: list[list[tuple[str, str]]]  # each entry: (field label, value) pairs


@dataclass(frozen=True)
class AssembledApplication:
    application_id: int
    program: str
    program_code: str
    school: str
    applicant: str
    matching_id: str
    stream: str
    medical_school: str
    graduation_year: int
    citizenship: str
    #: "verified" mark: the status shared by the MCC or a proof the administrator verified
    citizenship_verified: bool
    mcc_id: str
    status: str
    submitted_at: Any
    is_late: bool
    languages: list[str]
    information: list[AssembledSection]
    documents: list[AssembledDocument]
    letter: AssembledLetter | None
    references: list[AssembledReference]
    notes: list[tuple[Any, str]]
    checklist: list[Item]


def _program_languages(program: Any) -> list[str]:
    return ["en", "fr"] if program.language == "bi" else [program.language]


def assemble_application(application: Application, *, viewer: Any) -> AssembledApplication:
    """The one definition of "the application a program receives": the applicant's identity,
    My Information in the program's language(s), documents, personal letter, references and
    notes. The applicant's preview, the program's reader and both PDFs render this.

    The caller checked that ``viewer`` may see the application. The only difference between
    viewers: a reference's ``content_url`` is set only when ``viewer`` may read its content
    (``reference.read_content``: never the applicant)."""
    from django.urls import reverse

    from applicants.models import FileEntry, SectionWaiver
    from applicants.sections import SECTIONS, display_value
    from core.permissions import can
    from documents.selectors import assigned_letter, assignments_of, citizenship_verified
    from references.models import ReferenceAssignment, ReferenceState

    application = Application.objects.select_related("applicant", "program__school", "quota").get(
        pk=application.pk
    )
    applicant, program = application.applicant, application.program
    languages = [lang for lang in applicant.languages if lang in _program_languages(program)]
    languages = languages or list(applicant.languages)
    entries: dict[tuple[str, str], list[FileEntry]] = {}
    for entry in FileEntry.objects.filter(applicant=applicant, language__in=languages).order_by(
        "section", "language", "position", "pk"
    ):
        entries.setdefault((entry.section, entry.language), []).append(entry)
    waived = set(
        SectionWaiver.objects.filter(applicant=applicant).values_list("section", flat=True)
    )
    information = []
    for section in SECTIONS:
        for lang in languages:
            found = entries.get((section.key, lang), [])
            if not found and section.key not in waived:
                continue
            information.append(
                AssembledSection(
                    title=str(section.title),
                    language=lang,
                    waived=not found,
                    entries=[
                        [
                            (str(f.label), display_value(section, f.key, e.data.get(f.key)))
                            for f in section.fields
                            if display_value(section, f.key, e.data.get(f.key))
                        ]
                        for e in found
                    ],
                )
            )
    documents = [
        AssembledDocument(
            pk=a.document.pk,
            title=a.document.display_title,
            type=str(a.document.get_type_display()),
            language=str(a.document.get_language_display()),
            source=str(a.document.get_source_display()),
            status=str(a.document.get_status_display()),
            assigned_at=a.assigned_at,
            late=a.late,
        )
        for a in assignments_of(application)
    ]
    letter = assigned_letter(application)
    references = []
    for assignment in (
        ReferenceAssignment.objects.filter(application=application)
        .exclude(request__state=ReferenceState.WITHDRAWN)
        .select_related("request")
        .order_by("assigned_at", "id")
    ):
        request = assignment.request
        readable = request.received_at is not None and can(
            viewer, "reference.read_content", request
        )
        references.append(
            AssembledReference(
                reference_id=request.reference_id,
                kind=str(request.get_kind_display()),
                referee_name=request.referee_name,
                state=str(request.get_state_display()),
                received_at=request.received_at,
                late=assignment.is_late or request.received_late,
                content_url=reverse("references:content", args=[request.reference_id])
                if readable
                else None,
            )
        )
    return AssembledApplication(
        application_id=application.pk,
        program=program.name,
        program_code=program.code,
        school=program.school.name,
        applicant=applicant.display_name,
        matching_id=applicant.matching_id,
        stream=str(application.quota.get_stream_display()),
        medical_school=applicant.medical_school_name,
        graduation_year=applicant.graduation_year,
        citizenship=str(applicant.get_citizenship_display()),
        citizenship_verified=citizenship_verified(applicant),
        mcc_id=applicant.mcc_id or "",
        status=str(application.get_status_display()),
        submitted_at=application.submitted_at,
        is_late=application.is_late,
        languages=languages,
        information=information,
        documents=documents,
        letter=AssembledLetter(
            pk=letter.pk,
            text=letter.text,
            language=str(letter.get_language_display()),
            assigned_at=letter.assigned_at,
            late=letter.late,
        )
        if letter
        else None,
        references=references,
        notes=[(n.created_at, n.text) for n in application.notes.all()],
        checklist=application_checklist(application),
    )


# --- The program's reader: its submitted applications ----------------------------------------


def applications_for_program(program: Program) -> list[Application]:
    """Submitted applications to ``program`` with late marks and note counts (one query)."""
    from django.db.models import Count, Exists, OuterRef, Q

    from documents.models import PersonalLetter

    late_letter = PersonalLetter.objects.filter(
        applicant_id=OuterRef("applicant_id"), program_id=OuterRef("program_id"), late=True
    )
    return list(
        Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED)
        .select_related("applicant", "quota")
        .annotate(
            late_documents=Count(
                "document_assignments",
                filter=Q(document_assignments__late=True),
                distinct=True,
            ),
            late_references=Count(
                "reference_assignments",
                filter=Q(reference_assignments__is_late=True),
                distinct=True,
            ),
            note_count=Count("notes", distinct=True),
            late_letter=Exists(late_letter),
        )
        .order_by("applicant__last_name", "applicant__first_name", "pk")
    )


# --- The bulk assignment page -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    application: Application
    checked: bool
    enabled: bool
    late: bool
    name: str  # the checkbox name: "<kind>-<item id>-<application id>"


@dataclass(frozen=True)
class MatrixRow:
    kind: str  # document | reference | letter
    item: Any
    label: str
    detail: str
    cells: list[Cell]


def assignment_matrix(
    applicant: ApplicantProfile, cycle: Cycle
) -> tuple[list[Application], list[MatrixRow]]:
    """Rows = the applicant's documents, references and personal letters of ``cycle``;
    columns = their applications not withdrawn. A fixed number of queries."""
    from django.db.models import Prefetch

    from documents.models import Document, DocumentAssignment, DocumentStatus, PersonalLetter
    from references.models import ReferenceAssignment, ReferenceRequest, ReferenceState

    applications = applications_of(applicant, cycle)
    documents = (
        Document.objects.filter(applicant=applicant, cycle=cycle)
        .exclude(status__in=[DocumentStatus.REJECTED, DocumentStatus.REQUESTED])
        .prefetch_related(Prefetch("assignments", queryset=DocumentAssignment.objects.all()))
        .order_by("type", "created_at", "id")
    )
    references = (
        ReferenceRequest.objects.filter(applicant=applicant, cycle=cycle)
        .exclude(state=ReferenceState.WITHDRAWN)
        .prefetch_related(Prefetch("assignments", queryset=ReferenceAssignment.objects.all()))
        .order_by("created_at", "id")
    )
    letters = (
        PersonalLetter.objects.filter(applicant=applicant, program__cycle=cycle)
        .select_related("program")
        .order_by("program__code")
    )
    rows = []
    for document in documents:
        assigned = {a.application_id: a for a in document.assignments.all()}
        rows.append(
            MatrixRow(
                "document",
                document,
                document.display_title,
                f"{document.get_type_display()} · {document.get_language_display()}",
                [
                    Cell(
                        a,
                        a.pk in assigned,
                        True,
                        bool(a.pk in assigned and assigned[a.pk].late),
                        f"document-{document.pk}-{a.pk}",
                    )
                    for a in applications
                ],
            )
        )
    for reference in references:
        assigned_refs = {a.application_id: a for a in reference.assignments.all()}
        rows.append(
            MatrixRow(
                "reference",
                reference,
                f"{reference.get_kind_display()} — {reference.referee_name}",
                f"{reference.reference_id} · {reference.get_state_display()}",
                [
                    Cell(
                        a,
                        a.pk in assigned_refs,
                        True,
                        bool(a.pk in assigned_refs and assigned_refs[a.pk].is_late),
                        f"reference-{reference.pk}-{a.pk}",
                    )
                    for a in applications
                ],
            )
        )
    for letter in letters:
        rows.append(
            MatrixRow(
                "letter",
                letter,
                _("Personal letter for %(program)s") % {"program": letter.program.code},
                str(_("Locked once assigned")),
                [
                    Cell(
                        a,
                        a.program_id == letter.program_id and letter.locked,
                        a.program_id == letter.program_id and not letter.locked,
                        a.program_id == letter.program_id and letter.late,
                        f"letter-{letter.pk}-{a.pk}",
                    )
                    for a in applications
                ],
            )
        )
    return applications, rows
