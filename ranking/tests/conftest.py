"""Fixtures of the ranking tests: quotas applied to, helpers to apply and to interview."""

from __future__ import annotations

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationStatus
from core.choices import Stream
from tests import factories


def apply(applicant, quota, status=ApplicationStatus.SUBMITTED):  # type: ignore[no-untyped-def]
    return Application.objects.create(
        applicant=applicant,
        program=quota.program,
        quota=quota,
        status=status,
        submitted_at=timezone.now() if status == ApplicationStatus.SUBMITTED else None,
    )


def interview(application, status="selected"):  # type: ignore[no-untyped-def]
    """Give ``application`` an interview status (the interviews app's offer)."""
    from interviews.models import InterviewOffer

    offer, _created = InterviewOffer.objects.update_or_create(
        application=application, defaults={"status": status}
    )
    return offer


def interviewed(applicant, quota):  # type: ignore[no-untyped-def]
    """A submitted application to ``quota``, selected for an interview: rankable."""
    application = apply(applicant, quota)
    interview(application)
    return application


@pytest.fixture
def quota(program):  # type: ignore[no-untyped-def]
    return program.quotas.get(stream=Stream.CMG)


@pytest.fixture
def quotas(cycle, iteration, program, other_program):  # type: ignore[no-untyped-def]
    """Four quotas: two programs, CMG then IMG."""
    third = factories.make_program(cycle=cycle, iteration=iteration, streams={Stream.CMG: 3})
    return [
        program.quotas.get(stream=Stream.CMG),
        other_program.quotas.get(stream=Stream.CMG),
        third.quotas.get(),
        program.quotas.get(stream=Stream.IMG),
    ]


@pytest.fixture
def applied(applicant, quotas):  # type: ignore[no-untyped-def]
    """The applicant applied (submitted) to the first three quotas, not the fourth."""
    for q in quotas[:3]:
        apply(applicant, q)
    return quotas[:3]
