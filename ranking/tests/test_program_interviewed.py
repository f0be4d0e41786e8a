"""A program's list is built from the applicants it interviewed for the quota, and nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import DomainError
from interviews.models import InterviewStatus
from ranking import services
from ranking.models import RankEntry, RankList
from ranking.tests.conftest import apply, interview, interviewed
from tests import factories

pytestmark = pytest.mark.django_db


def ranked(quota):  # type: ignore[no-untyped-def]
    return list(
        RankEntry.objects.filter(rank_list__quota=quota)
        .order_by("position")
        .values_list("applicant_id", flat=True)
    )


def test_the_page_lists_the_interviewed_applicants_and_offers_only_them(
    as_user, director, quota, cycle
):
    chosen = factories.make_applicant(cycle=cycle)
    waitlisted = factories.make_applicant(cycle=cycle)
    refused = factories.make_applicant(cycle=cycle)
    undecided = factories.make_applicant(cycle=cycle)
    interviewed(chosen, quota)
    interview(apply(waitlisted, quota), InterviewStatus.WAITLISTED)
    interview(apply(refused, quota), InterviewStatus.NOT_SELECTED)
    apply(undecided, quota)
    body = as_user(director).get(reverse("ranking:program", args=[quota.pk])).content.decode()
    assert chosen.matching_id in body
    assert f'id="add-{chosen.pk}"' in body
    for person in (waitlisted, refused, undecided):
        assert person.matching_id not in body


@pytest.mark.parametrize("status", [InterviewStatus.NOT_SELECTED, InterviewStatus.WAITLISTED, None])
def test_adding_an_applicant_who_was_not_interviewed_is_refused_with_a_reason(
    as_user, director, quota, applicant, status
):
    application = apply(applicant, quota)
    if status:
        interview(application, status)
    response = as_user(director).post(
        reverse("ranking:program_edit", args=[quota.pk]),
        {"op": "add", "applicant": applicant.pk},
        follow=True,
    )
    assert "was not interviewed" in response.content.decode()
    assert ranked(quota) == []


def test_an_applicant_interviewed_by_another_quota_or_program_cannot_be_ranked_here(
    director, quota, program, other_program, applicant
):
    from core.choices import Stream

    interviewed(applicant, other_program.quotas.get(stream=Stream.CMG))
    img = program.quotas.get(stream=Stream.IMG)
    interviewed(applicant, img)
    with pytest.raises(DomainError) as error:
        services.program_rank_list_add(actor=director, quota=quota, applicant=applicant)
    assert error.value.code == "not_applied"
    apply(applicant, quota)  # applied to this quota too, but interviewed only elsewhere
    with pytest.raises(DomainError) as error:
        services.program_rank_list_add(actor=director, quota=quota, applicant=applicant)
    assert error.value.code == "not_interviewed"
    assert ranked(quota) == []


def test_a_list_is_refused_at_submission_once_an_interview_status_was_withdrawn(
    as_user, director, quota, applicant, other_applicant
):
    first = interviewed(applicant, quota)
    interviewed(other_applicant, quota)
    services.program_rank_list_add(actor=director, quota=quota, applicant=applicant)
    services.program_rank_list_add(actor=director, quota=quota, applicant=other_applicant)
    interview(first, InterviewStatus.NOT_SELECTED)
    response = as_user(director).post(
        reverse("ranking:program_edit", args=[quota.pk]), {"op": "submit"}, follow=True
    )
    assert "is no longer an interviewed applicant" in response.content.decode()
    assert not RankList.objects.get(quota=quota).versions.exists()
