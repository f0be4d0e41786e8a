"""Assigning references to programs (before they arrive too), late marks, the per-program view."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from applications.models import ApplicationStatus
from core.errors import DomainError
from references import services
from references.models import ReferenceAssignment
from references.tests.conftest import apply, upload

pytestmark = pytest.mark.django_db


def test_a_reference_is_assigned_before_it_arrives_and_shown_per_program(
    as_user, applicant, program, other_program, sent, director
):
    request, token = sent
    first = apply(applicant, program)
    apply(applicant, other_program)
    client = as_user(applicant.user)
    response = client.post(
        f"/en/references/{request.reference_id}/assign/", {"application": first.pk}
    )
    assert response.status_code == 302
    assignment = ReferenceAssignment.objects.get(request=request)
    assert assignment.application == first and not assignment.is_late
    page = client.get("/en/references/").content.decode()
    assert "not received yet" in page
    staff = as_user(director).get(f"/en/references/program/{program.code}/").content.decode()
    assert request.reference_id in staff and "not received yet" in staff
    services.reference_submit_letter(request=request, token=token, uploaded_file=upload())
    page = client.get("/en/references/").content.decode()
    assert "received" in page
    staff = as_user(director).get(f"/en/references/program/{program.code}/").content.decode()
    assert "Received on" in staff and "Read" in staff


def test_assigning_twice_is_one_assignment(applicant, program, sent):
    request, _ = sent
    application = apply(applicant, program)
    services.reference_assign(applicant=applicant, request=request, application=application)
    services.reference_assign(applicant=applicant, request=request, application=application)
    assert ReferenceAssignment.objects.count() == 1


def test_an_assignment_after_the_application_deadline_is_late(
    applicant, program, other_program, iteration, sent
):
    request, _ = sent
    application = apply(applicant, program)
    deadline = iteration.milestones.get(kind="application_deadline").at
    with time_machine.travel(deadline + dt.timedelta(hours=2)):
        assignment = services.reference_assign(
            applicant=applicant, request=request, application=application
        )
        assert assignment.is_late
        with pytest.raises(DomainError, match="closed"):
            services.reference_unassign(applicant=applicant, assignment=assignment)
    opens = iteration.milestones.get(kind="ranking_opens").at
    with (
        time_machine.travel(opens + dt.timedelta(minutes=1)),
        pytest.raises(DomainError, match="closed"),
    ):
        services.reference_assign(
            applicant=applicant, request=request, application=apply(applicant, other_program)
        )


def test_unassigning_before_the_deadline(as_user, applicant, program, sent):
    request, _ = sent
    assignment = services.reference_assign(
        applicant=applicant, request=request, application=apply(applicant, program)
    )
    response = as_user(applicant.user).post(f"/en/references/assignment/{assignment.pk}/unassign/")
    assert response.status_code == 302
    assert not ReferenceAssignment.objects.exists()


def test_another_applicants_application_cannot_be_used(
    as_user, applicant, other_applicant, program, sent
):
    request, _ = sent
    theirs = apply(other_applicant, program)
    response = as_user(applicant.user).post(
        f"/en/references/{request.reference_id}/assign/", {"application": theirs.pk}
    )
    assert response.status_code == 302
    assert not ReferenceAssignment.objects.exists()
    with pytest.raises(DomainError, match="not yours"):
        services.reference_assign(applicant=applicant, request=request, application=theirs)


def test_a_withdrawn_application_or_request_cannot_be_assigned(
    applicant, program, other_program, sent
):
    request, _ = sent
    withdrawn = apply(applicant, program, status=ApplicationStatus.WITHDRAWN)
    with pytest.raises(DomainError, match="withdrew"):
        services.reference_assign(applicant=applicant, request=request, application=withdrawn)
    live = apply(applicant, other_program)
    services.reference_assign(applicant=applicant, request=request, application=live)
    services.reference_request_withdraw(applicant=applicant, request=request)
    assert not ReferenceAssignment.objects.exists()
    with pytest.raises(DomainError, match="withdrawn"):
        services.reference_assign(applicant=applicant, request=request, application=live)


def test_the_program_page_makes_a_fixed_number_of_queries(
    as_user, director, program, cycle, django_assert_max_num_queries
):
    from tests import factories

    for _ in range(4):
        someone = factories.make_applicant(cycle=cycle)
        r = services.reference_request_create(
            applicant=someone,
            cycle=cycle,
            kind="narrative",
            referee_name="Dr Q",
            referee_email="q@example.org",
        )
        services.reference_assign(applicant=someone, request=r, application=apply(someone, program))
    client = as_user(director)
    with django_assert_max_num_queries(14):
        assert client.get(f"/en/references/program/{program.code}/").status_code == 200
