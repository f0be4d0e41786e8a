"""“Can I apply here?”: stream, provincial list, Québec contingent, language, citizenship,
return of service — the same answer on the page, in the API and when choosing a program."""

from __future__ import annotations

import pytest

from applicants.eligibility import can_apply
from applicants.models import FileEntry, ProvincialEligibility, ReturnOfServiceAcknowledgement
from applications.models import Application
from cycles.models import MilestoneKind
from cycles.services import calendar_shift_to_phase
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def selecting(iteration):
    calendar_shift_to_phase(actor=None, iteration=iteration, phase=MilestoneKind.PROGRAM_SELECTION)
    return iteration


def _codes(verdict, ok=None):
    return [r.code for r in verdict.reasons if ok is None or r.ok == ok]


def test_a_cmg_may_apply_to_a_cmg_quota_with_every_reason_given(cycle, program, applicant):
    verdict = can_apply(applicant, program)
    assert verdict.allowed and verdict.quota.stream == "CMG"
    assert {"participation", "citizenship", "stream", "language"} <= set(_codes(verdict))


def test_an_img_not_on_the_alberta_list_is_told_why(cycle, iteration):
    program = factories.make_program(
        cycle=cycle,
        iteration=iteration,
        school=factories.make_school(province="AB"),
        streams={"IMG": 1},
    )
    img = factories.make_applicant(cycle=cycle, img=True)
    verdict = can_apply(img, program)
    assert not verdict.allowed and _codes(verdict, ok=False) == ["stream"]
    assert "AIMG" in verdict.refusals[0].message
    ProvincialEligibility.objects.create(applicant=img, cycle=cycle, province="AB")
    assert can_apply(img, program).allowed


def test_the_quebec_particular_contingent_is_sent_to_the_faculties(as_user, cycle, iteration):
    program = factories.make_program(
        cycle=cycle,
        iteration=iteration,
        school=factories.make_school(province="QC"),
        language="fr",
    )
    img = factories.make_applicant(cycle=cycle, img=True)
    img.quebec_contingent = "particular"
    img.save()
    ProvincialEligibility.objects.create(applicant=img, cycle=cycle, province="QC")
    verdict = can_apply(img, program)
    assert not verdict.allowed and "apply directly to the postgraduate office" in (
        verdict.refusals[0].message
    )
    page = as_user(img.user).get(f"/en/programs/{program.code}/").content.decode()
    assert "apply directly to the postgraduate office" in page  # the directory says it too


def test_the_language_of_training_is_a_warning_not_a_block(cycle, iteration, applicant):
    program = factories.make_program(cycle=cycle, iteration=iteration, language="fr")
    verdict = can_apply(applicant, program)
    language = next(r for r in verdict.reasons if r.code == "language")
    assert verdict.allowed and language.ok and language.warning
    FileEntry.objects.create(
        applicant=applicant,
        section="language_skills",
        language="en",
        data={"language": "fr", "speaking": "advanced", "reading": "basic", "writing": "basic"},
    )
    language = next(r for r in can_apply(applicant, program).reasons if r.code == "language")
    assert not language.warning


def test_citizenship_other_is_refused(cycle, program, applicant):
    applicant.citizenship = "other"
    applicant.save()
    verdict = can_apply(applicant, program)
    assert not verdict.allowed and "citizenship" in _codes(verdict, ok=False)


def test_return_of_service_must_be_acknowledged_before_choosing(as_user, cycle, selecting):
    program = factories.make_program(
        cycle=cycle, iteration=selecting, school=factories.make_school(province="ON")
    )
    program.return_of_service_years = 3
    program.save()
    img = factories.make_applicant(cycle=cycle, img=True)
    client = as_user(img.user)
    response = client.post("/en/applications/select/", {"code": program.code}, follow=True)
    page = response.content.decode()
    assert "return-of-service obligation of 3 years" in page
    assert f'href="/en/applicant/can-apply/{program.code}/"' in page  # a link to the terms
    assert not Application.objects.filter(applicant=img).exists()

    page = client.get(f"/en/applicant/can-apply/{program.code}/").content.decode()
    assert "practise in Ontario for 3 years" in page and "Not yet" in page
    client.post(f"/en/applicant/can-apply/{program.code}/acknowledge/")  # box not ticked
    assert not ReturnOfServiceAcknowledgement.objects.exists()
    client.post(f"/en/applicant/can-apply/{program.code}/acknowledge/", {"acknowledge": "on"})
    assert ReturnOfServiceAcknowledgement.objects.filter(applicant=img, program=program).exists()
    assert (
        "Yes: you may apply"
        in client.get(f"/en/applicant/can-apply/{program.code}/").content.decode()
    )
    client.post("/en/applications/select/", {"code": program.code})
    assert Application.objects.filter(applicant=img, quota__stream="IMG").exists()


def test_changed_terms_need_a_new_acknowledgement(cycle, iteration):
    program = factories.make_program(cycle=cycle, iteration=iteration)
    program.return_of_service_years = 2
    program.save()
    img = factories.make_applicant(cycle=cycle, img=True)
    from applicants.services import ros_acknowledge

    ros_acknowledge(applicant=img, program=program)
    assert can_apply(img, program).allowed
    program.return_of_service_years = 4
    program.save()
    assert can_apply(img, program).needs_ros_acknowledgement


def test_return_of_service_does_not_bind_cmgs(cycle, program, applicant):
    program.return_of_service_years = 3
    program.save()
    assert can_apply(applicant, program).allowed


def test_the_directory_links_every_program_and_keeps_its_query_count(
    as_user, cycle, iteration, django_assert_max_num_queries
):
    for _ in range(20):
        factories.make_program(cycle=cycle, iteration=iteration)
    img = factories.make_applicant(cycle=cycle, img=True)
    client = as_user(img.user)
    with django_assert_max_num_queries(14):
        page = client.get("/en/programs/").content.decode()
    assert page.count("Can I apply here?") == 20
    for _ in range(20):
        factories.make_program(cycle=cycle, iteration=iteration)
    with django_assert_max_num_queries(14):
        client.get("/en/programs/?page=2")


# --- Refusals --------------------------------------------------------------------------------


def test_staff_and_anonymous_get_no_verdict(as_user, program, director):
    path = f"/en/applicant/can-apply/{program.code}/"
    assert as_user(director).get(path).status_code == 403
    assert as_user(director).post(path + "acknowledge/", {"acknowledge": "on"}).status_code == 403
    assert "/accounts/login/" in as_user(None).get(path)["Location"]
    assert "/accounts/login/" in as_user(None).post(path + "acknowledge/")["Location"]


def test_an_unknown_program_is_not_found(as_user, applicant):
    assert as_user(applicant.user).get("/en/applicant/can-apply/NOPE/").status_code == 404


def test_the_particular_contingent_cannot_choose_a_quebec_program(as_user, cycle, selecting):
    program = factories.make_program(
        cycle=cycle, iteration=selecting, school=factories.make_school(province="QC")
    )
    img = factories.make_applicant(cycle=cycle, img=True)
    img.quebec_contingent = "particular"
    img.save()
    ProvincialEligibility.objects.create(applicant=img, cycle=cycle, province="QC")
    response = as_user(img.user).post(
        "/en/applications/select/", {"code": program.code}, follow=True
    )
    assert "apply directly to the postgraduate office" in response.content.decode()
    assert not Application.objects.filter(applicant=img).exists()


def test_an_img_without_mcc_id_is_warned_early(cycle, program):
    img = factories.make_applicant(cycle=cycle, img=True)
    img.mcc_id = None
    img.save()
    verdict = can_apply(img, program)
    mcc = next(r for r in verdict.reasons if r.code == "mcc_id")
    assert verdict.allowed and mcc.warning and "MCC ID" in mcc.message


def test_the_verdict_says_whether_the_status_is_verified(cycle, program, applicant):
    """Not verified: a warning that says how (never a block: the MCC may share it later)."""
    import datetime as dt

    from django.utils import timezone

    from documents.services import status_share_from_mcc
    from integrations.models import Organisation, OrganisationKind

    before = {r.code: r for r in can_apply(applicant, program).reasons}
    assert before["status_verified"].warning and "not verified" in before["status_verified"].message
    assert can_apply(applicant, program).allowed
    mcc = Organisation.objects.create(name="MCC", kind=OrganisationKind.MCC)
    status_share_from_mcc(
        organisation=mcc,
        applicant=applicant,
        valid_until=(timezone.now() + dt.timedelta(days=700)).date(),
    )
    after = {r.code: r for r in can_apply(applicant, program).reasons}
    assert not after["status_verified"].warning and after["status_verified"].ok
