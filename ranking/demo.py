"""Demo data of the program rank order lists (called once by ``matchruns.demo.load_demo``).

The persona program's quota lists (FM-UOFT) are made of interviewed applicants: if no
interview offers exist yet (the interviews demo may run before or after this), the
applicants already on those lists get a "selected" offer; if offers exist, the lists keep
only the applicants selected for an interview. The persona school (University of Toronto)
requires PGME approval: every list of its programs was approved once, and the FM-UOFT CMG list
was changed and submitted again, awaiting pgme@demo.jumelage.ca.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from accounts.models import User
from applications.models import Application, ApplicationStatus
from cycles.models import Cycle, Iteration
from interviews.models import InterviewOffer, InterviewStatus
from programs.models import Program, Quota
from ranking.models import (
    ApprovalState,
    RankEntry,
    RankList,
    RankListApproval,
    RankListStatus,
    RankListVersion,
)

PERSONA_PROGRAM = "FM-UOFT"


def _payload(applicants: list[tuple[int, str]]) -> list[dict[str, Any]]:
    return [
        {"position": n + 1, "applicant": matching_id, "applicant_id": pk}
        for n, (pk, matching_id) in enumerate(applicants)
    ]


def _replace_entries(rank_list: RankList, applicant_ids: list[int]) -> None:
    rank_list.entries.all().delete()
    RankEntry.objects.bulk_create(
        [
            RankEntry(rank_list=rank_list, position=n + 1, applicant_id=pk)
            for n, pk in enumerate(applicant_ids)
        ]
    )


def _interviewed_lists(
    quotas: list[Quota], director: User | None, rng: random.Random
) -> tuple[int, int]:
    """Make the quotas' lists (draft and version 1) hold interviewed applicants only."""
    offers_made = rebuilt = 0
    for quota in quotas:
        rank_list = RankList.objects.filter(quota=quota).first()
        if rank_list is None:
            continue
        applications = {
            a.applicant_id: a
            for a in Application.objects.filter(
                quota=quota, status=ApplicationStatus.SUBMITTED
            ).select_related("applicant")
        }
        selected = set(
            InterviewOffer.objects.filter(
                application__quota=quota, status=InterviewStatus.SELECTED
            ).values_list("application__applicant_id", flat=True)
        )
        ranked = list(rank_list.entries.order_by("position").values_list("applicant_id", flat=True))
        keep = [pk for pk in ranked if pk in applications]
        if not selected:
            # No interview offers yet: the applicants on the list are the ones interviewed.
            InterviewOffer.objects.bulk_create(
                [
                    InterviewOffer(
                        application=applications[pk],
                        status=InterviewStatus.SELECTED,
                        decided_by=director,
                    )
                    for pk in keep
                ],
                ignore_conflicts=True,
            )
            offers_made += len(keep)
        else:
            keep = [pk for pk in keep if pk in selected]
            # Interviewed applicants not on the list yet: most are ranked at the end.
            keep += [pk for pk in sorted(selected - set(keep)) if rng.random() < 0.8]
        if keep != ranked:
            _replace_entries(rank_list, keep)
            rebuilt += 1
        people = [(pk, applications[pk].applicant.matching_id) for pk in keep]
        RankListVersion.objects.filter(rank_list=rank_list).update(entries=_payload(people))
    return offers_made, rebuilt


def load(
    *, cycle: Cycle, iteration: Iteration, rng: random.Random, now: dt.datetime
) -> dict[str, int]:
    from matchruns.demo import DOMAIN

    program = (
        Program.objects.filter(cycle=cycle, code=PERSONA_PROGRAM).select_related("school").first()
    )
    if program is None:
        return {}
    director = User.objects.filter(email=f"director@{DOMAIN}").first()
    pgme = User.objects.filter(email=f"pgme@{DOMAIN}").first()
    quotas = list(Quota.objects.filter(program=program, iteration=iteration).order_by("stream"))
    offers, rebuilt = _interviewed_lists(quotas, director, rng)

    school = program.school
    school.requires_rank_list_approval = True
    school.save(update_fields=["requires_rank_list_approval"])

    # Every list of the school was submitted and approved once (its version 1).
    versions = list(
        RankListVersion.objects.filter(
            rank_list__quota__program__school=school, rank_list__iteration=iteration
        ).select_related("rank_list")
    )
    approvals = [
        RankListApproval(
            rank_list=v.rank_list,
            number=1,
            entries=v.entries,
            submitted_at=v.submitted_at - dt.timedelta(days=1),
            submitted_by=director if v.rank_list.quota_id in {q.pk for q in quotas} else None,
            state=ApprovalState.APPROVED,
            decided_at=v.submitted_at,
            decided_by=pgme,
            version=v,
        )
        for v in versions
    ]
    RankListApproval.objects.bulk_create(approvals)

    # The CMG list of the persona program was reordered and is awaiting approval.
    pending = 0
    cmg = next((q for q in quotas if q.stream == "CMG"), None)
    rank_list = RankList.objects.filter(quota=cmg).first() if cmg else None
    entries = list(rank_list.entries.order_by("position")) if rank_list else []
    if rank_list is not None and len(entries) >= 4:
        order = [e.applicant_id for e in entries]
        order[1], order[3] = order[3], order[1]
        order[0], order[1] = order[1], order[0]
        ids = dict(
            Application.objects.filter(quota=cmg, applicant_id__in=order).values_list(
                "applicant_id", "applicant__matching_id"
            )
        )
        rank_list.entries.all().delete()
        RankEntry.objects.bulk_create(
            [
                RankEntry(rank_list=rank_list, position=n + 1, applicant_id=pk)
                for n, pk in enumerate(order)
            ]
        )
        RankListApproval.objects.create(
            rank_list=rank_list,
            number=2,
            entries=_payload([(pk, ids[pk]) for pk in order]),
            submitted_at=now - dt.timedelta(hours=3),
            submitted_by=director,
            state=ApprovalState.PENDING,
        )
        rank_list.status = RankListStatus.PENDING
        rank_list.save(update_fields=["status", "updated_at"])
        pending = 1
    return {
        "interview_offers_for_rank_lists": offers,
        "program_lists_rebuilt_from_interviews": rebuilt,
        "rank_list_approvals": len(approvals) + pending,
    }
