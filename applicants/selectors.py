"""Reads about applicants: participation, the dashboard summary, provincial lists."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from applicants.models import (
    ApplicantProfile,
    ContractVersion,
    Couple,
    CoupleStatus,
    Participation,
    ProvincialEligibility,
)
from cycles.models import Cycle


def participation_of(applicant: ApplicantProfile, cycle: Cycle) -> Participation | None:
    return (
        Participation.objects.filter(applicant=applicant, cycle=cycle)
        .select_related("contract")
        .first()
    )


def participation_active(applicant: ApplicantProfile, cycle: Cycle) -> bool:
    """Contract accepted and not withdrawn."""
    return Participation.objects.filter(
        applicant=applicant, cycle=cycle, withdrawn_at__isnull=True
    ).exists()


def current_contract(cycle: Cycle) -> ContractVersion | None:
    return ContractVersion.objects.filter(cycle=cycle).order_by("-version").first()


def active_couple_of(applicant: ApplicantProfile, cycle: Cycle) -> Couple | None:
    return (
        Couple.objects.filter(cycle=cycle, status=CoupleStatus.ACTIVE)
        .filter(Q(inviter=applicant) | Q(partner=applicant))
        .select_related("inviter__user", "partner__user")
        .first()
    )


def provincial_list(*, cycle: Cycle, province: str) -> QuerySet[ProvincialEligibility]:
    return (
        ProvincialEligibility.objects.filter(cycle=cycle, province=province)
        .select_related("applicant__user")
        .order_by("applicant__last_name", "applicant__first_name")
    )
