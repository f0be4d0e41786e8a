"""Reads of file review: the program's list of submitted applications with what reviewers
filter and sort on, the reviewer's panel beside the reader, masking, the log of openings.

The list is built for the whole program in a fixed number of queries (about twenty, whatever
the number of applications) and then filtered and sorted in memory, so every filter works on
the whole set, including those on derived values (completeness, scores, exam results).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from applications.models import Application, ApplicationStatus
from applications.selectors import (
    COMPLETE,
    OPTIONAL_MISSING,
    REQUIRED_MISSING,
    AssembledApplication,
)
from core.choices import Province, Stream
from core.permissions import can, require
from cycles.models import Iteration, MilestoneKind
from cycles.selectors import milestone_at
from programs.models import Program, Quota
from review.models import (
    AccessKind,
    Criterion,
    FileAccess,
    MaskedItem,
    MaskingRule,
    ReviewAssignment,
    ReviewNote,
    SavedFilter,
    Score,
)

PROGRAM_ROLES = (Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR, Role.FILE_REVIEWER)

#: The examinations a program filters on: key -> (section of My Information, the value of its
#: choice field, short label). Results come from the applicant's entries in that section.
EXAMS: dict[str, tuple[str, str, str]] = {
    "mccqe1": ("mcc_exams", "mccqe1", "MCCQE1"),
    "nac": ("mcc_exams", "nac", "NAC"),
    "step1": ("usmle", "step1", "USMLE 1"),
    "step2ck": ("usmle", "step2ck", "USMLE 2 CK"),
    "step3": ("usmle", "step3", "USMLE 3"),
}
_EXAM_BY_ENTRY = {(section, value): key for key, (section, value, _l) in EXAMS.items()}
_EXAM_FIELD = {"mcc_exams": "exam", "usmle": "step"}

#: "Province" of study of applicants who studied outside Canada.
OUTSIDE_CANADA = "outside"

COMPLETENESS = (COMPLETE, OPTIONAL_MISSING, REQUIRED_MISSING)
_WORST = {COMPLETE: 0, OPTIONAL_MISSING: 1, REQUIRED_MISSING: 2}


def fold(text: str) -> str:
    """Lower case without accents, for search and sorting ("Côté" finds "cote")."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def user_label(user: Any) -> str:
    return user.get_full_name() or user.email


# --- Who sees what ------------------------------------------------------------------------------


def iteration_of_program(program: Program) -> Iteration | None:
    """The iteration of the program's quotas (file review follows its calendar)."""
    quota = Quota.objects.filter(program=program).select_related("iteration").first()
    return quota.iteration if quota else None


def visible_quotas(program: Program, viewer: Any) -> list[Quota]:
    """The program's quotas whose submitted applications ``viewer`` may review
    (``application.review``, with the reviewer's stream scope), asked once per quota."""
    out = []
    for quota in (
        Quota.objects.filter(program=program).select_related("iteration").order_by("stream")
    ):
        quota.program = program
        probe = Application(program=program, quota=quota, status=ApplicationStatus.SUBMITTED)
        if can(viewer, "application.review", probe):
            out.append(quota)
    return out


def masked_items(
    program: Program, *, viewer: Any, iteration: Iteration | None, now: dt.datetime | None = None
) -> dict[str, str]:
    """The items hidden from ``viewer`` now, each with the sentence that says so.

    The director and administrators (``program.manage_review``) see everything: they set the
    rules. Everyone else who reads the files (file reviewers, the PGME office, the match
    administrator) sees them masked, always or until the rule's milestone is reached."""
    if can(viewer, "program.manage_review", program):
        return {}
    now = now or timezone.now()
    out: dict[str, str] = {}
    for rule in MaskingRule.objects.filter(program=program):
        label = MaskedItem(rule.item).label
        if not rule.until:
            out[rule.item] = _("%(item)s: hidden by the program.") % {"item": label}
            continue
        at = milestone_at(iteration, rule.until) if iteration is not None else None
        if at is None or now < at:
            out[rule.item] = _("%(item)s: hidden by the program until “%(milestone)s”.") % {
                "item": label,
                "milestone": MilestoneKind(rule.until).label,
            }
    return out


def mask_application(
    assembled: AssembledApplication, masked: dict[str, str]
) -> AssembledApplication:
    """``assembled`` without what ``masked`` hides: photo (documents of type photo), date of
    birth (from Personal information), citizenship and legal status, examination scores (from
    the MCC and USMLE sections, and the MCC results document). Labels are compared in the
    active language, the one ``assemble_application`` used."""
    if not masked:
        return assembled
    from applicants.sections import BY_KEY
    from documents.models import Document, DocumentType

    hidden_types = []
    if MaskedItem.PHOTO in masked:
        hidden_types.append(DocumentType.PHOTO)
    if MaskedItem.EXAM_SCORES in masked:
        hidden_types.append(DocumentType.MCC_EXAM)
    documents = assembled.documents
    if hidden_types:
        hidden = set(
            Document.objects.filter(
                pk__in=[d.pk for d in documents], type__in=hidden_types
            ).values_list("pk", flat=True)
        )
        documents = [d for d in documents if d.pk not in hidden]
    drop: dict[str, set[str]] = {}  # section title -> field labels to drop
    if MaskedItem.DATE_OF_BIRTH in masked:
        drop.setdefault(str(BY_KEY["personal"].title), set()).add(
            _field_label("personal", "date_of_birth")
        )
    if MaskedItem.EXAM_SCORES in masked:
        for key in ("mcc_exams", "usmle"):
            drop.setdefault(str(BY_KEY[key].title), set()).add(_field_label(key, "score"))
    information = [
        dataclasses.replace(
            s,
            entries=[[(k, v) for k, v in entry if k not in drop[s.title]] for entry in s.entries],
        )
        if s.title in drop
        else s
        for s in assembled.information
    ]
    citizenship = assembled.citizenship
    verified = assembled.citizenship_verified
    if MaskedItem.CITIZENSHIP in masked:
        citizenship, verified = masked[MaskedItem.CITIZENSHIP], False
    return dataclasses.replace(
        assembled,
        documents=documents,
        information=information,
        citizenship=citizenship,
        citizenship_verified=verified,
    )


def _field_label(section: str, key: str) -> str:
    from applicants.sections import BY_KEY

    return str(next(f.label for f in BY_KEY[section].fields if f.key == key))


def document_masked(document: Any, masked: dict[str, str]) -> bool:
    """Whether ``document`` is hidden by ``masked`` (a photo; MCC results with exam scores)."""
    from documents.models import DocumentType

    return (document.type == DocumentType.PHOTO and MaskedItem.PHOTO in masked) or (
        document.type == DocumentType.MCC_EXAM and MaskedItem.EXAM_SCORES in masked
    )


def document_hidden_from(user: Any, document: Any, *, now: dt.datetime | None = None) -> bool:
    """Whether masking hides ``document`` (a photo; MCC results while exam scores are hidden)
    from ``user`` in every program through which they could open it. Meant for the
    ``document.view`` rule (``documents:download`` by id): the reader already leaves such
    documents out and refuses them. Never hidden from its applicant or the match
    administrator (who processes documents)."""
    from core.permissions import roles_of
    from documents.models import DocumentType

    if document.type not in (DocumentType.PHOTO, DocumentType.MCC_EXAM):
        return False
    roles = roles_of(user)
    if roles.match_admin or roles.applicant_id == document.applicant_id:
        return False
    from documents.selectors import applications_reaching

    programs = Program.objects.filter(
        pk__in=applications_reaching(document, roles).values("program_id")
    ).select_related("school")
    hidden = False
    for program in programs:
        masked = masked_items(
            program, viewer=user, iteration=iteration_of_program(program), now=now
        )
        if not document_masked(document, masked):
            return False
        hidden = True
    return hidden


# --- What the program requires: the checklist of many applications -----------------------------


@dataclass
class ChecklistFacts:
    """What the checklists of many applications are computed from (``checklist_facts``)."""

    requirements: list[Any]
    #: application id -> requirement position -> how many assigned items meet it
    met: dict[int, dict[int, int]]
    #: applications with a document or a reference assigned after the deadline
    late_items: set[int]
    #: applicants whose personal letter to the program is assigned, and assigned late
    letters: set[int]
    late_letters: set[int]


def checklist_facts(program: Program, applications: QuerySet[Application]) -> ChecklistFacts:
    """Three grouped queries, whatever the number of applications: per application, how many
    assigned documents (not rejected) meet each document requirement and how many references
    (not withdrawn) each reference requirement, and whether any was assigned late; the
    applicants' personal letters to the program. (Grouped queries, not correlated subqueries
    of the list's query: their cost estimate made PostgreSQL JIT-compile the list's query,
    about 80 ms, see bench/README.md.)"""
    from django.db.models import BooleanField, ExpressionWrapper, Q

    from documents.models import DocumentAssignment, DocumentStatus, PersonalLetter
    from programs.selectors import requirements_of
    from references.models import ReferenceAssignment, ReferenceState

    requirements = requirements_of(program)
    met: dict[int, dict[int, int]] = {}
    late: set[int] = set()
    document_counts = {
        f"req{i}": Count(
            "pk",
            filter=Q(document__type=req.code)
            & ~Q(document__status=DocumentStatus.REJECTED)
            & (Q(document__language=req.language) if req.language else Q()),
        )
        for i, req in enumerate(requirements)
        if req.kind == "document"
    }
    reference_counts = {
        f"req{i}": Count(
            "pk",
            filter=~Q(request__state=ReferenceState.WITHDRAWN)
            & (Q(request__kind=req.code) if req.code else Q()),
        )
        for i, req in enumerate(requirements)
        if req.kind == "reference"
    }
    for model, counts, late_field in (
        (DocumentAssignment, document_counts, "late"),
        (ReferenceAssignment, reference_counts, "is_late"),
    ):
        rows = (
            model.objects.filter(application__in=applications)
            .order_by()
            .values("application_id")
            .annotate(late_n=Count("pk", filter=Q(**{late_field: True})), **counts)
        )
        for row in rows:
            app_id = row["application_id"]
            if row["late_n"]:
                late.add(app_id)
            mine = met.setdefault(app_id, {})
            for name in counts:
                mine[int(name[3:])] = row[name]
    letters: set[int] = set()
    late_letters: set[int] = set()
    for applicant_id, assigned, is_late in (
        PersonalLetter.objects.filter(program=program)
        .order_by()
        .annotate(
            assigned=ExpressionWrapper(Q(assigned_at__isnull=False), output_field=BooleanField())
        )
        .values_list("applicant_id", "assigned", "late")
    ):
        if assigned:
            letters.add(applicant_id)
        if is_late:
            late_letters.add(applicant_id)
    return ChecklistFacts(requirements, met, late, letters, late_letters)


def checklist_statuses(
    facts: ChecklistFacts,
    applications: QuerySet[Application],
    applicants: dict[int, list[Any]],
) -> dict[int, str]:
    """The worst status of each application's checklist, from ``facts``; My Information
    sections are read here, entry by entry (two queries, only when a section is required).
    ``applicants``: application id -> ``[applicant_id, *languages of the file]``."""
    from applicants.models import FileEntry, SectionWaiver
    from applicants.sections import BY_KEY, is_valid_data

    requirements = facts.requirements
    section_keys = [r.code for r in requirements if r.kind == "section" and r.code in BY_KEY]
    valid: set[tuple[int, str, str]] = set()  # (applicant, section, language) with a valid entry
    waived: set[tuple[int, str]] = set()
    if section_keys:
        applicant_ids = applications.values("applicant_id")
        for applicant_id, key, language, data in (
            FileEntry.objects.filter(applicant_id__in=applicant_ids, section__in=section_keys)
            .order_by()
            .values_list("applicant_id", "section", "language", "data")
        ):
            if (applicant_id, key, language) not in valid and is_valid_data(BY_KEY[key], data):
                valid.add((applicant_id, key, language))
        waived = set(
            SectionWaiver.objects.filter(applicant_id__in=applicant_ids, section__in=section_keys)
            .order_by()
            .values_list("applicant_id", "section")
        )
    plan = [
        (i, req)
        for i, req in enumerate(requirements)
        if req.kind in ("document", "reference", "letter")
        or (req.kind == "section" and req.code in BY_KEY)
    ]
    none: dict[int, int] = {}
    out: dict[int, str] = {}
    for app_id, (applicant_id, *languages) in applicants.items():
        worst = COMPLETE
        counts = facts.met.get(app_id, none)
        for i, req in plan:
            if req.kind == "document":
                ok = counts.get(i, 0) >= 1
            elif req.kind == "reference":
                ok = counts.get(i, 0) >= req.count
            elif req.kind == "letter":
                ok = applicant_id in facts.letters
            else:
                spec = BY_KEY[req.code]
                ok = (not spec.required and (applicant_id, spec.key) in waived) or all(
                    (applicant_id, spec.key, lang) in valid for lang in languages
                )
            if not ok:
                status = REQUIRED_MISSING if req.required else OPTIONAL_MISSING
                if _WORST[status] > _WORST[worst]:
                    worst = status
        out[app_id] = worst
    return out


def completeness_of(
    program: Program, applications: QuerySet[Application], applicants: dict[int, list[Any]]
) -> dict[int, str]:
    """The worst status of each application's checklist (complete, optional missing, required
    missing), for many applications in a fixed number of queries: the same rules as
    ``applications.selectors.application_checklist``, which reads one application at a time.

    ``applicants``: application id -> ``[applicant_id, *languages of the file]``."""
    return checklist_statuses(checklist_facts(program, applications), applications, applicants)


def completeness_label(status: str) -> str:
    return {
        COMPLETE: _("Complete"),
        OPTIONAL_MISSING: _("Optional item missing"),
        REQUIRED_MISSING: _("Required item missing"),
    }[status]


# --- Examinations and province of study, from the applicant's file ------------------------------


@dataclass(frozen=True, slots=True)
class ExamResult:
    exam: str
    result: str  # pass | fail | pending | ""
    score: float | None  # None when not given, not a number, or masked
    score_text: str  # as the applicant wrote it; "" when masked

    @property
    def label(self) -> str:
        return EXAMS[self.exam][2]


def _number(text: Any) -> float | None:
    try:
        return float(str(text).replace(",", ".").strip())
    except (TypeError, ValueError):
        return None


def exams_of(applicant_ids: Any) -> dict[int, dict[str, ExamResult]]:
    """The MCC and USMLE results in the applicants' files: applicant -> exam -> its best result
    (highest score; an entry in either language of the file counts once)."""
    from applicants.models import FileEntry

    out: dict[int, dict[str, ExamResult]] = {}
    for applicant_id, section, data in (
        FileEntry.objects.filter(applicant_id__in=applicant_ids, section__in=tuple(_EXAM_FIELD))
        .order_by()
        .values_list("applicant_id", "section", "data")
    ):
        data = data or {}
        exam, step, result, score = (
            data.get("exam"),
            data.get("step"),
            data.get("result"),
            data.get("score"),
        )
        key = _EXAM_BY_ENTRY.get((section, exam if section == "mcc_exams" else step))
        if key is None:
            continue
        score_text = "" if score is None else str(score)
        found = ExamResult(key, str(result or ""), _number(score_text), score_text)
        mine = out.setdefault(applicant_id, {})
        best = mine.get(key)
        if best is None or (found.score or -1) > (best.score or -1):
            mine[key] = found
    return out


def school_provinces() -> dict[str, str]:
    """Canadian faculties of medicine by folded name (English and French) -> province."""
    from programs.models import School

    out = {}
    for name_en, name_fr, province in School.objects.values_list("name_en", "name_fr", "province"):
        out[fold(name_en)] = province
        out[fold(name_fr)] = province
    return out


def province_of_study(region: str, school_name: str, provinces: dict[str, str]) -> str:
    """The province of the applicant's medical school; ``outside`` when they studied outside
    Canada; "" when the Canadian school is not one of the platform's faculties."""
    from applicants.models import MedicalSchoolRegion

    if region != MedicalSchoolRegion.CANADA:
        return OUTSIDE_CANADA
    return provinces.get(fold(school_name), "")


def province_label(code: str) -> str:
    if code == OUTSIDE_CANADA:
        return _("Outside Canada")
    if not code:
        return ""
    return str(Province(code).label)


# --- Scores ----------------------------------------------------------------------------------


def weighted_total(criteria: list[Criterion], values: dict[int, float]) -> float | None:
    """The weighted mean of ``values`` (criterion id -> score), as a percentage of each scale,
    over the criteria that have a value; None if none has."""
    weights = total = 0.0
    for c in criteria:
        value = values.get(c.pk)
        if value is None:
            continue
        weights += c.weight
        total += c.weight * value / c.scale_max
    return round(100 * total / weights, 1) if weights else None


def format_percent(value: float | None) -> str:
    if value is None:
        return ""
    return _("%(value)s %%") % {"value": f"{value:.0f}"}


# --- The list -----------------------------------------------------------------------------------


SORTS = ("name", "-name", "submitted", "-submitted", "score", "-score", "my_score", "-my_score")


@dataclass(frozen=True)
class Filters:
    """What the list is filtered and sorted by (from ``review.forms.FilterForm``)."""

    q: str = ""
    stream: str = ""
    late: str = ""  # "" | yes | additions | no
    exam: str = ""  # one of EXAMS
    min_score: float | None = None
    language: str = ""  # en | fr | both
    province: str = ""  # a province code or "outside"
    completeness: str = ""  # complete | optional_missing | required_missing | incomplete
    interview: str = ""  # "none" or an InterviewStatus
    assigned: str = ""  # "me" | "none" | a user id
    sort: str = "name"


@dataclass(slots=True)
class Row:
    pk: int
    applicant_id: int
    name: str
    sort_name: str
    matching_id: str
    mcc_id: str
    email: str
    stream: str
    submitted_at: dt.datetime | None
    is_late: bool
    late_additions: bool
    language: str
    province: str
    exams: dict[str, ExamResult]
    completeness: str = COMPLETE
    interview: str = ""
    assigned: list[int] = field(default_factory=list)
    score: float | None = None
    reviews: int = 0
    my_score: float | None = None


@dataclass
class Reviewer:
    user_id: int
    name: str
    role: str
    read_only: bool
    streams: list[str]


@dataclass
class ReviewList:
    program: Program
    rows: list[Row]
    total: int  # applications the viewer may review, before filters
    quotas: list[Quota]
    masked: dict[str, str]
    criteria: list[Criterion]
    team: dict[int, Reviewer]  # user id -> the program's staff, and anyone still assigned
    ignored: list[str]  # filters not applied, with why

    def reviewer_names(self, row: Row) -> list[str]:
        return [self.team[u].name for u in row.assigned if u in self.team]


def team_of(program: Program, also: Iterable[int] = ()) -> dict[int, Reviewer]:
    """The program's director, administrators and file reviewers (user id -> Reviewer), plus
    the users of ``also`` who no longer hold a role (e.g. a removed reviewer still assigned)."""
    team: dict[int, Reviewer] = {}
    order = {role: i for i, role in enumerate(PROGRAM_ROLES)}
    for ra in sorted(
        RoleAssignment.objects.filter(program=program, role__in=PROGRAM_ROLES).select_related(
            "user"
        ),
        key=lambda r: order[r.role],
    ):
        if ra.user_id not in team:
            team[ra.user_id] = Reviewer(
                ra.user_id, user_label(ra.user), ra.role, ra.read_only, list(ra.streams or [])
            )
    missing = set(also) - set(team)
    if missing:
        for user in User.objects.filter(pk__in=missing):
            team[user.pk] = Reviewer(user.pk, user_label(user), "", True, [])
    return team


def _base(program: Program, quotas: list[Quota]) -> QuerySet[Application]:
    return Application.objects.filter(
        program=program, status=ApplicationStatus.SUBMITTED, quota__in=[q.pk for q in quotas]
    ).order_by()  # the list sorts in memory: no ORDER BY (nor the join it needs)


def review_list(
    program: Program,
    *,
    viewer: Any,
    filters: Filters,
    quotas: list[Quota] | None = None,
    now: dt.datetime | None = None,
) -> ReviewList:
    """The submitted applications ``viewer`` may review, with their file's facts, checklist,
    interview status, assigned reviewers and scores; filtered and sorted by ``filters``.
    A fixed number of queries whatever the number of applications."""
    quotas = visible_quotas(program, viewer) if quotas is None else quotas
    iteration = quotas[0].iteration if quotas else None
    masked = masked_items(program, viewer=viewer, iteration=iteration, now=now)
    base = _base(program, quotas)
    values = base.values_list(
        "pk",
        "applicant_id",
        "applicant__first_name",
        "applicant__last_name",
        "applicant__matching_id",
        "applicant__mcc_id",
        "applicant__user__email",
        "applicant__application_languages",
        "applicant__medical_school_region",
        "applicant__medical_school_name",
        "quota__stream",
        "submitted_at",
        "is_late",
        "interview__status",
    )
    facts = checklist_facts(program, base)
    provinces = school_provinces()
    province_of: dict[tuple[str, str], str] = {}
    exams = exams_of(base.values("applicant_id"))
    hide_scores = MaskedItem.EXAM_SCORES in masked
    rows: list[Row] = []
    languages: dict[int, list[Any]] = {}
    for (
        pk,
        applicant_id,
        first,
        last,
        matching_id,
        mcc_id,
        email,
        language,
        region,
        school,
        stream,
        submitted_at,
        is_late,
        interview,
    ) in values:
        mine = exams.get(applicant_id, {})
        if hide_scores and mine:
            mine = {k: ExamResult(e.exam, e.result, None, "") for k, e in mine.items()}
        rows.append(
            Row(
                pk=pk,
                applicant_id=applicant_id,
                name=", ".join(p for p in (last, first) if p),
                sort_name=fold(f"{last}\t{first}"),
                matching_id=matching_id,
                mcc_id=mcc_id or "",
                email=email,
                stream=stream,
                submitted_at=submitted_at,
                is_late=is_late,
                late_additions=pk in facts.late_items or applicant_id in facts.late_letters,
                language=language,
                province=province_of[(region, school)]
                if (region, school) in province_of
                else province_of.setdefault(
                    (region, school), province_of_study(region, school, provinces)
                ),
                exams=mine,
                interview=interview or "",
            )
        )
        languages[pk] = [applicant_id, *(["en", "fr"] if language == "both" else [language])]
    completeness = checklist_statuses(facts, base, languages)
    criteria = list(Criterion.objects.filter(program=program))
    means: dict[int, dict[int, float]] = {}
    for app_id, criterion_id, avg in (
        Score.objects.filter(application__in=base)
        .values("application_id", "criterion_id")
        .annotate(avg=Avg("value"))
        .values_list("application_id", "criterion_id", "avg")
    ):
        means.setdefault(app_id, {})[criterion_id] = avg
    reviews = dict(
        Score.objects.filter(application__in=base)
        .values("application_id")
        .annotate(n=Count("reviewer_id", distinct=True))
        .values_list("application_id", "n")
    )
    my_values: dict[int, dict[int, float]] = {}
    for app_id, criterion_id, value in Score.objects.filter(
        application__in=base, reviewer_id=viewer.pk
    ).values_list("application_id", "criterion_id", "value"):
        my_values.setdefault(app_id, {})[criterion_id] = value
    assigned: dict[int, list[int]] = {}
    for app_id, user_id in (
        ReviewAssignment.objects.filter(application__in=base)
        .order_by("assigned_at", "pk")
        .values_list("application_id", "reviewer_id")
    ):
        assigned.setdefault(app_id, []).append(user_id)
    team = team_of(program, also={u for users in assigned.values() for u in users})
    for row in rows:
        row.completeness = completeness.get(row.pk, COMPLETE)
        row.assigned = assigned.get(row.pk, [])
        row.reviews = reviews.get(row.pk, 0)
        if row.pk in means:
            row.score = weighted_total(criteria, means[row.pk])
        if row.pk in my_values:
            row.my_score = weighted_total(criteria, my_values[row.pk])
    total = len(rows)
    rows, ignored = apply_filters(rows, filters, viewer=viewer, masked=masked)
    return ReviewList(
        program=program,
        rows=rows,
        total=total,
        quotas=quotas,
        masked=masked,
        criteria=criteria,
        team=team,
        ignored=ignored,
    )


def apply_filters(
    rows: list[Row], filters: Filters, *, viewer: Any, masked: dict[str, str]
) -> tuple[list[Row], list[str]]:
    """``rows`` kept by ``filters`` and sorted; and the filters not applied, saying why (a
    minimum score while scores are masked: filtering on a hidden value would reveal it)."""
    ignored: list[str] = []
    f = filters
    if f.q:
        terms = fold(f.q).split()
        rows = [
            r
            for r in rows
            if all(t in fold(f"{r.name} {r.matching_id} {r.mcc_id} {r.email}") for t in terms)
        ]
    if f.stream:
        rows = [r for r in rows if r.stream == f.stream]
    if f.late == "yes":
        rows = [r for r in rows if r.is_late]
    elif f.late == "additions":
        rows = [r for r in rows if r.late_additions]
    elif f.late == "no":
        rows = [r for r in rows if not r.is_late and not r.late_additions]
    if f.exam:
        rows = [r for r in rows if f.exam in r.exams]
        if f.min_score is not None:
            if MaskedItem.EXAM_SCORES in masked:
                ignored.append(masked[MaskedItem.EXAM_SCORES])
            else:
                minimum = f.min_score
                rows = [r for r in rows if (r.exams[f.exam].score or -1) >= minimum]
    if f.language:
        rows = [r for r in rows if r.language == f.language]
    if f.province:
        rows = [r for r in rows if r.province == f.province]
    if f.completeness == "incomplete":
        rows = [r for r in rows if r.completeness != COMPLETE]
    elif f.completeness:
        rows = [r for r in rows if r.completeness == f.completeness]
    if f.interview == "none":
        rows = [r for r in rows if not r.interview]
    elif f.interview:
        rows = [r for r in rows if r.interview == f.interview]
    if f.assigned == "me":
        rows = [r for r in rows if viewer.pk in r.assigned]
    elif f.assigned == "none":
        rows = [r for r in rows if not r.assigned]
    elif f.assigned.isdigit():
        user_id = int(f.assigned)
        rows = [r for r in rows if user_id in r.assigned]
    return sort_rows(rows, f.sort), ignored


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    key = sort.lstrip("-")
    reverse = sort.startswith("-")
    by_name = sorted(rows, key=lambda r: (r.sort_name, r.pk))
    if key == "name":
        return by_name[::-1] if reverse else by_name
    if key == "submitted":
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        out = sorted(by_name, key=lambda r: r.submitted_at or far, reverse=reverse)
        return out
    if key in ("score", "my_score"):
        scored = [r for r in by_name if getattr(r, key) is not None]
        unscored = [r for r in by_name if getattr(r, key) is None]
        # the best first by default: "score" sorts from the highest, "-score" from the lowest
        return sorted(scored, key=lambda r: getattr(r, key), reverse=not reverse) + unscored
    return by_name


def stream_label(code: str) -> str:
    try:
        return str(Stream(code).label)
    except ValueError:
        return code


def interview_label(code: str) -> str:
    from interviews.models import InterviewStatus

    return str(InterviewStatus(code).label) if code else ""


def language_label(code: str) -> str:
    return {"en": _("English"), "fr": _("French"), "both": _("English and French")}.get(code, code)


# --- The reviewer's panel beside the reader -----------------------------------------------------


@dataclass
class CriterionLine:
    criterion: Criterion
    mine: int | None
    mean: float | None
    count: int


@dataclass
class ReviewerScores:
    name: str
    values: list[int | None]
    total: float | None


@dataclass
class Panel:
    criteria: list[CriterionLine]
    my_total: float | None
    total: float | None
    reviews: int
    my_note: ReviewNote | None
    shared_notes: list[ReviewNote]
    per_reviewer: list[ReviewerScores] | None  # only for those who manage the review
    assigned: list[Reviewer]
    team: list[Reviewer]  # who may be assigned (for those who manage the review)
    interview: Any
    accesses: list[FileAccess] | None  # only for those who manage the review
    access_count: int
    can_write: bool
    can_manage: bool


def on_team(viewer: Any, program: Program) -> bool:
    """Whether ``viewer`` holds a role on the program's team (director, administrator, file
    reviewer): shared notes are for them, not for the PGME office or the match administrator."""
    from core.permissions import roles_of

    return program.pk in roles_of(viewer).programs_with(*PROGRAM_ROLES)


def reader_panel(application: Application, *, viewer: Any) -> Panel:
    """What the reviewer's panel shows for ``application`` (the caller checked
    ``application.review``): criteria with my score and the mean, my notes, the notes others
    shared with the team; for the director and administrators each reviewer's scores, the
    assignment form and who opened the file."""
    from interviews.models import InterviewOffer

    program = application.program
    criteria = list(Criterion.objects.filter(program=program))
    scores = list(
        Score.objects.filter(application=application).select_related("reviewer").order_by("pk")
    )
    mine = {s.criterion_id: s.value for s in scores if s.reviewer_id == viewer.pk}
    by_criterion: dict[int, list[int]] = {}
    by_reviewer: dict[int, dict[int, int]] = {}
    names: dict[int, str] = {}
    for s in scores:
        by_criterion.setdefault(s.criterion_id, []).append(s.value)
        by_reviewer.setdefault(s.reviewer_id, {})[s.criterion_id] = s.value
        names[s.reviewer_id] = user_label(s.reviewer)
    means = {c: sum(v) / len(v) for c, v in by_criterion.items()}
    lines = [
        CriterionLine(
            c,
            mine.get(c.pk),
            round(means[c.pk], 1) if c.pk in means else None,
            len(by_criterion.get(c.pk, [])),
        )
        for c in criteria
    ]
    manage = can(viewer, "program.manage_review", program)
    notes = list(ReviewNote.objects.filter(application=application).select_related("author"))
    my_note = next((n for n in notes if n.author_id == viewer.pk), None)
    shared = (
        [n for n in notes if n.shared and n.author_id != viewer.pk]
        if on_team(viewer, program)
        else []
    )
    assigned_ids = list(
        ReviewAssignment.objects.filter(application=application)
        .order_by("assigned_at", "pk")
        .values_list("reviewer_id", flat=True)
    )
    team = team_of(program, also=assigned_ids)
    accesses = None
    access_count = 0
    if manage:
        log = FileAccess.objects.filter(application=application)
        access_count = log.count()
        accesses = list(log.select_related("document")[:100])
    return Panel(
        criteria=lines,
        my_total=weighted_total(criteria, {k: float(v) for k, v in mine.items()}),
        total=weighted_total(criteria, means),
        reviews=len(by_reviewer),
        my_note=my_note,
        shared_notes=shared,
        per_reviewer=[
            ReviewerScores(
                names[uid],
                [values.get(c.pk) for c in criteria],
                weighted_total(criteria, {k: float(v) for k, v in values.items()}),
            )
            for uid, values in by_reviewer.items()
        ]
        if manage
        else None,
        assigned=[team[u] for u in assigned_ids],
        team=[
            r
            for r in team.values()
            if r.role and r.user_id not in assigned_ids and _may_review(r, application)
        ]
        if manage
        else [],
        interview=InterviewOffer.objects.filter(application=application).first(),
        accesses=accesses,
        access_count=access_count,
        can_write=can(viewer, "review.write", application),
        can_manage=manage,
    )


def _may_review(reviewer: Reviewer, application: Application) -> bool:
    """Whether a member of the team may read ``application`` (a file reviewer's streams)."""
    if reviewer.role != Role.FILE_REVIEWER or not reviewer.streams:
        return True
    return application.quota.stream in reviewer.streams


def saved_filters(user: Any, program: Program) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user_id=user.pk, program=program))


def access_kind_label(code: str) -> str:
    return str(AccessKind(code).label)


def readable_application(user: Any, pk: int) -> Application:
    """The submitted application ``pk`` if ``user`` may review it: HTTP 404 when there is no
    such submitted application, 403 (``PermissionDenied``) when the user is refused."""
    from django.shortcuts import get_object_or_404

    application = get_object_or_404(
        Application.objects.select_related("program__school", "quota__iteration", "applicant"),
        pk=pk,
        status=ApplicationStatus.SUBMITTED,
    )
    require(user, "application.review", application)
    return application
