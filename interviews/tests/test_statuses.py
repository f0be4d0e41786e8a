"""Interview statuses one by one and in bulk: who may set them, when, what the applicant sees
and receives, and the history kept of every change."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from core.errors import DomainError
from core.models import AuditEntry
from cycles.models import MilestoneKind
from interviews import services
from interviews.models import InterviewOffer, InterviewStatusChange
from interviews.selectors import interviewed_applications
from interviews.tests.conftest import at, publish, tomorrow_at

pytestmark = pytest.mark.django_db


def page(world):  # type: ignore[no-untyped-def]
    return f"/en/interviews/program/{world.program.code}/"


def offer_url(world, application):  # type: ignore[no-untyped-def]
    return f"{page(world)}application/{application.pk}/"


def test_the_director_sets_a_status_with_a_message_and_the_applicant_sees_it(
    as_user, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.director).post(
            offer_url(world, world.a_alice),
            {"status": "waitlisted", "message": "You are first on our list."},
        )
    assert response.status_code == 302
    offer = InterviewOffer.objects.get(application=world.a_alice)
    assert (offer.status, offer.waitlist_position, offer.decided_by) == (
        "waitlisted",
        1,
        world.director,
    )
    mine = as_user(world.alice.user).get("/en/applications/").content.decode()
    assert "Interview statuses" in mine and "Waitlisted" in mine
    assert "You are first on our list." in mine
    [email] = mail.outbox
    assert email.to == [world.alice.user.email]
    assert "Waitlisted" in email.subject and "You are first on our list." in email.body
    assert "/en/applications/" in email.body


def test_the_e_mail_is_in_the_applicants_language(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_status_set(
            actor=world.director, application=world.a_bruno, status="not_selected"
        )
    [email] = mail.outbox
    assert "Non retenu" in email.subject
    assert "/fr/applications/" in email.body


def test_selected_stays_hidden_and_unmailed_until_the_release(
    as_user, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_status_set(
            actor=world.director, application=world.a_alice, status="selected", message="Hi!"
        )
    assert mail.outbox == []
    mine = as_user(world.alice.user).get("/en/applications/").content.decode()
    assert "No decision yet" in mine and "Selected for an interview" not in mine
    assert "Hi!" not in mine
    publish(world)
    release = tomorrow_at(12)
    services.release_schedule(actor=world.director, program=world.program, release_at=release)
    with time_machine.travel(release + dt.timedelta(minutes=1), tick=False):
        mine = as_user(world.alice.user).get("/en/applications/").content.decode()
        assert "Selected for an interview" in mine and "Hi!" in mine and "Choose a time" in mine


def test_a_change_is_kept_in_the_history_and_audited(world):
    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="waitlisted"
    )
    services.interview_status_set(
        actor=world.program_admin, application=world.a_alice, status="selected"
    )
    history = list(InterviewStatusChange.objects.order_by("at", "pk"))
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        ("", "waitlisted", world.director),
        ("waitlisted", "selected", world.program_admin),
    ]
    assert AuditEntry.objects.filter(action="interviews.status.changed").count() == 2


def test_the_history_page_shows_who_when_from_and_to(as_user, world):
    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="waitlisted"
    )
    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="not_selected"
    )
    body = as_user(world.read_only).get(offer_url(world, world.a_alice)).content.decode()
    assert world.director.email in body
    assert body.index("Not selected") < body.rindex("Waitlisted")
    assert '<form method="post" class="card">' not in body  # read-only: no form


def test_bulk_sets_every_ticked_application_and_sends_one_e_mail_per_change(
    as_user, world, django_capture_on_commit_callbacks
):
    services.interview_status_set(
        actor=world.director, application=world.a_chloe, status="not_selected"
    )
    mail.outbox.clear()
    ids = [world.a_alice.pk, world.a_bruno.pk, world.a_chloe.pk, world.a_alice.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.director).post(
            f"{page(world)}bulk/",
            {"application": ids, "status": "not_selected", "message": ""},
            follow=True,
        )
    assert "2 of 3 ticked applications changed" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.alice.user.email, world.bruno.user.email]
    )
    # the same again changes nothing and e-mails nobody
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.director).post(
            f"{page(world)}bulk/", {"application": ids, "status": "not_selected"}
        )
    assert mail.outbox == []
    assert InterviewStatusChange.objects.count() == 3


def test_waitlisted_applicants_get_places_in_order_and_a_place_can_be_given(world):
    services.interview_statuses_set(
        actor=world.director, applications=[world.a_alice, world.a_bruno], status="waitlisted"
    )
    services.interview_status_set(
        actor=world.director, application=world.a_chloe, status="waitlisted", waitlist_position=1
    )
    places = dict(
        InterviewOffer.objects.values_list("application__applicant_id", "waitlist_position")
    )
    assert places == {world.chloe.pk: 1, world.alice.pk: 2, world.bruno.pk: 3}
    services.interview_status_set(
        actor=world.director, application=world.a_chloe, status="not_selected"
    )
    places = dict(
        InterviewOffer.objects.filter(status="waitlisted").values_list(
            "application__applicant_id", "waitlist_position"
        )
    )
    assert places == {world.alice.pk: 1, world.bruno.pk: 2}


def test_statuses_open_with_file_review_and_close_at_the_program_rol_deadline(world):
    before = at(world.iteration, MilestoneKind.APPLICATION_DEADLINE, -dt.timedelta(minutes=1))
    with time_machine.travel(before), pytest.raises(DomainError, match="not open yet"):
        services.interview_status_set(
            actor=world.director, application=world.a_alice, status="selected"
        )
    after = at(world.iteration, MilestoneKind.PROGRAM_ROL_DEADLINE, dt.timedelta(minutes=1))
    with time_machine.travel(after), pytest.raises(DomainError, match="closed"):
        services.interview_status_set(
            actor=world.director, application=world.a_alice, status="selected"
        )
    ranking = at(world.iteration, MilestoneKind.RANKING_OPENS, dt.timedelta(hours=1))
    with time_machine.travel(ranking):
        services.interview_status_set(
            actor=world.director, application=world.a_alice, status="selected"
        )
    assert not InterviewOffer.objects.exclude(application=world.a_alice).exists()


def test_a_refused_change_is_shown_and_changes_nothing(as_user, world):
    after = at(world.iteration, MilestoneKind.PROGRAM_ROL_DEADLINE, dt.timedelta(minutes=1))
    with time_machine.travel(after):
        response = as_user(world.director).post(
            offer_url(world, world.a_alice), {"status": "selected"}, follow=True
        )
    assert response.status_code == 200
    assert "Setting interview statuses closed" in response.content.decode()
    assert not InterviewOffer.objects.exists()


def test_an_unknown_status_or_a_long_message_is_refused(world):
    with pytest.raises(DomainError, match="not an interview status"):
        services.interview_status_set(
            actor=world.director, application=world.a_alice, status="maybe"
        )
    with pytest.raises(DomainError, match="longer than 2000"):
        services.interview_status_set(
            actor=world.director, application=world.a_alice, status="selected", message="x" * 2001
        )
    assert not InterviewOffer.objects.exists()


def test_interviewed_applications_are_the_selected_ones_who_did_not_decline(world):
    services.interview_statuses_set(
        actor=world.director, applications=[world.a_alice, world.a_bruno], status="selected"
    )
    services.interview_status_set(
        actor=world.director, application=world.a_chloe, status="waitlisted"
    )
    InterviewOffer.objects.filter(application=world.a_bruno).update(
        declined_at=world.a_bruno.submitted_at
    )
    quota = world.a_alice.quota
    assert list(interviewed_applications(quota)) == [world.a_alice]


# --- Refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_director", "removed", "alice"])
def test_outsiders_may_not_see_the_interview_page(as_user, world, who):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    assert as_user(user).get(page(world)).status_code == 403
    assert as_user(user).get(offer_url(world, world.a_alice)).status_code == 403
    assert as_user(user).get(f"{page(world)}statuses.csv").status_code == 403
    assert as_user(user).get(f"{page(world)}interviews.ics").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(as_user, world):
    response = as_user(None).get(page(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["read_only", "removed", "other_director", "pgme", "alice"])
def test_those_who_may_not_decide_cannot_set_a_status(as_user, world, who):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    assert (
        as_user(user).post(offer_url(world, world.a_alice), {"status": "selected"}).status_code
        == 403
    )
    response = as_user(user).post(
        f"{page(world)}bulk/", {"application": [world.a_alice.pk], "status": "selected"}
    )
    assert response.status_code == 403
    assert not InterviewOffer.objects.exists()


def test_the_read_only_reviewer_reads_the_page_without_forms(as_user, world):
    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="waitlisted"
    )
    body = as_user(world.read_only).get(page(world)).content.decode()
    assert world.alice.sorted_name in body and "Waitlisted" in body
    assert 'name="application"' not in body and "Upload statuses" not in body
    assert "Publish slots" not in body


def test_a_full_access_reviewer_decides_for_their_streams_only(as_user, world):
    client = as_user(world.cmg_reviewer)
    body = client.get(page(world)).content.decode()
    assert world.alice.sorted_name in body and world.img.sorted_name not in body
    assert client.post(offer_url(world, world.a_alice), {"status": "selected"}).status_code == 302
    assert client.post(offer_url(world, world.a_img), {"status": "selected"}).status_code == 403
    response = client.post(
        f"{page(world)}bulk/",
        {"application": [world.a_alice.pk, world.a_img.pk], "status": "waitlisted"},
    )
    assert response.status_code == 403
    assert InterviewOffer.objects.get(application=world.a_alice).status == "selected"
    assert not InterviewOffer.objects.filter(application=world.a_img).exists()


def test_another_programs_application_cannot_be_set_through_this_page(as_user, world):
    from interviews.tests.conftest import submit

    elsewhere = submit(world.alice, world.other_program)
    url = f"{page(world)}bulk/"
    response = as_user(world.director).post(
        url, {"application": [elsewhere.pk], "status": "selected"}
    )
    assert response.status_code == 404
    assert (
        as_user(world.director)
        .post(offer_url(world, elsewhere), {"status": "selected"})
        .status_code
        == 404
    )
    assert not InterviewOffer.objects.exists()


def test_the_applicant_never_sees_another_applicants_status(as_user, world):
    services.interview_status_set(
        actor=world.director, application=world.a_bruno, status="not_selected", message="Bruno only"
    )
    assert "Bruno only" not in as_user(world.alice.user).get("/en/applications/").content.decode()


def test_the_page_makes_the_same_number_of_queries_for_4_or_24_applications(as_user, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interviews.tests.conftest import submit
    from tests import factories

    client = as_user(world.director)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(world)).status_code == 200
        return len(queries)

    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="waitlisted"
    )
    few = count()
    extra = [submit(factories.make_applicant(cycle=world.cycle), world.program) for _ in range(20)]
    services.interview_statuses_set(
        actor=world.director, applications=extra[:10], status="selected"
    )
    services.interview_statuses_set(
        actor=world.director, applications=extra[10:], status="waitlisted"
    )
    assert count() == few
