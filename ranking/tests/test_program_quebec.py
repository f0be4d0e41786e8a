"""Québec programs give a reason for each interviewed applicant they leave unranked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.choices import Province, Stream
from core.errors import DomainError
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from ranking import services
from ranking.models import RankList, UnrankedReason
from ranking.tests.conftest import interviewed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def qc_quota(cycle, iteration):  # type: ignore[no-untyped-def]
    school = factories.make_school(province=Province.QC)
    program = factories.make_program(cycle=cycle, iteration=iteration, school=school)
    return program.quotas.get(stream=Stream.CMG)


@pytest.fixture
def qc_director(qc_quota):  # type: ignore[no-untyped-def]
    from accounts.models import Role

    return factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=qc_quota.program)


@pytest.fixture
def people(cycle, qc_quota):  # type: ignore[no-untyped-def]
    out = [factories.make_applicant(cycle=cycle) for _ in range(3)]
    for person in out:
        interviewed(person, qc_quota)
    return out


def edit(client, quota, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("ranking:program_edit", args=[quota.pk]), data, follow=True)


def test_submission_is_refused_naming_everyone_left_unranked_without_a_reason(
    as_user, qc_director, qc_quota, people
):
    client = as_user(qc_director)
    edit(client, qc_quota, op="add", applicant=people[0].pk)
    body = edit(client, qc_quota, op="submit").content.decode()
    assert "A Québec program gives a reason for each interviewed applicant" in body
    assert f"{people[1].sorted_name} ({people[1].matching_id})" in body
    assert f"{people[2].sorted_name} ({people[2].matching_id})" in body
    assert not RankList.objects.get(quota=qc_quota).versions.exists()
    assert "2 applicants below have no reason yet" in body


def test_with_a_reason_for_each_the_list_is_submitted_and_keeps_the_reasons(
    as_user, qc_director, qc_quota, people
):
    client = as_user(qc_director)
    edit(client, qc_quota, op="add", applicant=people[0].pk)
    body = edit(client, qc_quota, op="reason", applicant=people[1].pk, reason="other").content
    assert "explain it in a few words" in body.decode()
    edit(client, qc_quota, op="reason", applicant=people[1].pk, reason="interview")
    edit(
        client,
        qc_quota,
        op="reason",
        applicant=people[2].pk,
        reason="other",
        text="Chose another region.",
    )
    body = edit(client, qc_quota, op="submit").content.decode()
    assert "Submitted: version 1" in body
    version = RankList.objects.get(quota=qc_quota).versions.get()
    assert sorted((u["applicant"], u["reason"], u["text"]) for u in version.unranked) == sorted(
        [
            (people[1].matching_id, "interview", ""),
            (people[2].matching_id, "other", "Chose another region."),
        ]
    )
    history = client.get(reverse("ranking:program_history", args=[qc_quota.pk])).content.decode()
    assert "Interview assessment below the program&#x27;s threshold" in history
    assert "Chose another region." in history


def test_a_reason_is_refused_for_a_ranked_applicant_and_outside_quebec(
    qc_director, qc_quota, people, director, quota, cycle
):
    services.program_rank_list_add(actor=qc_director, quota=qc_quota, applicant=people[0])
    with pytest.raises(DomainError) as error:
        services.unranked_reason_set(
            actor=qc_director, quota=qc_quota, applicant=people[0], kind="criteria"
        )
    assert error.value.code == "ranked"
    elsewhere = factories.make_applicant(cycle=cycle)
    interviewed(elsewhere, quota)
    with pytest.raises(DomainError) as error:
        services.unranked_reason_set(
            actor=director, quota=quota, applicant=elsewhere, kind="criteria"
        )
    assert error.value.code == "not_quebec"
    stranger = factories.make_applicant(cycle=cycle)
    with pytest.raises(DomainError) as error:
        services.unranked_reason_set(
            actor=qc_director, quota=qc_quota, applicant=stranger, kind="criteria"
        )
    assert error.value.code == "not_interviewed"
    assert not UnrankedReason.objects.exists()


def test_a_reason_can_be_cleared_and_is_locked_at_the_deadline(
    as_user, qc_director, qc_quota, people, iteration
):
    client = as_user(qc_director)
    edit(client, qc_quota, op="reason", applicant=people[0].pk, reason="criteria")
    edit(client, qc_quota, op="reason", applicant=people[0].pk, reason="")
    assert not UnrankedReason.objects.exists()
    edit(client, qc_quota, op="reason", applicant=people[0].pk, reason="language")
    after = milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE) + dt.timedelta(minutes=1)
    with time_machine.travel(after):
        client = as_user(qc_director)
        body = edit(client, qc_quota, op="reason", applicant=people[0].pk, reason="").content
        assert "closed at the" in body.decode()
        page = client.get(reverse("ranking:program", args=[qc_quota.pk])).content.decode()
        assert "Language of training requirements not met" in page  # shown, not editable
        assert 'value="reason"' not in page
    assert UnrankedReason.objects.get().kind == "language"


def test_an_applicant_who_withdrew_from_the_match_needs_no_reason(qc_director, qc_quota, people):
    from django.utils import timezone

    from applicants.models import Participation

    services.program_rank_list_add(actor=qc_director, quota=qc_quota, applicant=people[0])
    services.unranked_reason_set(
        actor=qc_director, quota=qc_quota, applicant=people[1], kind="criteria"
    )
    Participation.objects.filter(applicant=people[2]).update(withdrawn_at=timezone.now())
    version = services.rank_list_submit(
        actor=qc_director, rank_list=RankList.objects.get(quota=qc_quota)
    )
    assert [u["applicant"] for u in version.unranked] == [people[1].matching_id]
