"""JSON API endpoints of the ranking domain."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from applicants.models import ApplicantProfile
from core.errors import DomainError
from core.permissions import can, roles_of
from cycles.selectors import current_iteration
from programs.models import Quota
from ranking import selectors, services
from ranking.models import RankList

router = Router(tags=["ranking"])


class LineOut(Schema):
    position: int
    quota: str | None = None
    partner_quota: str | None = None
    applicant: str | None = None


class RankListOut(Schema):
    status: str
    submitted_version: int | None
    submitted_at: dt.datetime | None
    changed_since_submitted: bool
    lines: list[LineOut]


class SubmittedOut(Schema):
    version: int
    submitted_at: dt.datetime


def _out(rank_list: RankList) -> RankListOut:
    entries = selectors.entries_of(rank_list)
    version = selectors.last_version(rank_list)
    return RankListOut(
        status=rank_list.status,
        submitted_version=version.number if version else None,
        submitted_at=version.submitted_at if version else None,
        changed_since_submitted=selectors.has_unsubmitted_changes(rank_list, entries),
        lines=[
            LineOut(
                position=i + 1,
                quota=e.quota.code if e.quota else None,
                partner_quota=e.partner_quota.code if e.partner_quota else None,
                applicant=e.applicant.matching_id if e.applicant else None,
            )
            for i, e in enumerate(entries)
        ],
    )


def _my_list(request: HttpRequest) -> RankList:
    if not can(request.user, "applicant.act"):
        raise HttpError(403, "Only applicants have a rank order list.")
    iteration = current_iteration()
    if iteration is None:
        raise HttpError(404, "No match cycle is open.")
    me = ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)
    return selectors.list_of_applicant(me, iteration)


@router.get("/mine", response=RankListOut)
def mine(request: HttpRequest) -> RankListOut:
    """The signed-in applicant's list, with the version the match would use."""
    return _out(_my_list(request))


@router.post("/mine/submit", response=SubmittedOut)
def submit_mine(request: HttpRequest) -> SubmittedOut:
    """Submit the list as it stands (409 with the reason when refused, e.g. after the deadline)."""
    rank_list = _my_list(request)
    try:
        version = services.rank_list_submit(actor=request.user, rank_list=rank_list)
    except DomainError as exc:
        raise HttpError(409, str(exc.message)) from exc
    return SubmittedOut(version=version.number, submitted_at=version.submitted_at)


@router.get("/program/{quota_id}", response=RankListOut)
def program_list(request: HttpRequest, quota_id: int) -> RankListOut:
    quota = get_object_or_404(Quota.objects.select_related("program"), pk=quota_id)
    if not can(request.user, "quota.rank", quota):
        raise HttpError(403, "Only the program's director and administrator see this list.")
    return _out(selectors.list_of_quota(quota))
