"""JSON API of the applicants domain: the applicant's own file, “can I apply here?”, and the
provincial bodies' list uploads (organisation token)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from applicants import selectors, services
from applicants.eligibility import can_apply
from applicants.models import IMPORT_REASONS, ApplicantProfile, ProvincialListImport
from core.choices import PROVINCES_WITH_IMG_LIST
from core.errors import DomainError
from core.permissions import require, roles_of
from cycles.selectors import current_cycle
from integrations.auth import OrganisationToken
from integrations.models import OrganisationKind
from programs.selectors import program_by_code

router = Router(tags=["applicants"])


class ErrorOut(Schema):
    detail: str


class EntryOut(Schema):
    id: int
    language: str
    position: int
    data: dict[str, Any]
    updated_at: dt.datetime


class SectionOut(Schema):
    key: str
    title: str
    requirement: str
    repeatable: bool
    waived: bool
    complete: bool
    missing: list[str]
    entries: list[EntryOut]


class GroupOut(Schema):
    key: str
    title: str
    percent: int
    sections: list[SectionOut]


class FileOut(Schema):
    matching_id: str
    display_name: str
    stream: str
    mcc_id: str | None
    languages: list[str]
    percent: int
    complete: bool
    profile_missing: list[str]
    groups: list[GroupOut]


class ReasonOut(Schema):
    code: str
    message: str
    ok: bool
    warning: bool


class VerdictOut(Schema):
    program: str
    allowed: bool
    quota: str | None
    reasons: list[ReasonOut]


class RowOut(Schema):
    row: int
    matching_id: str
    family_name: str
    outcome: str
    code: str
    message: str


class ImportOut(Schema):
    id: int
    province: str
    accepted: int
    unchanged: int
    rejected: int
    rows: list[RowOut]


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)


@router.get("/me/file", response=FileOut)
def my_file(request: HttpRequest) -> FileOut:
    """The signed-in applicant's My Information: sections, entries, completeness."""
    me = _me(request)
    status = selectors.file_status(me)
    return FileOut(
        matching_id=me.matching_id,
        display_name=me.display_name,
        stream=me.stream,
        mcc_id=me.mcc_id,
        languages=status.languages,
        percent=status.percent,
        complete=status.complete,
        profile_missing=[str(m) for m in status.profile_missing],
        groups=[
            GroupOut(
                key=g.group.key,
                title=str(g.group.title),
                percent=g.percent,
                sections=[
                    SectionOut(
                        key=s.key,
                        title=str(s.section.title),
                        requirement=s.section.requirement,
                        repeatable=s.section.repeatable,
                        waived=s.waived,
                        complete=s.complete,
                        missing=[str(m) for m in s.missing],
                        entries=[
                            EntryOut(
                                id=e.pk,
                                language=e.language,
                                position=e.position,
                                data=e.data,
                                updated_at=e.updated_at,
                            )
                            for lang in status.languages
                            for e in s.entries[lang]
                        ],
                    )
                    for s in g.sections
                ],
            )
            for g in status.groups
        ],
    )


@router.get("/me/can-apply/{code}", response=VerdictOut)
def my_can_apply(request: HttpRequest, code: str) -> VerdictOut:
    """May the signed-in applicant apply to the program ``code``, and why (or why not)?"""
    me = _me(request)
    cycle = current_cycle()
    program = program_by_code(cycle, code) if cycle else None
    if program is None:
        raise HttpError(404, "No program has this code.")
    verdict = can_apply(me, program)
    return VerdictOut(
        program=program.code,
        allowed=verdict.allowed,
        quota=verdict.quota.code if verdict.quota is not None else None,
        reasons=[
            ReasonOut(code=r.code, message=r.message, ok=r.ok, warning=r.warning)
            for r in verdict.reasons
        ],
    )


def import_out(report: ProvincialListImport) -> ImportOut:
    return ImportOut(
        id=report.pk,
        province=report.province,
        accepted=report.accepted,
        unchanged=report.unchanged,
        rejected=report.rejected,
        rows=[
            RowOut(**row, message=str(IMPORT_REASONS.get(row["code"], row["code"])))
            for row in report.rows
        ],
    )


@router.post(
    "/provincial-list",
    response={200: ImportOut, 400: ErrorOut, 403: ErrorOut},
    auth=OrganisationToken(OrganisationKind.PROVINCIAL_BODY),
)
def provincial_list_upload(request: HttpRequest):  # type: ignore[no-untyped-def]
    """A provincial body sends its IMG list: a CSV file as the body (``text/csv``) or as the
    ``file`` field of a multipart form. The organisation's province decides which list."""
    organisation = request.auth  # type: ignore[attr-defined]
    if organisation.province not in PROVINCES_WITH_IMG_LIST:
        return Status(403, ErrorOut(detail="This organisation's province keeps no IMG list."))
    cycle = current_cycle()
    if cycle is None:
        raise HttpError(404, "No match cycle is open.")
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size and upload.size > services.MAX_LIST_BYTES:
            return Status(400, ErrorOut(detail="The file is larger than 2 MB."))
        content, filename = upload.read(), upload.name or ""
    else:
        content, filename = request.body, ""
    try:
        report = services.provincial_list_import(
            cycle=cycle,
            province=organisation.province,
            content=content,
            filename=filename,
            organisation=organisation,
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message))
    return Status(200, import_out(report))
