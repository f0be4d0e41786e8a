"""Early letters: recorded by the administrator under a placeholder, claimed by the applicant."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from references import services
from references.models import ReferenceRequest, ReferenceState
from references.tests.conftest import apply, make_pdf, upload
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_early_letter_is_recorded_then_claimed_and_assigned(
    as_user, match_admin, applicant, program, director
):
    response = as_user(match_admin).post(
        "/en/references/early-letters/",
        {
            "referee_name": "Dr Early",
            "referee_email": "early@example.org",
            "intended_matching_id": applicant.matching_id.lower(),
            "kind": "narrative",
            "letter": upload(),
        },
    )
    assert response.status_code == 302
    placeholder = ReferenceRequest.objects.get(is_placeholder=True)
    assert placeholder.applicant is None and placeholder.state == ReferenceState.RECEIVED
    page = as_user(match_admin).get("/en/references/early-letters/").content.decode()
    assert placeholder.reference_id in page
    client = as_user(applicant.user)
    response = client.post(
        "/en/references/claim/", {"reference_id": placeholder.reference_id.lower()}
    )
    assert response.status_code == 302
    placeholder.refresh_from_db()
    assert placeholder.applicant == applicant
    services.reference_assign(
        applicant=applicant, request=placeholder, application=apply(applicant, program)
    )
    assert (
        as_user(director).get(f"/en/references/{placeholder.reference_id}/content/").status_code
        == 200
    )
    assert client.get(f"/en/references/{placeholder.reference_id}/content/").status_code == 403


def test_an_early_letter_can_be_recorded_before_opening_and_claimed_only_by_its_applicant(db):
    cycle, _ = factories.make_cycle(phase="before_opening")
    admin = factories.make_match_admin()
    applicant = factories.make_applicant(cycle=cycle)
    intruder = factories.make_applicant(cycle=cycle)
    placeholder = services.reference_placeholder_create(
        actor=admin,
        cycle=cycle,
        referee_name="Dr Early",
        referee_email="",
        intended_matching_id=applicant.matching_id,
        uploaded_file=upload(),
    )
    with pytest.raises(DomainError, match="not open yet"):
        services.reference_claim_placeholder(
            applicant=applicant, cycle=cycle, reference_id=placeholder.reference_id
        )
    cycle2, _ = factories.make_cycle(phase="opening", current=False)
    placeholder.cycle = cycle2
    placeholder.save()
    with pytest.raises(DomainError, match="No early letter"):
        services.reference_claim_placeholder(
            applicant=intruder, cycle=cycle2, reference_id=placeholder.reference_id
        )
    services.reference_claim_placeholder(
        applicant=applicant, cycle=cycle2, reference_id=placeholder.reference_id
    )
    with pytest.raises(DomainError, match="No early letter"):
        services.reference_claim_placeholder(
            applicant=intruder, cycle=cycle2, reference_id=placeholder.reference_id
        )


def test_a_wrong_id_is_a_clear_message(as_user, applicant):
    response = as_user(applicant.user).post("/en/references/claim/", {"reference_id": "REF-NOPE00"})
    assert response.status_code == 400
    assert "No early letter" in response.content.decode()


def test_an_encrypted_early_letter_is_refused(as_user, match_admin, applicant):
    response = as_user(match_admin).post(
        "/en/references/early-letters/",
        {
            "referee_name": "Dr Early",
            "intended_matching_id": applicant.matching_id,
            "kind": "narrative",
            "letter": upload(make_pdf(encrypt=True)),
        },
    )
    assert response.status_code == 400
    assert "password" in response.content.decode()
    assert not ReferenceRequest.objects.exists()
