"""Results are released at noon, Toronto time, on match day — never a second before."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from matchruns.services import results_email_send
from matchruns.tests.conftest import release
from tests import factories

MY_RESULT = reverse("matchruns:my_result")
LETTER = reverse("matchruns:letter")
API = "/en/api/matchruns/my-result"


def just_before(iteration):
    return release(iteration) - dt.timedelta(seconds=1)


def test_release_is_noon_toronto_on_match_day(iteration):
    at = release(iteration)
    local = at.astimezone(dt.timezone(at.utcoffset()))
    assert (local.hour, local.minute, local.second) == (12, 0, 0)
    assert str(at.tzinfo) == "America/Toronto"


def test_the_applicant_sees_nothing_at_11_59_59_and_the_result_at_noon(
    official_run, iteration, applicant, as_user, world
):
    with time_machine.travel(just_before(iteration)):
        body = as_user(applicant.user).get(MY_RESULT).content.decode()
        assert "will be released" in body
        assert world["o_cmg"].program.name not in body
        assert "You matched" not in body and "not matched" not in body
        assert as_user(applicant.user).get(API).status_code == 404
        assert as_user(applicant.user).get(LETTER).status_code == 404
    with time_machine.travel(release(iteration)):
        response = as_user(applicant.user).get(MY_RESULT)
        body = response.content.decode()
        assert response.status_code == 200
        assert "You matched to:" in body
        assert world["o_cmg"].program.name in body
        api = as_user(applicant.user).get(API)
        assert api.status_code == 200
        assert api.json()["matched"] is True
        assert api.json()["quota"] == world["o_cmg"].code


def test_the_explanation_shows_only_own_rank_and_the_last_matched_rank(
    official_run, iteration, applicant, other_applicant, as_user, world
):
    with time_machine.travel(release(iteration)):
        body = as_user(applicant.user).get(MY_RESULT).content.decode()
    assert "Why this result" in body
    assert "filled its 2 positions with applicants it ranked higher" in body
    assert "its last match was ranked 2, you were ranked 3" in body
    assert other_applicant.matching_id not in body
    assert world["first"].matching_id not in body


def test_the_result_page_is_in_french_for_a_french_request(
    official_run, iteration, applicant, as_user, world
):
    with time_machine.travel(release(iteration)):
        body = as_user(applicant.user).get(MY_RESULT.replace("/en/", "/fr/")).content.decode()
    assert "Vous avez été jumelé" in body
    assert world["o_cmg"].program.name_fr in body


def test_an_unmatched_applicant_is_told_the_next_steps(official_run, iteration, as_user, world):
    user = world["unranked"].user
    with time_machine.travel(release(iteration)):
        body = as_user(user).get(MY_RESULT).content.decode()
        assert as_user(user).get(LETTER).status_code == 404
        assert as_user(user).get(API).json()["matched"] is False
    assert "not matched" in body
    assert "second iteration" in body and "post-match process" in body
    assert "did not rank you" in body


def test_the_confirmation_letter_is_a_pdf_for_a_matched_applicant(
    official_run, iteration, applicant, as_user
):
    with time_machine.travel(release(iteration)):
        response = as_user(applicant.user).get(LETTER)
        french = as_user(applicant.user).get(LETTER.replace("/en/", "/fr/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert french.content.startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["director", "match_admin"])
def test_non_applicants_have_no_result_page(official_run, iteration, persona, request, as_user):
    user = request.getfixturevalue(persona)
    with time_machine.travel(release(iteration)):
        assert as_user(user).get(MY_RESULT).status_code == 403
        assert as_user(user).get(LETTER).status_code == 403
        assert as_user(user).get(API).status_code == 403


def test_anonymous_visitors_get_no_result(official_run, iteration, as_user):
    with time_machine.travel(release(iteration)):
        assert as_user(None).get(MY_RESULT).status_code == 302
        assert as_user(None).get(LETTER).status_code == 302
        assert as_user(None).get(API).status_code == 401


def test_before_any_official_run_the_page_says_so(world, iteration, applicant, as_user):
    with time_machine.travel(release(iteration)):
        body = as_user(applicant.user).get(MY_RESULT).content.decode()
        assert as_user(applicant.user).get(API).status_code == 404
    assert "You matched" not in body


# --- Program results -------------------------------------------------------------------------


def program_url(program):
    return reverse("matchruns:program_results", args=[program.pk])


def test_program_staff_see_matched_applicants_only_from_noon(
    official_run,
    iteration,
    program,
    director,
    reviewer,
    pgme,
    match_admin,
    other_applicant,
    as_user,
):
    for user in (director, reviewer, pgme, match_admin):
        with time_machine.travel(just_before(iteration)):
            body = as_user(user).get(program_url(program)).content.decode()
            assert other_applicant.matching_id not in body
            assert "will be released" in body
        with time_machine.travel(release(iteration)):
            response = as_user(user).get(program_url(program))
            assert response.status_code == 200
            assert other_applicant.matching_id in response.content.decode()


def test_program_results_show_unfilled_and_reverted_positions(
    official_run, iteration, program, director, as_user
):
    with time_machine.travel(release(iteration)):
        body = as_user(director).get(program_url(program)).content.decode()
    assert "1 position unfilled." in body  # the IMG quota nobody ranked


def test_another_programs_director_and_applicants_are_refused_program_results(
    official_run, iteration, program, other_director, applicant, as_user
):
    with time_machine.travel(release(iteration)):
        assert as_user(other_director).get(program_url(program)).status_code == 403
        assert as_user(applicant.user).get(program_url(program)).status_code == 403
        assert as_user(None).get(program_url(program)).status_code == 302


def test_another_schools_pgme_office_is_refused(official_run, iteration, program, as_user):
    office = factories.make_staff(role=Role.PGME_OFFICE, school=factories.make_school())
    with time_machine.travel(release(iteration)):
        assert as_user(office).get(program_url(program)).status_code == 403


def test_program_results_take_a_fixed_number_of_queries(
    official_run, iteration, program, director, as_user, django_assert_max_num_queries
):
    with time_machine.travel(release(iteration)):
        client = as_user(director)
        with django_assert_max_num_queries(20):
            client.get(program_url(program))


# --- Results e-mail --------------------------------------------------------------------------


def test_results_are_emailed_once_at_release_in_each_applicants_language(
    official_run, iteration, applicant, django_capture_on_commit_callbacks
):
    applicant.user.language = "fr"
    applicant.user.save()
    with time_machine.travel(just_before(iteration)):
        assert results_email_send(iteration=iteration) == 0
        call_command("release_results")
    assert mail.outbox == []
    # The e-mails go through the outbox: they leave when the transaction commits.
    with time_machine.travel(release(iteration)), django_capture_on_commit_callbacks(execute=True):
        assert results_email_send(iteration=iteration) == 5
        assert results_email_send(iteration=iteration) == 0
        call_command("release_results")
    assert len(mail.outbox) == 5
    french = next(m for m in mail.outbox if m.to == [applicant.user.email])
    assert "Vous avez été jumelé" in french.body
    english = [m for m in mail.outbox if m.to != [applicant.user.email]]
    assert all("Your match result" in m.subject for m in english)


def test_the_periodic_job_sends_the_results_after_noon(
    official_run, iteration, django_capture_on_commit_callbacks
):
    from matchruns.tasks import results_email_task

    with time_machine.travel(just_before(iteration)):
        results_email_task.call_local()
    assert mail.outbox == []
    later = release(iteration) + dt.timedelta(minutes=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        results_email_task.call_local()
    assert len(mail.outbox) == 5
