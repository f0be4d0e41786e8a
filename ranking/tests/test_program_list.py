"""A program's director or administrator ranks the applicants of one quota."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applicants.models import Participation
from ranking.models import RankEntry, RankListVersion
from ranking.tests.conftest import apply, interviewed
from tests import factories

pytestmark = pytest.mark.django_db


def urls(quota):  # type: ignore[no-untyped-def]
    return (
        reverse("ranking:program", args=[quota.pk]),
        reverse("ranking:program_edit", args=[quota.pk]),
        reverse("ranking:program_pdf", args=[quota.pk]),
    )


def ranked(quota):  # type: ignore[no-untyped-def]
    return list(
        RankEntry.objects.filter(rank_list__quota=quota)
        .order_by("position")
        .values_list("applicant__matching_id", flat=True)
    )


def test_a_director_ranks_reorders_and_submits_the_applicants_of_a_quota(
    as_user, director, quota, applicant, other_applicant
):
    interviewed(applicant, quota)
    interviewed(other_applicant, quota)
    page, edit, _pdf = urls(quota)
    client = as_user(director)
    body = client.get(page).content.decode()
    assert applicant.matching_id in body and other_applicant.matching_id in body
    client.post(edit, {"op": "add", "applicant": applicant.pk})
    client.post(edit, {"op": "add", "applicant": other_applicant.pk})
    second = RankEntry.objects.get(rank_list__quota=quota, position=2)
    client.post(edit, {"op": "move", "entry": second.pk, "position": 1})
    assert ranked(quota) == [other_applicant.matching_id, applicant.matching_id]
    client.post(edit, {"op": "submit"})
    version = RankListVersion.objects.get(rank_list__quota=quota)
    assert [e["applicant"] for e in version.entries] == ranked(quota)
    assert version.submitted_by == director


def test_a_program_administrator_may_rank_too(as_user, program, quota, applicant):
    admin = factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program)
    interviewed(applicant, quota)
    as_user(admin).post(urls(quota)[1], {"op": "add", "applicant": applicant.pk})
    assert ranked(quota) == [applicant.matching_id]


def test_applicants_who_did_not_apply_or_withdrew_cannot_be_ranked(
    as_user, director, quota, applicant, other_applicant
):
    interviewed(other_applicant, quota)
    Participation.objects.filter(applicant=other_applicant).update(withdrawn_at=timezone.now())
    client = as_user(director)
    for person in (applicant, other_applicant):
        response = client.post(urls(quota)[1], {"op": "add", "applicant": person.pk}, follow=True)
        assert response.status_code == 200
        assert "does not take part" in response.content.decode() or (
            "no submitted application" in response.content.decode()
        )
    response = client.post(urls(quota)[1], {"op": "add", "applicant": "junk"}, follow=True)
    assert "Choose one of the applicants" in response.content.decode()
    assert ranked(quota) == []


@pytest.mark.parametrize("index", [0, 1, 2])
def test_reviewers_other_directors_applicants_and_the_match_admin_are_refused(
    as_user, reviewer, other_director, applicant, match_admin, quota, index
):
    apply(applicant, quota)
    url = urls(quota)[index]
    for user in (reviewer, other_director, applicant.user, match_admin):
        client = as_user(user)
        if index == 1:
            assert client.post(url, {"op": "submit"}).status_code == 403
        else:
            assert client.get(url).status_code == 403
    assert not RankListVersion.objects.exists()
    assert as_user(None).get(url).status_code == 302


def test_an_unknown_quota_is_not_found(as_user, director):
    assert as_user(director).get(reverse("ranking:program", args=[999999])).status_code == 404


def test_the_program_page_query_count_does_not_grow_with_200_applicants(
    as_user, director, quota, cycle, django_assert_max_num_queries
):
    people = [factories.make_applicant(cycle=cycle) for _ in range(200)]
    for person in people:
        interviewed(person, quota)
    client = as_user(director)
    edit = urls(quota)[1]
    for person in people[:100]:
        client.post(edit, {"op": "add", "applicant": person.pk})
    client.post(edit, {"op": "submit"})
    with django_assert_max_num_queries(12):
        response = client.get(urls(quota)[0])
    assert response.status_code == 200
    assert response.content.decode().count('name="op" value="remove"') == 100


def test_the_program_pdf_is_a_pdf(as_user, director, quota, applicant):
    interviewed(applicant, quota)
    client = as_user(director)
    client.post(urls(quota)[1], {"op": "add", "applicant": applicant.pk})
    response = client.get(urls(quota)[2])
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
