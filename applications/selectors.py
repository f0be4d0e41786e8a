"""Reads of applications."""

from __future__ import annotations

from django.db.models import QuerySet

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from cycles.models import Cycle
from programs.models import Quota


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
