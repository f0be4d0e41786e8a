"""The ranking API: an applicant's own list, its submission, a quota's list."""

from __future__ import annotations

import pytest

from ranking import services
from ranking.models import RankListVersion
from ranking.tests.conftest import interviewed

pytestmark = pytest.mark.django_db

MINE = "/en/api/ranking/mine"
SUBMIT = "/en/api/ranking/mine/submit"


def test_an_applicant_reads_their_list_and_submits_it(as_user, applicant, applied):
    services.rank_list_add(applicant=applicant, quota=applied[1])
    services.rank_list_add(applicant=applicant, quota=applied[0])
    client = as_user(applicant.user)
    data = client.get(MINE).json()
    assert data["status"] == "draft"
    assert data["unsubmitted_changes"] is True
    assert [e["quota"] for e in data["entries"]] == [applied[1].code, applied[0].code]
    response = client.post(SUBMIT)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "submitted"
    assert data["submitted_version"] == 1
    assert data["unsubmitted_changes"] is False
    assert [e["quota"] for e in data["submitted_entries"]] == [applied[1].code, applied[0].code]


def test_submitting_an_empty_list_is_a_400_with_a_message(as_user, applicant):
    response = as_user(applicant.user).post(SUBMIT)
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]


def test_the_applicant_endpoints_refuse_staff_and_anonymous(as_user, director, reviewer):
    for user in (director, reviewer):
        assert as_user(user).get(MINE).status_code == 403
        assert as_user(user).post(SUBMIT).status_code == 403
    assert as_user(None).get(MINE).status_code == 401
    assert as_user(None).post(SUBMIT).status_code == 401
    assert not RankListVersion.objects.exists()


def test_the_program_endpoint_is_for_the_director_only(
    as_user, director, reviewer, other_director, applicant, quota
):
    interviewed(applicant, quota)
    services.program_rank_list_add(actor=director, quota=quota, applicant=applicant)
    url = f"/en/api/ranking/program/{quota.pk}"
    data = as_user(director).get(url).json()
    assert [e["applicant"] for e in data["entries"]] == [applicant.matching_id]
    for user in (reviewer, other_director, applicant.user):
        assert as_user(user).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 401
    assert as_user(director).get("/en/api/ranking/program/999999").status_code == 404
