"""Applications over the API: the applicant's checklist of one application; for program staff,
their programs' applications, documents' metadata, interview statuses and rank order lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from applicants.models import ApplicantProfile
from applications import selectors
from applications.models import Application, ApplicationStatus
from core.permissions import can, require, roles_of
from cycles.selectors import current_cycle, current_iteration
from programs.models import Program, Quota

router = Router(tags=["applications"])


class ItemOut(Schema):
    label: str
    status: str  # complete | optional_missing | required_missing
    symbol: str
    detail: str


@router.get("/mine/{code}/checklist", response=list[ItemOut])
def checklist(request: HttpRequest, code: str) -> list[ItemOut]:
    """What the program ``code`` requires and whether the signed-in applicant's application
    to it has it."""
    require(request.user, "applicant.act")
    applicant = ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)
    application = (
        Application.objects.filter(
            applicant=applicant, program__cycle=current_cycle(), program__code=code
        )
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("program", "applicant")
        .first()
    )
    if application is None:
        raise Http404(_("You have no application to this program."))
    return [
        ItemOut(label=i.label, status=i.status, symbol=i.symbol, detail=i.detail)
        for i in selectors.application_checklist(application)
    ]


# --- Programs: their applications, documents' metadata, interview statuses, rank lists -------
# Session auth (the API's default: 401 without a session). Each endpoint checks the rules of
# core.permissions: ``program.view_applications`` for a program, ``application.review`` for
# each application (a file reviewer sees only their streams), ``document.view`` for each
# document, ``quota.rank`` for a rank order list.


class QuotaOut(Schema):
    id: int
    code: str
    stream: str
    positions: int


class ProgramOut(Schema):
    code: str
    name: str
    school: str
    quotas: list[QuotaOut]
    may_rank: bool


class ProgramApplicationOut(Schema):
    id: int
    applicant: str  # match identifier
    name: str
    quota: str
    stream: str
    status: str
    submitted_at: dt.datetime | None
    late: bool
    interview_status: str | None  # selected | not_selected | waitlisted | not_this_iteration
    interview_updated_at: dt.datetime | None


class InterviewStatusOut(Schema):
    application: int
    applicant: str
    quota: str
    stream: str
    status: str | None
    label: str
    updated_at: dt.datetime | None


class DocumentMetaOut(Schema):
    id: int
    type: str
    type_label: str
    language: str
    status: str
    size: int
    mime: str
    uploaded_at: dt.datetime | None
    assigned_late: bool


class RankedOut(Schema):
    position: int
    applicant: str
    name: str


class RankVersionOut(Schema):
    number: int
    submitted_at: dt.datetime
    approved_at: dt.datetime | None
    entries: list[RankedOut]


class RankSubmissionOut(Schema):
    number: int
    state: str  # pending | approved | returned | superseded
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    comment: str
    version: int | None
    entries: list[RankedOut]


class QuotaRankListOut(Schema):
    quota: str
    stream: str
    positions: int
    status: str
    locked: bool
    locked_reason: str | None
    approval_required: bool
    draft: list[RankedOut]
    versions: list[RankVersionOut]  # newest first; the first is the one the match uses
    submissions_for_approval: list[RankSubmissionOut]


def _current_program(code: str) -> Program:
    cycle = current_cycle()
    found = (
        Program.objects.filter(cycle=cycle, code=code).select_related("school").first()
        if cycle is not None
        else None
    )
    if found is None:
        raise Http404(_("No program has this code in the current match."))
    return found


def _visible_applications(request: HttpRequest, program: Program) -> list[Application]:
    """The program's submitted applications this user may review (one query)."""
    require(request.user, "program.view_applications", program)
    applications = (
        Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED)
        .select_related("applicant", "quota", "program", "interview")
        .order_by("applicant__last_name", "applicant__first_name", "pk")
    )
    return [a for a in applications if can(request.user, "application.review", a)]


def _interview(application: Application) -> Any:
    return getattr(application, "interview", None)


@router.get("/programs", response=list[ProgramOut])
def my_programs(request: HttpRequest) -> list[ProgramOut]:
    """The programs of the current match the signed-in staff member works on (by program role
    or their school's PGME office)."""
    from programs.selectors import programs_of_staff

    require(request.user, "program.staff_home")
    cycle = current_cycle()
    if cycle is None:
        return []
    roles = roles_of(request.user)
    return [
        ProgramOut(
            code=p.code,
            name=p.name,
            school=p.school.name,
            quotas=[
                QuotaOut(id=q.pk, code=q.code, stream=q.stream, positions=q.positions)
                for q in p.quotas.all()
            ],
            may_rank=any(can(request.user, "quota.rank", q) for q in p.quotas.all()),
        )
        for p in programs_of_staff(roles, cycle)
    ]


@router.get("/programs/{code}/applications", response=list[ProgramApplicationOut])
def program_applications(request: HttpRequest, code: str) -> list[ProgramApplicationOut]:
    """The program's submitted applications the user may review (a file reviewer: their
    streams only), with stream, status, submission time, late flag and interview status."""
    program = _current_program(code)
    out = []
    for a in _visible_applications(request, program):
        offer = _interview(a)
        out.append(
            ProgramApplicationOut(
                id=a.pk,
                applicant=a.applicant.matching_id,
                name=a.applicant.sorted_name,
                quota=f"{program.code}-{a.quota.stream}",
                stream=a.quota.stream,
                status=a.status,
                submitted_at=a.submitted_at,
                late=a.is_late,
                interview_status=offer.status if offer else None,
                interview_updated_at=offer.updated_at if offer else None,
            )
        )
    return out


@router.get("/programs/{code}/interviews", response=list[InterviewStatusOut])
def program_interviews(request: HttpRequest, code: str) -> list[InterviewStatusOut]:
    """The interview status of each application the user may review (``None``: not decided)."""
    program = _current_program(code)
    out = []
    for a in _visible_applications(request, program):
        offer = _interview(a)
        out.append(
            InterviewStatusOut(
                application=a.pk,
                applicant=a.applicant.matching_id,
                quota=f"{program.code}-{a.quota.stream}",
                stream=a.quota.stream,
                status=offer.status if offer else None,
                label=offer.get_status_display() if offer else _("No status yet"),
                updated_at=offer.updated_at if offer else None,
            )
        )
    return out


@router.get("/read/{application_id}/documents", response=list[DocumentMetaOut])
def application_documents(request: HttpRequest, application_id: int) -> list[DocumentMetaOut]:
    """The metadata of one application's documents (never their content): those the user may
    see under ``document.view``, once ``application.review`` allows the application."""
    from documents.models import DocumentAssignment

    application = (
        Application.objects.filter(pk=application_id).select_related("program", "quota").first()
    )
    if application is None:
        raise Http404(_("No application has this number."))
    require(request.user, "application.review", application)
    assignments = (
        DocumentAssignment.objects.filter(application=application)
        .select_related("document")
        .order_by("document__type", "document_id")
    )
    return [
        DocumentMetaOut(
            id=d.pk,
            type=d.type,
            type_label=d.get_type_display(),
            language=d.language,
            status=d.status,
            size=d.size,
            mime=d.mime,
            uploaded_at=d.uploaded_at,
            assigned_late=da.late,
        )
        for da in assignments
        if can(request.user, "document.view", (d := da.document))
    ]


def _ranked(items: list[dict[str, Any]], people: dict[int, Any]) -> list[RankedOut]:
    from ranking.selectors import item_applicant_id

    out = []
    for n, item in enumerate(sorted(items, key=lambda i: i.get("position", 0))):
        person = people.get(item_applicant_id(item))  # type: ignore[arg-type]
        out.append(
            RankedOut(
                position=n + 1,
                applicant=person.matching_id if person else str(item.get("applicant", "")),
                name=person.sorted_name if person else "",
            )
        )
    return out


@router.get("/programs/{code}/rank-lists", response=list[QuotaRankListOut])
def program_rank_lists(request: HttpRequest, code: str) -> list[QuotaRankListOut]:
    """The rank order list of each of the program's quotas the user ranks (``quota.rank``:
    director and program administrator): the draft, every version (newest first: the first
    is the one the match uses) and every submission for PGME approval with its decision."""
    from applicants.models import ApplicantProfile
    from ranking import selectors as ranking
    from ranking.models import RankList

    program = _current_program(code)
    iteration = current_iteration()
    quotas = [
        q
        for q in Quota.objects.filter(program=program, iteration=iteration).select_related(
            "program__school", "iteration"
        )
        if can(request.user, "quota.rank", q)
    ]
    if not quotas:
        raise PermissionDenied("quota.rank")
    lists = {
        r.quota_id: r
        for r in RankList.objects.filter(quota__in=quotas).prefetch_related(
            "entries", "versions__approval", "approvals"
        )
    }
    ids: set[int] = set()
    for r in lists.values():
        ids |= {e.applicant_id for e in r.entries.all()}
        for obj in [*r.versions.all(), *r.approvals.all()]:
            ids |= {ranking.item_applicant_id(i) for i in obj.entries}
    ids.discard(None)  # type: ignore[arg-type]
    people = ApplicantProfile.objects.in_bulk(list(ids)) if ids else {}
    out = []
    for q in quotas:
        r = lists.get(q.pk)
        reason = ranking.closed_message(q.iteration, "quota")
        draft = (
            [
                {
                    "position": e.position,
                    "applicant": people[e.applicant_id].matching_id,
                    "applicant_id": e.applicant_id,
                }
                for e in sorted(r.entries.all(), key=lambda e: e.position)
                if e.applicant_id in people
            ]
            if r
            else []
        )
        versions = sorted(r.versions.all(), key=lambda v: -v.number) if r else []
        approvals = sorted(r.approvals.all(), key=lambda a: -a.number) if r else []
        out.append(
            QuotaRankListOut(
                quota=q.code,
                stream=q.stream,
                positions=q.positions,
                status=r.status if r else "draft",
                locked=reason is not None,
                locked_reason=reason,
                approval_required=ranking.approval_required(q),
                draft=_ranked(draft, people),
                versions=[
                    RankVersionOut(
                        number=v.number,
                        submitted_at=v.submitted_at,
                        approved_at=getattr(getattr(v, "approval", None), "decided_at", None),
                        entries=_ranked(v.entries, people),
                    )
                    for v in versions
                ],
                submissions_for_approval=[
                    RankSubmissionOut(
                        number=a.number,
                        state=a.state,
                        submitted_at=a.submitted_at,
                        decided_at=a.decided_at,
                        comment=a.comment,
                        version=next((v.number for v in versions if v.pk == a.version_id), None),
                        entries=_ranked(a.entries, people),
                    )
                    for a in approvals
                ],
            )
        )
    return out
