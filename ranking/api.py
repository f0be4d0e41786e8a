"""JSON API endpoints of the ranking domain (session auth; permissions from core.permissions)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from applicants.models import ApplicantProfile
from core.errors import DomainError
from core.permissions import require, roles_of
from cycles.selectors import current_iteration
from programs.models import Quota
from ranking import selectors, services
from ranking.models import RankList

router = Router(tags=["ranking"])


class EntryOut(Schema):
    position: int
    quota: str | None = None
    partner_quota: str | None = None
    applicant: str | None = None


class RankListOut(Schema):
    owner: str
    status: str
    locked: bool
    locked_reason: str | None
    unsubmitted_changes: bool
    submitted_version: int | None
    submitted_at: dt.datetime | None
    entries: list[EntryOut]
    submitted_entries: list[EntryOut]


class ErrorOut(Schema):
    detail: str


def _entries(rows: list[selectors.Row]) -> list[EntryOut]:
    return [
        EntryOut(
            position=r.position,
            quota=r.quota.code if r.quota else None,
            partner_quota=r.partner_quota.code if r.partner_quota else None,
            applicant=r.applicant.matching_id if r.applicant else None,
        )
        for r in rows
    ]


def _out(owner: str, kind: str, rank_list: RankList | None, iteration) -> RankListOut:  # type: ignore[no-untyped-def]
    entries = selectors.entries_of(rank_list)
    version = selectors.last_version(rank_list)
    reason = selectors.closed_message(iteration, kind)
    return RankListOut(
        owner=owner,
        status=rank_list.status if rank_list else "draft",
        locked=reason is not None,
        locked_reason=reason,
        unsubmitted_changes=selectors.has_unsubmitted_changes(entries, version),
        submitted_version=version.number if version else None,
        submitted_at=version.submitted_at if version else None,
        entries=_entries(selectors.rows_of_entries(entries)),
        submitted_entries=_entries(selectors.rows_of_version(version)) if version else [],
    )


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)


def _iteration():  # type: ignore[no-untyped-def]
    iteration = current_iteration()
    if iteration is None:
        raise HttpError(404, "No current match")
    return iteration


@router.get("/mine", response=RankListOut)
def mine(request: HttpRequest) -> RankListOut:
    """The signed-in applicant's own rank order list: draft, status, last submitted version."""
    me = _me(request)
    iteration = _iteration()
    rank_list = selectors.applicant_rank_list(me, iteration)
    return _out(me.matching_id, "applicant", rank_list, iteration)


@router.post("/mine/submit", response={200: RankListOut, 400: ErrorOut})
def mine_submit(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Submit the applicant's list as it is now (a new version)."""
    me = _me(request)
    iteration = _iteration()
    rank_list = selectors.applicant_rank_list(me, iteration)
    try:
        if rank_list is None:
            raise DomainError(services.empty_list_message())
        services.rank_list_submit(actor=request.user, rank_list=rank_list)
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message))
    return Status(
        200,
        _out(me.matching_id, "applicant", selectors.applicant_rank_list(me, iteration), iteration),
    )


@router.get("/program/{quota_id}", response=RankListOut)
def program(request: HttpRequest, quota_id: int) -> RankListOut:
    """A quota's rank order list: its program's director and administrator only."""
    quota = get_object_or_404(Quota.objects.select_related("program", "iteration"), pk=quota_id)
    require(request.user, "quota.rank", quota)
    return _out(quota.code, "quota", selectors.quota_rank_list(quota), quota.iteration)
