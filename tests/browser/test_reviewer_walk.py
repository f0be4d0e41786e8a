"""A file reviewer, in a real browser: signs in, finds the program's file review, opens an
application, scores it on the program's criteria and gives the applicant an interview status."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, ApplicationStatus
from interviews.models import InterviewOffer, InterviewStatus
from review.models import Criterion, FileAccess, Score
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-reviewer-password"


def test_a_reviewer_goes_from_sign_in_to_a_scored_file_and_an_interview_status(
    page, cycle, program
):
    quota = program.quotas.get(stream="CMG")
    applicant = factories.make_applicant(cycle=cycle)
    application = Application.objects.create(
        applicant=applicant,
        program=program,
        quota=quota,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    clinical = Criterion.objects.create(
        program=program, name_en="Clinical skills", name_fr="Compétences cliniques", scale_max=10
    )
    letters = Criterion.objects.create(
        program=program,
        name_en="Reference letters",
        name_fr="Lettres de référence",
        scale_max=5,
        position=1,
    )
    reviewer = factories.make_staff(role=Role.FILE_REVIEWER, program=program)
    reviewer.set_password(PASSWORD)
    reviewer.save()

    sign_in(page, reviewer.email, PASSWORD)
    page.goto("/en/programs/workspace/")
    page.get_by_role("link", name="File review").first.click()
    page.wait_for_load_state()
    assert f"/review/program/{program.code}/" in page.url
    page.get_by_role("link", name=re.compile(applicant.last_name)).first.click()
    page.wait_for_load_state()
    assert f"/review/application/{application.pk}/" in page.url

    page.fill(f"#id_criterion-{clinical.pk}", "8")
    page.fill(f"#id_criterion-{letters.pk}", "4")
    page.get_by_role("button", name="Save my scores").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your scores were saved.").is_visible()
    assert page.locator(f"#id_criterion-{clinical.pk}").input_value() == "8"

    page.get_by_role("link", name="Set the interview status").click()
    page.wait_for_load_state()
    page.get_by_label("Interview status").select_option(InterviewStatus.SELECTED)
    page.get_by_label("Message to the applicant (optional)").fill("We look forward to meeting you.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text(re.compile("The interview status of .* was saved")).is_visible()
    assert page.get_by_text("Selected for an interview").first.is_visible()

    # What the reviewer did is what the platform now holds.
    assert {s.criterion_id: s.value for s in Score.objects.filter(reviewer=reviewer)} == {
        clinical.pk: 8,
        letters.pk: 4,
    }
    offer = InterviewOffer.objects.get(application=application)
    assert offer.status == InterviewStatus.SELECTED and offer.decided_by == reviewer
    assert FileAccess.objects.filter(user=reviewer, application=application).exists()


def test_a_read_only_reviewer_sees_the_file_but_no_score_or_status_form(page, cycle, program):
    quota = program.quotas.get(stream="CMG")
    applicant = factories.make_applicant(cycle=cycle)
    application = Application.objects.create(
        applicant=applicant,
        program=program,
        quota=quota,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Criterion.objects.create(program=program, name_en="Fit", name_fr="Adéquation", scale_max=5)
    reviewer = factories.make_staff(role=Role.FILE_REVIEWER, program=program, read_only=True)
    reviewer.set_password(PASSWORD)
    reviewer.save()

    sign_in(page, reviewer.email, PASSWORD)
    page.goto(f"/en/review/application/{application.pk}/")
    assert page.get_by_text(applicant.last_name).first.is_visible()
    assert page.get_by_role("button", name="Save my scores").count() == 0
    page.get_by_role("link", name="Interview status and history").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Save").count() == 0
    assert not InterviewOffer.objects.filter(application=application).exists()
