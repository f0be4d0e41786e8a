"""The references API: the applicant's requests with states, creating one."""

from __future__ import annotations

import pytest

from references.models import ReferenceRequest

pytestmark = pytest.mark.django_db

MINE = "/en/api/references/mine"


def test_an_applicant_creates_and_lists_requests(as_user, applicant, program):
    client = as_user(applicant.user)
    response = client.post(
        MINE,
        {
            "kind": "structured",
            "referee_name": "Dr API",
            "referee_email": "api@example.org",
            "discipline": program.discipline.code,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft" and data["discipline"] == program.discipline.code
    listing = client.get(MINE).json()
    assert [r["reference_id"] for r in listing] == [data["reference_id"]]


def test_bad_input_is_a_400_with_a_message(as_user, applicant):
    client = as_user(applicant.user)
    response = client.post(
        MINE, {"kind": "poem", "referee_name": "X"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "type of reference" in response.json()["detail"]
    response = client.post(
        MINE,
        {"kind": "narrative", "referee_name": "X", "discipline": "NOPE"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.post(
        MINE,
        {
            "kind": "narrative",
            "referee_name": "X",
            "referee_email": "x@example.org",
            "message": "x" * 2001,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "longer than" in response.json()["detail"]
    assert not ReferenceRequest.objects.exists()


def test_the_api_refuses_staff_and_anonymous(as_user, director):
    assert (
        as_user(director)
        .post(MINE, {"kind": "narrative", "referee_name": "X"}, content_type="application/json")
        .status_code
        == 403
    )
    assert as_user(None).post(MINE, {}, content_type="application/json").status_code == 401
    assert not ReferenceRequest.objects.exists()


def test_another_applicants_request_is_403(as_user, other_applicant, draft):
    assert as_user(other_applicant.user).get(f"{MINE}/{draft.reference_id}").status_code == 403
    assert as_user(other_applicant.user).get(MINE).json() == []
