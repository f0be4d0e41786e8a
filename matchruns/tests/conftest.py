"""Fixtures of the matchruns tests: submitted rank order lists of a small iteration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role
from applicants.models import Couple, CoupleStatus
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at, results_release_at
from ranking.models import RankEntry, RankList, RankListStatus, RankListVersion
from tests import factories


def submit_list(
    *, iteration: Any, owner: dict[str, Any], entries: list[dict[str, Any]]
) -> RankList:
    """A submitted list with its entries and a version (as the ranking service leaves them)."""
    rank_list, _ = RankList.objects.get_or_create(iteration=iteration, **owner)
    rank_list.entries.all().delete()
    RankEntry.objects.bulk_create(
        [
            RankEntry(
                rank_list=rank_list,
                position=i + 1,
                quota_id=e.get("quota"),
                partner_quota_id=e.get("partner_quota"),
                applicant_id=e.get("applicant"),
            )
            for i, e in enumerate(entries)
        ]
    )
    number = rank_list.versions.count() + 1
    now = timezone.now()
    RankListVersion.objects.create(
        rank_list=rank_list,
        number=number,
        entries=[{"position": i + 1, **e} for i, e in enumerate(entries)],
        submitted_at=now,
    )
    rank_list.status = RankListStatus.SUBMITTED
    rank_list.submitted_at = now
    rank_list.save()
    return rank_list


def rank_applicant(iteration: Any, applicant: Any, quotas: list[Any]) -> RankList:
    return submit_list(
        iteration=iteration,
        owner={"applicant": applicant},
        entries=[{"quota": q.pk} for q in quotas],
    )


def rank_quota(iteration: Any, quota: Any, applicants: list[Any]) -> RankList:
    return submit_list(
        iteration=iteration,
        owner={"quota": quota},
        entries=[{"applicant": a.pk} for a in applicants],
    )


def rank_couple(iteration: Any, couple: Any, pairs: list[tuple[Any, Any]]) -> RankList:
    return submit_list(
        iteration=iteration,
        owner={"couple": couple},
        entries=[
            {"quota": a.pk if a else None, "partner_quota": b.pk if b else None} for a, b in pairs
        ],
    )


def after_deadlines(iteration: Any) -> dt.datetime:
    return milestone_at(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE) + dt.timedelta(hours=1)


def release(iteration: Any) -> dt.datetime:
    return results_release_at(iteration)


@pytest.fixture
def world(cycle, iteration, program, other_program, applicant, other_applicant):  # type: ignore[no-untyped-def]
    """Two programs (CMG 2 + IMG 1 each), three single applicants, a couple, all lists submitted.

    program-CMG ranks other_applicant then applicant; other_program-CMG ranks applicant.
    applicant ranks program-CMG then other-CMG: program-CMG holds 2 positions, so both singles
    and the couple compete. The couple ranks (program-CMG, other-CMG), (other-CMG, None).
    """
    p_cmg = program.quotas.get(stream="CMG")
    p_img = program.quotas.get(stream="IMG")
    o_cmg = other_program.quotas.get(stream="CMG")
    first = factories.make_applicant(cycle=cycle)
    second = factories.make_applicant(cycle=cycle)
    couple = Couple.objects.create(
        cycle=cycle, inviter=first, partner=second, status=CoupleStatus.ACTIVE
    )
    rank_applicant(iteration, applicant, [p_cmg, o_cmg])
    rank_applicant(iteration, other_applicant, [p_cmg])
    unranked = factories.make_applicant(cycle=cycle)
    rank_applicant(iteration, unranked, [p_cmg])  # no program ranks them: unmatched
    rank_couple(iteration, couple, [(p_cmg, o_cmg), (o_cmg, None)])
    rank_quota(iteration, p_cmg, [other_applicant, first, applicant])
    rank_quota(iteration, o_cmg, [applicant, first, second])
    rank_quota(iteration, p_img, [])
    return {
        "p_cmg": p_cmg,
        "p_img": p_img,
        "o_cmg": o_cmg,
        "couple": couple,
        "first": first,
        "second": second,
        "unranked": unranked,
    }


@pytest.fixture
def official_run(world, iteration, match_admin):  # type: ignore[no-untyped-def]
    import time_machine

    from matchruns.services import match_run

    with time_machine.travel(after_deadlines(iteration)):
        return match_run(actor=match_admin, iteration=iteration)


@pytest.fixture
def pgme(program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PGME_OFFICE, school=program.school)


@pytest.fixture
def administrator(program):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program)
