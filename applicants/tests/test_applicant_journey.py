"""An applicant registers, accepts the contract, applies, pays, ranks and may withdraw."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from applicants.models import ApplicantProfile, Participation
from applications.models import Application
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from fees.models import LedgerEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _register(client):
    return client.post(
        "/en/applicant/register/",
        {
            "first_name": "Amira",
            "last_name": "Haddad",
            "medical_school_region": "elsewhere",
            "medical_school_name": "Cairo University",
            "graduation_year": 2022,
            "citizenship": "pr",
        },
    )


def test_a_new_user_registers_accepts_the_contract_and_applies(as_user, cycle, iteration):
    program = factories.require_nothing(factories.make_program(cycle=cycle, iteration=iteration))
    user = factories.make_user()
    client = as_user(user)
    # program selection must be open: move the calendar back to it
    from cycles.services import calendar_shift_to_phase

    calendar_shift_to_phase(actor=None, iteration=iteration, phase=MilestoneKind.PROGRAM_SELECTION)
    assert _register(client).status_code == 302
    profile = ApplicantProfile.objects.get(user=user)
    assert profile.stream == "IMG"
    assert profile.matching_id.startswith("A")

    response = client.post("/en/applicant/contract/", {"accept": "on"})
    assert response.status_code == 302
    participation = Participation.objects.get(applicant=profile)
    assert participation.contract.version == 1

    client.post("/en/applications/select/", {"code": program.code})
    application = Application.objects.get(applicant=profile)
    assert application.quota.stream == "IMG"
    page = client.get("/en/applications/").content.decode()
    assert "375.00" in page  # the fee shown before submitting

    response = client.post("/en/applications/submit/", follow=True)
    assert "must give their MCC ID" in response.content.decode()  # an IMG without MCC ID
    application.refresh_from_db()
    assert application.status == "selected"
    client.post(
        "/en/applicant/information/profile/",
        {"first_name": "Amira", "last_name": "Haddad", "mcc_id": "1234567"},
    )
    client.post("/en/applications/submit/")
    application.refresh_from_db()
    assert application.status == "submitted" and not application.is_late
    charges = LedgerEntry.objects.filter(applicant=profile, kind="charge")
    assert [c.amount_cents for c in charges] == [37500]
    client.post("/en/applications/submit/")  # nothing pending: no second charge
    assert LedgerEntry.objects.filter(applicant=profile, kind="charge").count() == 1


def test_citizenship_other_gets_a_clear_refusal_and_no_profile(as_user, cycle):
    user = factories.make_user()
    response = as_user(user).post(
        "/en/applicant/register/",
        {
            "first_name": "A",
            "last_name": "B",
            "medical_school_region": "canada",
            "medical_school_name": "McGill",
            "graduation_year": 2024,
            "citizenship": "other",
        },
    )
    assert response.status_code == 200
    assert "Only Canadian citizens and permanent residents" in response.content.decode()
    assert not ApplicantProfile.objects.filter(user=user).exists()


def test_applications_after_the_deadline_are_marked_late(as_user, cycle, iteration, program):
    from cycles.services import calendar_shift_to_phase

    factories.require_nothing(program)
    calendar_shift_to_phase(actor=None, iteration=iteration, phase=MilestoneKind.INTERVIEWS_START)
    applicant = factories.make_applicant(cycle=cycle)
    client = as_user(applicant.user)
    client.post("/en/applications/select/", {"code": program.code})
    client.post("/en/applications/submit/")
    application = Application.objects.get(applicant=applicant)
    assert application.status == "submitted" and application.is_late


def test_an_application_can_be_withdrawn_only_before_file_review(
    as_user, cycle, iteration, program
):
    from cycles.services import calendar_shift_to_phase

    factories.require_nothing(program)
    calendar_shift_to_phase(actor=None, iteration=iteration, phase=MilestoneKind.PROGRAM_SELECTION)
    applicant = factories.make_applicant(cycle=cycle)
    client = as_user(applicant.user)
    client.post("/en/applications/select/", {"code": program.code})
    client.post("/en/applications/submit/")
    application = Application.objects.get(applicant=applicant)
    deadline = milestone_at(iteration, MilestoneKind.APPLICATION_DEADLINE)
    with time_machine.travel(deadline + dt.timedelta(seconds=1)):
        client = as_user(applicant.user)  # a fresh session at the moved time
        response = client.post(f"/en/applications/{application.pk}/withdraw/", follow=True)
        assert "closed" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    with time_machine.travel(deadline - dt.timedelta(minutes=1)):
        as_user(applicant.user).post(f"/en/applications/{application.pk}/withdraw/")
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_a_cmg_cannot_apply_to_img_only_positions(as_user, cycle, iteration):
    from cycles.services import calendar_shift_to_phase

    calendar_shift_to_phase(actor=None, iteration=iteration, phase=MilestoneKind.PROGRAM_SELECTION)
    program = factories.make_program(cycle=cycle, iteration=iteration, streams={"IMG": 2})
    applicant = factories.make_applicant(cycle=cycle, img=False)
    response = as_user(applicant.user).post(
        "/en/applications/select/", {"code": program.code}, follow=True
    )
    assert "reserved for international medical graduates" in response.content.decode()
    assert not Application.objects.filter(applicant=applicant).exists()


def test_img_positions_in_alberta_need_the_aimg_list(as_user, cycle, iteration):
    from applicants.models import ProvincialEligibility
    from cycles.services import calendar_shift_to_phase

    calendar_shift_to_phase(actor=None, iteration=iteration, phase=MilestoneKind.PROGRAM_SELECTION)
    school = factories.make_school(province="AB")
    program = factories.make_program(cycle=cycle, iteration=iteration, school=school)
    applicant = factories.make_applicant(cycle=cycle, img=True)
    client = as_user(applicant.user)
    page = client.get(f"/en/programs/{program.code}/").content.decode()
    assert "open only to IMGs on the list" in page
    client.post("/en/applications/select/", {"code": program.code})
    assert not Application.objects.filter(applicant=applicant).exists()
    ProvincialEligibility.objects.create(applicant=applicant, cycle=cycle, province="AB")
    client.post("/en/applications/select/", {"code": program.code})
    assert Application.objects.filter(applicant=applicant, quota__stream="IMG").exists()


def test_withdrawing_needs_a_reason_and_closes_at_the_applicant_rol_deadline(
    as_user, cycle, iteration, applicant
):
    client = as_user(applicant.user)
    response = client.post("/en/applicant/withdraw/", {"reason": "", "confirm": "on"})
    assert "Give the reason" in response.content.decode()
    deadline = milestone_at(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)
    with time_machine.travel(deadline):
        response = as_user(applicant.user).post(
            "/en/applicant/withdraw/", {"reason": "Family", "confirm": "on"}, follow=True
        )
        assert "closed" in response.content.decode()
    assert Participation.objects.get(applicant=applicant).withdrawn_at is None
    client.post("/en/applicant/withdraw/", {"reason": "Family", "confirm": "on"})
    assert Participation.objects.get(applicant=applicant).withdrawn_at is not None


def test_the_dashboard_shows_stream_balance_and_next_deadline(as_user, cycle, applicant):
    page = as_user(applicant.user).get("/en/applicant/").content.decode()
    assert applicant.matching_id in page
    assert "Canadian medical graduate" in page
    assert "Balance owed: 0.00 CAD" in page
    assert "Next in the match calendar" in page


def test_a_user_without_a_profile_is_sent_to_register(as_user, db):
    user = factories.make_user()
    response = as_user(user).get("/en/applicant/")
    assert response["Location"].endswith("/applicant/register/")


def test_another_applicant_cannot_touch_my_application(as_user, cycle, iteration, program):
    from cycles.services import calendar_shift_to_phase

    calendar_shift_to_phase(actor=None, iteration=iteration, phase=MilestoneKind.PROGRAM_SELECTION)
    mine = factories.make_applicant(cycle=cycle)
    other = factories.make_applicant(cycle=cycle)
    as_user(mine.user).post("/en/applications/select/", {"code": program.code})
    application = Application.objects.get(applicant=mine)
    response = as_user(other.user).post(f"/en/applications/{application.pk}/remove/")
    assert response.status_code == 404
    assert Application.objects.filter(pk=application.pk).exists()


def test_program_staff_have_no_applicant_pages(as_user, director):
    for path in ["/en/applications/", "/en/ranking/", "/en/fees/", "/en/applicant/contract/"]:
        assert as_user(director).get(path).status_code == 403, path
