"""Lists change until their deadline (Toronto time) and are locked after it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from ranking import services
from ranking.models import RankEntry, RankListVersion

pytestmark = pytest.mark.django_db

EDIT = reverse("ranking:applicant_edit")


def _after(iteration, kind):  # type: ignore[no-untyped-def]
    return milestone_at(iteration, kind) + dt.timedelta(minutes=1)


def _before(iteration, kind):  # type: ignore[no-untyped-def]
    return milestone_at(iteration, kind) - dt.timedelta(minutes=1)


def test_an_applicant_edits_a_minute_before_the_deadline(as_user, applicant, applied, iteration):
    with time_machine.travel(_before(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)):
        client = as_user(applicant.user)
        client.post(EDIT, {"op": "add", "quota": applied[0].pk})
        client.post(EDIT, {"op": "submit"})
    assert RankListVersion.objects.filter(rank_list__applicant=applicant).count() == 1


def test_after_the_applicant_deadline_edits_are_refused_and_nothing_changes(
    as_user, applicant, applied, iteration
):
    client = as_user(applicant.user)
    client.post(EDIT, {"op": "add", "quota": applied[0].pk})
    client.post(EDIT, {"op": "add", "quota": applied[1].pk})
    client.post(EDIT, {"op": "submit"})
    client.post(EDIT, {"op": "add", "quota": applied[2].pk})
    first = RankEntry.objects.filter(rank_list__applicant=applicant).first()
    with time_machine.travel(_after(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)):
        client = as_user(applicant.user)  # a fresh session (the first one has expired)
        for data in (
            {"op": "add", "quota": applied[2].pk},
            {"op": "remove", "entry": first.pk},
            {"op": "down", "entry": first.pk},
            {"op": "move", "entry": first.pk, "position": 3},
            {"op": "submit"},
        ):
            response = client.post(EDIT, data, follow=True)
            body = response.content.decode()
            assert "closed at the" in body
            assert "Nothing was changed." in body
        page = client.get(reverse("ranking:applicant")).content.decode()
    assert "this list is locked" in page
    assert 'name="op" value="submit"' not in page
    assert [e.quota_id for e in RankEntry.objects.filter(rank_list__applicant=applicant)] == [
        q.pk for q in applied
    ]
    version = RankListVersion.objects.get(rank_list__applicant=applicant)
    assert [e["quota"] for e in version.entries] == [applied[0].code, applied[1].code]


def test_the_service_itself_refuses_after_the_deadline(applicant, applied, iteration):
    from core.errors import DomainError

    with (
        time_machine.travel(_after(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)),
        pytest.raises(DomainError, match="closed"),
    ):
        services.rank_list_add(applicant=applicant, quota=applied[0])


def test_nothing_can_be_ranked_before_ranking_opens(as_user, applicant, applied, iteration):
    with time_machine.travel(_before(iteration, MilestoneKind.RANKING_OPENS)):
        client = as_user(applicant.user)
        response = client.post(EDIT, {"op": "add", "quota": applied[0].pk}, follow=True)
        assert "is not open yet" in response.content.decode()
        assert "is not open yet" in client.get(reverse("ranking:applicant")).content.decode()
    assert not RankEntry.objects.exists()


def test_a_program_list_closes_at_the_program_deadline_before_applicants_do(
    as_user, director, quota, applicant, iteration
):
    from ranking.tests.conftest import interviewed

    interviewed(applicant, quota)
    url = reverse("ranking:program_edit", args=[quota.pk])
    client = as_user(director)
    with time_machine.travel(_after(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)):
        response = client.post(url, {"op": "add", "applicant": applicant.pk}, follow=True)
        assert "closed at the" in response.content.decode()
        assert (
            "this list is locked"
            in client.get(reverse("ranking:program", args=[quota.pk])).content.decode()
        )
    assert not RankEntry.objects.exists()
    with time_machine.travel(_before(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)):
        client.post(url, {"op": "add", "applicant": applicant.pk})
    assert RankEntry.objects.filter(rank_list__quota=quota).count() == 1
