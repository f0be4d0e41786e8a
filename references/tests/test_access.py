"""Refusals: the applicant never reads their own reference (page, API, download), another
applicant never touches it, another program's staff never read it, anonymous is sent to sign in.
"""

from __future__ import annotations

import pytest

from accounts.models import Role, RoleAssignment
from applications.models import ApplicationStatus
from core.permissions import can, forget_roles
from references import services
from references.models import ReferenceAssignment, ReferenceState
from references.tests.conftest import apply, upload
from tests import factories

pytestmark = pytest.mark.django_db


def _urls(ref: str) -> dict[str, tuple[str, str]]:
    return {
        "detail": ("get", f"/en/references/{ref}/"),
        "edit": ("post", f"/en/references/{ref}/edit/"),
        "finalise": ("post", f"/en/references/{ref}/finalise/"),
        "resend": ("post", f"/en/references/{ref}/resend/"),
        "withdraw": ("post", f"/en/references/{ref}/withdraw/"),
        "cover_sheet": ("post", f"/en/references/{ref}/cover-sheet/"),
        "assign": ("post", f"/en/references/{ref}/assign/"),
        "api_one": ("get", f"/en/api/references/mine/{ref}"),
    }


@pytest.fixture
def submitted(applicant, program, received):  # type: ignore[no-untyped-def]
    """The received letter assigned to a submitted application to ``program``."""
    application = apply(applicant, program)
    services.reference_assign(applicant=applicant, request=received, application=application)
    return received


def test_the_applicant_never_reads_their_own_letter(as_user, applicant, submitted):
    client = as_user(applicant.user)
    ref = submitted.reference_id
    assert client.get(f"/en/references/{ref}/content/").status_code == 403
    assert client.get(f"/en/api/references/{ref}/content").status_code == 403
    # what they do see: the state, not the content
    page = client.get(f"/en/references/{ref}/").content.decode()
    assert "Received on" in page
    assert f"/references/{ref}/content/" not in page
    data = client.get(f"/en/api/references/mine/{ref}").json()
    assert data["state"] == "received"
    assert set(data) == {
        "reference_id",
        "kind",
        "referee_name",
        "discipline",
        "delivery",
        "state",
        "sent_at",
        "received_at",
        "received_late",
        "assigned_to",
    }
    listing = client.get("/en/api/references/mine").json()
    assert listing[0]["reference_id"] == ref and "answers" not in listing[0]


def test_the_applicant_cannot_read_even_when_also_staff(as_user, applicant, program, submitted):
    RoleAssignment.objects.create(user=applicant.user, role=Role.PROGRAM_DIRECTOR, program=program)
    RoleAssignment.objects.create(user=applicant.user, role=Role.MATCH_ADMINISTRATOR)
    forget_roles(applicant.user)
    assert not can(applicant.user, "reference.read_content", submitted)
    client = as_user(applicant.user)
    assert client.get(f"/en/references/{submitted.reference_id}/content/").status_code == 403
    assert client.get(f"/en/api/references/{submitted.reference_id}/content").status_code == 403
    page = client.get(f"/en/references/program/{program.code}/").content.decode()
    assert f"/references/{submitted.reference_id}/content/" not in page


def test_another_applicant_is_refused_everything(as_user, other_applicant, sent):
    request, _token = sent
    client = as_user(other_applicant.user)
    for name, (method, url) in _urls(request.reference_id).items():
        response = getattr(client, method)(url)
        assert response.status_code == 403, name
    assert client.get(f"/en/references/{request.reference_id}/content/").status_code == 403
    request.refresh_from_db()
    assert request.state == ReferenceState.SENT


def test_another_applicant_cannot_unassign(as_user, applicant, other_applicant, program, sent):
    request, _token = sent
    assignment = services.reference_assign(
        applicant=applicant, request=request, application=apply(applicant, program)
    )
    response = as_user(other_applicant.user).post(
        f"/en/references/assignment/{assignment.pk}/unassign/"
    )
    assert response.status_code == 403
    assert ReferenceAssignment.objects.filter(pk=assignment.pk).exists()


def test_staff_and_anonymous_are_refused_the_applicant_pages(as_user, director, sent):
    request, _token = sent
    for name, (method, url) in _urls(request.reference_id).items():
        assert getattr(as_user(director), method)(url).status_code == 403, name
        response = getattr(as_user(None), method)(url)
        assert response.status_code in (302, 401), name
    assert as_user(director).get("/en/references/").status_code == 403
    assert as_user(None).get("/en/references/").status_code == 302
    assert as_user(director).get("/en/api/references/mine").status_code == 403
    assert as_user(None).get("/en/api/references/mine").status_code == 401


def test_the_programs_staff_read_it_once_the_application_is_submitted(
    as_user, applicant, program, director, reviewer, received
):
    application = apply(applicant, program, status=ApplicationStatus.SELECTED)
    services.reference_assign(applicant=applicant, request=received, application=application)
    url = f"/en/references/{received.reference_id}/content/"
    assert as_user(director).get(url).status_code == 403  # not submitted yet
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    for user in (director, reviewer):
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    api = as_user(director).get(f"/en/api/references/{received.reference_id}/content")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")


def test_another_programs_director_is_refused(as_user, other_director, submitted, program):
    ref = submitted.reference_id
    assert as_user(other_director).get(f"/en/references/{ref}/content/").status_code == 403
    assert as_user(other_director).get(f"/en/api/references/{ref}/content").status_code == 403
    assert as_user(other_director).get(f"/en/references/program/{program.code}/").status_code == 403
    assert as_user(None).get(f"/en/api/references/{ref}/content").status_code == 401
    assert as_user(None).get(f"/en/references/{ref}/content/").status_code == 302


def test_a_pgme_office_sees_arrival_but_not_content(as_user, submitted, program):
    office = factories.make_staff(role=Role.PGME_OFFICE, school=program.school)
    page = as_user(office).get(f"/en/references/program/{program.code}/")
    assert page.status_code == 200
    assert submitted.reference_id in page.content.decode()
    assert (
        as_user(office).get(f"/en/references/{submitted.reference_id}/content/").status_code == 403
    )


def test_the_match_administrator_reads_any_letter(as_user, match_admin, received):
    response = as_user(match_admin).get(f"/en/references/{received.reference_id}/content/")
    assert response.status_code == 200


def test_the_structured_answers_are_shown_to_the_director_only(
    as_user, applicant, cycle, program, director, other_applicant
):
    from references.models import ReferenceKind

    request = services.reference_request_create(
        applicant=applicant,
        cycle=cycle,
        kind=ReferenceKind.SUPPORT_FORM,
        referee_name="Dr S",
        referee_email="s@example.org",
    )
    services.reference_request_finalise(applicant=applicant, request=request)
    request.refresh_from_db()
    token = services.issue_link(request)
    as_user(None).post(
        f"/en/references/r/{token}/",
        {"relationship": "Mentor", "overall": "4", "support": "A secret opinion"},
    )
    services.reference_assign(
        applicant=applicant, request=request, application=apply(applicant, program)
    )
    page = as_user(director).get(f"/en/references/{request.reference_id}/content/").content.decode()
    assert "A secret opinion" in page
    api = as_user(director).get(f"/en/api/references/{request.reference_id}/content").json()
    assert api["answers"][2]["value"] == "A secret opinion"
    for user in (applicant.user, other_applicant.user):
        client = as_user(user)
        assert client.get(f"/en/references/{request.reference_id}/content/").status_code == 403
        assert "A secret opinion" not in client.get("/en/references/").content.decode()
        assert "A secret opinion" not in client.get("/en/api/references/mine").content.decode()


def test_only_the_administrator_records_early_letters(as_user, applicant, director):
    for user in (applicant.user, director):
        assert as_user(user).get("/en/references/early-letters/").status_code == 403
    assert as_user(None).get("/en/references/early-letters/").status_code == 302


def test_the_applicant_cannot_use_the_referee_link_of_their_own_request(
    as_user, applicant, other_applicant, sent
):
    _request, token = sent
    assert as_user(applicant.user).get(f"/en/references/r/{token}/").status_code == 403
    response = as_user(applicant.user).post(f"/en/references/r/{token}/", {"letter": upload()})
    assert response.status_code == 403
    # a signed-in stranger is just another visitor of a link they should not have: no content
    assert as_user(other_applicant.user).get(f"/en/references/r/{token}/").status_code == 200


def test_staff_and_anonymous_cannot_create_or_claim(as_user, director):
    data = {
        "kind": "narrative",
        "referee_name": "Dr X",
        "referee_email": "x@example.org",
        "referee_language": "en",
        "delivery": "email",
    }
    for url in ("/en/references/new/", "/en/references/claim/"):
        assert as_user(director).post(url, data).status_code == 403
        assert as_user(None).post(url, data).status_code == 302
    from references.models import ReferenceRequest

    assert not ReferenceRequest.objects.exists()


def test_applicants_and_anonymous_cannot_see_a_programs_references(as_user, applicant, program):
    url = f"/en/references/program/{program.code}/"
    assert as_user(applicant.user).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 302


def test_reading_a_letter_is_audited(as_user, match_admin, received):
    from core.models import AuditEntry

    as_user(match_admin).get(f"/en/references/{received.reference_id}/content/")
    entry = AuditEntry.objects.get(action="references.content.opened")
    assert entry.actor == match_admin and entry.object_id == str(received.pk)
