"""Interview slots, the release of invitations (all at the same moment), picking, swapping and
declining a slot, the waitlist moving up, and the refusals around them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from core.errors import DomainError
from core.models import AuditEntry
from cycles.models import MilestoneKind
from interviews import services
from interviews.models import InterviewBooking, InterviewOffer, InterviewRelease, InterviewSlot
from interviews.tasks import interview_invitations_task
from interviews.tests.conftest import at, publish, submit, tomorrow_at

pytestmark = pytest.mark.django_db


def page(world):  # type: ignore[no-untyped-def]
    return f"/en/interviews/program/{world.program.code}/"


@pytest.fixture
def invited(world):  # type: ignore[no-untyped-def]
    """Alice and Bruno selected, Chloe first on the waitlist, three slots, a release tomorrow
    at noon (Toronto). Returns (slots, release time)."""
    services.interview_statuses_set(
        actor=world.director, applications=[world.a_alice, world.a_bruno], status="selected"
    )
    services.interview_status_set(
        actor=world.director, application=world.a_chloe, status="waitlisted"
    )
    slots = publish(world)
    release = tomorrow_at(12)
    services.release_schedule(actor=world.director, program=world.program, release_at=release)
    mail.outbox.clear()
    return slots, release


def offer_of(application):  # type: ignore[no-untyped-def]
    return InterviewOffer.objects.get(application=application)


def after(moment: dt.datetime, minutes: int = 1):  # type: ignore[no-untyped-def]
    return time_machine.travel(moment + dt.timedelta(minutes=minutes), tick=False)


# --- Slots -------------------------------------------------------------------------------------


def test_the_director_publishes_back_to_back_slots_on_the_page(as_user, world):
    starts = tomorrow_at(9) + dt.timedelta(days=1)
    response = as_user(world.director).post(
        f"{page(world)}slots/",
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "count": 4,
            "capacity": 1,
            "video_link": "https://meet.example.org/fm",
            "instructions_en": "Be early",
            "instructions_fr": "Soyez en avance",
        },
        follow=True,
    )
    assert "4 interview slots published." in response.content.decode()
    times = list(InterviewSlot.objects.values_list("starts_at", flat=True))
    assert times == [starts + dt.timedelta(minutes=45 * i) for i in range(4)]


def test_slots_must_lie_in_the_interview_period_and_the_future(world):
    end = at(world.iteration, MilestoneKind.INTERVIEWS_END)
    with pytest.raises(DomainError, match="within the interview period"):
        services.slots_publish(
            actor=world.director,
            program=world.program,
            starts_at=end - dt.timedelta(minutes=30),
            duration_minutes=30,
            count=2,
        )
    with pytest.raises(DomainError, match="start in the future"):
        services.slots_publish(
            actor=world.director,
            program=world.program,
            starts_at=at(world.iteration, MilestoneKind.INTERVIEWS_START, dt.timedelta(hours=1)),
            duration_minutes=30,
        )
    assert not InterviewSlot.objects.exists()


def test_a_booked_slot_cannot_be_withdrawn_a_free_one_can(as_user, world, invited):
    slots, release = invited
    with after(release):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
        response = as_user(world.director).post(
            f"{page(world)}slots/{slots[0].pk}/withdraw/", follow=True
        )
        assert "cannot be withdrawn" in response.content.decode()
        as_user(world.director).post(f"{page(world)}slots/{slots[2].pk}/withdraw/")
    assert list(InterviewSlot.objects.values_list("pk", flat=True)) == [slots[0].pk, slots[1].pk]


@pytest.mark.parametrize(
    "who", ["reviewer", "read_only", "other_director", "pgme", "removed", "alice"]
)
def test_only_the_director_and_administrator_manage_slots_and_the_release(as_user, world, who):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    slot = publish(world, count=1)[0]
    starts = (tomorrow_at(9) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client = as_user(user)
    assert (
        client.post(
            f"{page(world)}slots/",
            {"starts_at": starts, "duration_minutes": 30, "count": 1, "capacity": 1},
        ).status_code
        == 403
    )
    assert client.post(f"{page(world)}slots/{slot.pk}/withdraw/").status_code == 403
    assert client.post(f"{page(world)}release/", {"action": "now"}).status_code == 403
    assert InterviewSlot.objects.count() == 1 and not InterviewRelease.objects.exists()


def test_the_program_administrator_may_release(as_user, world):
    publish(world, count=1)
    response = as_user(world.program_admin).post(
        f"{page(world)}release/", {"action": "now"}, follow=True
    )
    assert "The invitations are released on" in response.content.decode()
    assert InterviewRelease.objects.get().scheduled_by == world.program_admin


# --- The release -------------------------------------------------------------------------------


def test_nobody_sees_or_picks_before_the_release_and_everyone_at_once_after(
    as_user, world, invited, django_capture_on_commit_callbacks
):
    slots, release = invited
    alice = as_user(world.alice.user)
    assert (
        "You have no interview invitation yet."
        in alice.get("/en/interviews/mine/").content.decode()
    )
    with pytest.raises(DomainError, match="has not invited you, or has not released") as early:
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
    # the refusal says the same to a waitlisted applicant: nothing leaks before the release
    with pytest.raises(DomainError) as waitlisted:
        services.slot_pick(actor=world.chloe.user, offer=offer_of(world.a_chloe), slot=slots[0])
    assert early.value.message == waitlisted.value.message
    assert mail.outbox == []
    with after(release, 0):
        for who in (world.alice, world.bruno):
            body = as_user(who.user).get("/en/interviews/mine/").content.decode()
            assert "Choose your interview time" in body and world.program.name in body
        with django_capture_on_commit_callbacks(execute=True):
            assert interview_invitations_task.call_local() == 2
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [world.alice.user.email, world.bruno.user.email]
        )
        assert "/fr/interviews/mine/" in next(
            m.body for m in mail.outbox if m.to[0] == world.bruno.user.email
        )
        # the job runs every minute: a rerun sends nothing more
        assert interview_invitations_task.call_local() == 0
    assert len(mail.outbox) == 2


def test_a_release_is_set_in_the_future_moved_until_it_passes_and_never_undone(world, invited):
    _slots, release = invited
    with pytest.raises(DomainError, match="in the past"):
        services.release_schedule(
            actor=world.director, program=world.program, release_at=release - dt.timedelta(days=3)
        )
    later = release + dt.timedelta(hours=2)
    services.release_schedule(actor=world.director, program=world.program, release_at=later)
    assert InterviewRelease.objects.get().release_at == later
    with after(later), pytest.raises(DomainError, match="cannot be moved or undone"):
        services.release_schedule(
            actor=world.director, program=world.program, release_at=later + dt.timedelta(days=1)
        )
    with after(later), pytest.raises(DomainError, match="cannot be undone"):
        services.release_cancel(actor=world.director, program=world.program)
    assert AuditEntry.objects.filter(action="interviews.release.scheduled").count() == 2


def test_a_release_needs_a_slot_after_it(world):
    with pytest.raises(DomainError, match="Publish at least one interview slot"):
        services.release_schedule(
            actor=world.director, program=world.program, release_at=tomorrow_at(12)
        )


def test_selected_after_the_release_is_invited_once_not_twice(
    world, invited, django_capture_on_commit_callbacks
):
    _slots, release = invited
    with after(release), django_capture_on_commit_callbacks(execute=True):
        services.interview_status_set(
            actor=world.director, application=world.a_img, status="selected"
        )
        # the release job runs a moment later and invites everyone selected: not her again
        services.invitations_queue_due()
    to_img = [m for m in mail.outbox if m.to == [world.img.user.email]]
    assert len(to_img) == 1 and to_img[0].subject.startswith("Interview invitation")
    assert len(mail.outbox) == 3


# --- Picking, swapping, declining --------------------------------------------------------------


def test_the_applicant_picks_then_swaps_with_htmx_and_gets_a_confirmation(
    as_user, world, invited, django_capture_on_commit_callbacks
):
    slots, release = invited
    offer = offer_of(world.a_alice)
    client = as_user(world.alice.user)
    url = f"/en/interviews/mine/{offer.pk}/pick/"
    with after(release), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"slot": slots[0].pk}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="invitation-' in body and "Your interview" in body and "<html" not in body
        response = client.post(url, {"slot": slots[1].pk}, HTTP_HX_REQUEST="true")
    booking = InterviewBooking.objects.get()
    assert (booking.slot, booking.sequence) == (slots[1], 1)
    assert [m.subject.startswith("Your interview with") for m in mail.outbox] == [True, True]
    assert AuditEntry.objects.filter(action="interviews.slot.swapped").count() == 1


def test_a_slot_taken_by_someone_else_is_refused_with_a_clear_message(as_user, world, invited):
    slots, release = invited
    with after(release):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
        response = as_user(world.bruno.user).post(
            f"/en/interviews/mine/{offer_of(world.a_bruno).pk}/pick/",
            {"slot": slots[0].pk},
            follow=True,
        )
    assert "just taken by another applicant" in response.content.decode()
    assert InterviewBooking.objects.get().offer.application == world.a_alice


def test_a_slot_with_two_seats_takes_two_applicants(world):
    services.interview_statuses_set(
        actor=world.director,
        applications=[world.a_alice, world.a_bruno, world.a_chloe],
        status="selected",
    )
    [slot] = publish(world, count=1, capacity=2)
    services.release_schedule(
        actor=world.director, program=world.program, release_at=tomorrow_at(12)
    )
    with after(tomorrow_at(12)):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slot)
        services.slot_pick(actor=world.bruno.user, offer=offer_of(world.a_bruno), slot=slot)
        with pytest.raises(DomainError, match="just taken"):
            services.slot_pick(actor=world.chloe.user, offer=offer_of(world.a_chloe), slot=slot)
    assert sorted(InterviewBooking.objects.values_list("seat", flat=True)) == [1, 2]


def test_declining_frees_the_slot_and_invites_the_first_on_the_waitlist(
    as_user, world, invited, django_capture_on_commit_callbacks
):
    slots, release = invited
    services.interview_status_set(
        actor=world.director, application=world.a_img, status="waitlisted"
    )
    with after(release):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user(world.alice.user).post(
                f"/en/interviews/mine/{offer_of(world.a_alice).pk}/decline/", follow=True
            )
        assert "You declined the interview" in response.content.decode()
        # Chloe (CMG, first on the CMG waitlist) is invited; the IMG waitlist is not touched
        chloe = offer_of(world.a_chloe)
        assert (chloe.status, chloe.waitlist_position) == ("selected", None)
        assert offer_of(world.a_img).status == "waitlisted"
        assert [m.to[0] for m in mail.outbox] == [world.chloe.user.email]
        assert "Interview invitation" in mail.outbox[0].subject
        # the freed slot is hers to take
        services.slot_pick(actor=world.chloe.user, offer=chloe, slot=slots[0])
    alice = offer_of(world.a_alice)
    assert alice.declined_at is not None
    assert list(alice.history.values_list("source", flat=True))[:1] == ["applicant"]
    assert list(chloe.history.values_list("source", flat=True))[:1] == ["waitlist"]
    with after(release, 5), pytest.raises(DomainError, match="You declined this interview"):
        services.slot_pick(actor=world.alice.user, offer=alice, slot=slots[1])


def test_a_swap_frees_a_seat_without_moving_the_waitlist(world, invited):
    slots, release = invited
    with after(release):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[2])
        services.slot_pick(actor=world.bruno.user, offer=offer_of(world.a_bruno), slot=slots[0])
    assert offer_of(world.a_chloe).status == "waitlisted"


def test_an_applicant_holds_one_slot_per_program(world, invited):
    slots, release = invited
    world.program.quotas.create(iteration=world.iteration, stream="CMP", positions=1)
    second = submit(world.alice, world.program, "CMP")
    services.interview_status_set(actor=world.director, application=second, status="selected")
    with after(release):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
        with pytest.raises(DomainError, match="one interview per program"):
            services.slot_pick(actor=world.alice.user, offer=offer_of(second), slot=slots[1])
    assert InterviewBooking.objects.count() == 1


def test_no_pick_after_the_interview_period_nor_once_the_interview_started(world, invited):
    slots, release = invited
    with after(release):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
    with after(slots[0].starts_at), pytest.raises(DomainError, match="can no longer be moved"):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[2])
    with after(slots[0].starts_at), pytest.raises(DomainError, match="can no longer be declined"):
        services.interview_decline(actor=world.alice.user, offer=offer_of(world.a_alice))
    end = at(world.iteration, MilestoneKind.INTERVIEWS_END)
    with after(end), pytest.raises(DomainError, match="closed"):
        services.slot_pick(actor=world.bruno.user, offer=offer_of(world.a_bruno), slot=slots[1])
    with after(end), pytest.raises(DomainError, match="closed"):
        services.interview_decline(actor=world.bruno.user, offer=offer_of(world.a_bruno))
    assert InterviewBooking.objects.count() == 1


def test_a_slot_of_another_program_cannot_be_picked(world, invited):
    slots, release = invited
    [foreign] = services.slots_publish(
        actor=world.other_director,
        program=world.other_program,
        starts_at=slots[0].starts_at,
        duration_minutes=30,
    )
    with after(release), pytest.raises(DomainError, match="not one of this program"):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=foreign)


def test_the_program_unselecting_an_applicant_cancels_their_interview_to_come(world, invited):
    slots, release = invited
    with after(release):
        services.slot_pick(actor=world.alice.user, offer=offer_of(world.a_alice), slot=slots[0])
        services.interview_status_set(
            actor=world.director, application=world.a_alice, status="not_selected"
        )
    assert not InterviewBooking.objects.exists()


def test_reselecting_a_declined_applicant_invites_them_again(world, invited):
    slots, release = invited
    with after(release):
        services.interview_decline(actor=world.bruno.user, offer=offer_of(world.a_bruno))
        services.interview_status_set(
            actor=world.director, application=world.a_bruno, status="selected"
        )
        services.slot_pick(actor=world.bruno.user, offer=offer_of(world.a_bruno), slot=slots[1])
    assert offer_of(world.a_bruno).declined_at is None


# --- Refusals of the applicant's pages ---------------------------------------------------------


def test_another_applicant_cannot_answer_someone_elses_invitation(as_user, world, invited):
    slots, release = invited
    offer = offer_of(world.a_alice)
    client = as_user(world.bruno.user)
    with after(release):
        assert (
            client.post(f"/en/interviews/mine/{offer.pk}/pick/", {"slot": slots[0].pk}).status_code
            == 403
        )
        assert client.post(f"/en/interviews/mine/{offer.pk}/decline/").status_code == 403
        assert client.get(f"/en/interviews/mine/{offer.pk}/interview.ics").status_code == 403
    assert not InterviewBooking.objects.exists() and offer_of(world.a_alice).declined_at is None


@pytest.mark.parametrize("who", ["director", "reviewer", "other_director"])
def test_staff_cannot_answer_an_invitation(as_user, world, invited, who):
    slots, release = invited
    offer = offer_of(world.a_alice)
    with after(release):
        client = as_user(getattr(world, who))
        assert (
            client.post(f"/en/interviews/mine/{offer.pk}/pick/", {"slot": slots[0].pk}).status_code
            == 403
        )
        assert client.get("/en/interviews/mine/").status_code == 403
    assert not InterviewBooking.objects.exists()


def test_an_applicant_without_an_invitation_cannot_pick(as_user, world, invited):
    slots, release = invited
    services.interview_status_set(
        actor=world.director, application=world.a_img, status="not_selected"
    )
    with after(release):
        response = as_user(world.img.user).post(
            f"/en/interviews/mine/{offer_of(world.a_img).pk}/pick/",
            {"slot": slots[0].pk},
            follow=True,
        )
        assert "There is no interview invitation to answer here" in response.content.decode()
        body = as_user(world.img.user).get("/en/interviews/mine/").content.decode()
        assert "You have no interview invitation yet." in body
    assert not InterviewBooking.objects.exists()


def test_the_applicants_page_is_signed_in_only(as_user, world):
    response = as_user(None).get("/en/interviews/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_after_the_interview_period_a_release_only_reveals_the_selected_statuses(
    as_user, world, django_capture_on_commit_callbacks
):
    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="selected"
    )
    body = as_user(world.director).get(page(world)).content.decode()
    assert "1 selected applicant does not see their status until you release" in body
    end = at(world.iteration, MilestoneKind.INTERVIEWS_END, dt.timedelta(hours=1))
    with time_machine.travel(end, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.release_schedule(actor=world.director, program=world.program, release_at=end)
        [email] = mail.outbox
        assert (
            email.subject
            == f"Your interview status with {world.program.name}: Selected for an interview"
        )
        assert "Choose your interview time" not in email.body
        mine = as_user(world.alice.user).get("/en/applications/").content.decode()
        assert "Selected for an interview" in mine and "See the invitation" in mine
    later = at(world.iteration, MilestoneKind.PROGRAM_ROL_DEADLINE, dt.timedelta(minutes=1))
    InterviewRelease.objects.all().delete()
    with time_machine.travel(later), pytest.raises(DomainError, match="closed"):
        services.release_schedule(actor=world.director, program=world.program, release_at=later)


def test_an_upload_report_is_read_by_its_uploader_and_the_program_managers(as_user, world):
    from interviews.models import InterviewUpload

    text = f"application_id,status\n{world.a_alice.pk},maybe\n"
    report = services.interview_csv_import(
        actor=world.cmg_reviewer, program=world.program, content=text.encode()
    )
    url = f"{page(world)}uploads/{report.pk}/"
    assert as_user(world.cmg_reviewer).get(url).status_code == 200
    assert as_user(world.director).get(url).status_code == 200
    for user in (world.reviewer, world.read_only, world.other_director):
        assert as_user(user).get(url).status_code == 403
    assert InterviewUpload.objects.count() == 1
