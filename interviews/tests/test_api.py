"""The interviews API: a program's statuses and slots, an applicant's invitations, picking and
declining, with their refusals (401 anonymous, 403 another program or applicant, 400/409)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from interviews import services
from interviews.models import InterviewBooking, InterviewOffer
from interviews.tests.conftest import publish, tomorrow_at

pytestmark = pytest.mark.django_db


def base(world):  # type: ignore[no-untyped-def]
    return f"/en/api/interviews/program/{world.program.code}"


def post(client, url, data=None):  # type: ignore[no-untyped-def]
    return client.post(url, data or {}, content_type="application/json")


def test_the_director_lists_and_sets_statuses(as_user, world):
    client = as_user(world.director)
    response = post(
        client,
        f"{base(world)}/statuses",
        {"application_id": world.a_alice.pk, "status": "waitlisted", "message": "Soon"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "waitlisted" and response.json()["waitlist_position"] == 1
    rows = {r["application_id"]: r for r in client.get(f"{base(world)}/statuses").json()}
    assert rows[world.a_alice.pk]["message"] == "Soon"
    assert rows[world.a_bruno.pk]["status"] is None
    only = client.get(f"{base(world)}/statuses?status=waitlisted").json()
    assert [r["application_id"] for r in only] == [world.a_alice.pk]
    assert InterviewOffer.objects.get().history.get().source == "api"


def test_a_refused_status_is_a_400_with_the_reason(as_user, world):
    response = post(
        as_user(world.director),
        f"{base(world)}/statuses",
        {"application_id": world.a_alice.pk, "status": "perhaps"},
    )
    assert response.status_code == 400
    assert (
        response.json()["code"] == "status"
        and "not an interview status" in response.json()["detail"]
    )


@pytest.mark.parametrize("who", ["read_only", "removed", "other_director", "pgme", "alice"])
def test_those_who_may_not_decide_get_403(as_user, world, who):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    response = post(
        as_user(user),
        f"{base(world)}/statuses",
        {"application_id": world.a_alice.pk, "status": "selected"},
    )
    assert response.status_code == 403
    assert not InterviewOffer.objects.exists()


@pytest.mark.parametrize("who", ["removed", "other_director", "alice"])
def test_outsiders_cannot_list(as_user, world, who):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    assert as_user(user).get(f"{base(world)}/statuses").status_code == 403
    assert as_user(user).get(f"{base(world)}/slots").status_code == 403


def test_anonymous_is_401(as_user, world):
    assert as_user(None).get(f"{base(world)}/statuses").status_code == 401
    assert as_user(None).get("/en/api/interviews/mine").status_code == 401


def test_the_reviewer_sees_only_their_stream_and_names_of_their_stream_in_slots(as_user, world):
    services.interview_statuses_set(
        actor=world.director, applications=[world.a_alice, world.a_img], status="selected"
    )
    slots = publish(world, count=2)
    release = tomorrow_at(12)
    services.release_schedule(actor=world.director, program=world.program, release_at=release)
    with time_machine.travel(release + dt.timedelta(minutes=1), tick=False):
        for application, slot in ((world.a_alice, slots[0]), (world.a_img, slots[1])):
            services.slot_pick(
                actor=application.applicant.user,
                offer=InterviewOffer.objects.get(application=application),
                slot=slot,
            )
        client = as_user(world.cmg_reviewer)
        ids = [r["application_id"] for r in client.get(f"{base(world)}/statuses").json()]
        assert world.a_img.pk not in ids and world.a_alice.pk in ids
        data = client.get(f"{base(world)}/slots").json()
    assert [b["matching_id"] for b in data[0]["bookings"]] == [world.alice.matching_id]
    assert data[1]["bookings"] == [{"application_id": None, "matching_id": None, "applicant": None}]
    assert data[1]["free"] == 0


def test_the_applicant_reads_picks_and_declines(as_user, world):
    services.interview_statuses_set(
        actor=world.director, applications=[world.a_alice, world.a_bruno], status="selected"
    )
    services.interview_status_set(
        actor=world.director, application=world.a_chloe, status="waitlisted"
    )
    slots = publish(world, count=2)
    release = tomorrow_at(12)
    services.release_schedule(actor=world.director, program=world.program, release_at=release)
    alice = as_user(world.alice.user)
    offer = InterviewOffer.objects.get(application=world.a_alice)
    # before the release: nothing to see, nothing to pick
    assert alice.get("/en/api/interviews/mine").json() == []
    early = post(alice, f"/en/api/interviews/mine/{offer.pk}/pick", {"slot_id": slots[0].pk})
    assert early.status_code == 400 and early.json()["code"] == "no_invitation"
    with time_machine.travel(release + dt.timedelta(minutes=1), tick=False):
        [invitation] = alice.get("/en/api/interviews/mine").json()
        assert invitation["can_answer"] and [s["id"] for s in invitation["open_slots"]] == [
            s.pk for s in slots
        ]
        picked = post(alice, f"/en/api/interviews/mine/{offer.pk}/pick", {"slot_id": slots[0].pk})
        assert picked.status_code == 200 and picked.json()["slot"]["id"] == slots[0].pk
        bruno_offer = InterviewOffer.objects.get(application=world.a_bruno)
        taken = post(
            as_user(world.bruno.user),
            f"/en/api/interviews/mine/{bruno_offer.pk}/pick",
            {"slot_id": slots[0].pk},
        )
        assert taken.status_code == 409 and "just taken" in taken.json()["detail"]
        declined = post(alice, f"/en/api/interviews/mine/{offer.pk}/decline")
        assert declined.status_code == 200 and declined.json()["declined_at"]
        again = post(alice, f"/en/api/interviews/mine/{offer.pk}/decline")
        assert again.status_code == 400 and again.json()["code"] == "declined"
        chloe = as_user(world.chloe.user).get("/en/api/interviews/mine").json()
    assert [c["program"] for c in chloe] == [world.program.code]
    assert not InterviewBooking.objects.filter(offer=offer).exists()


def test_another_applicant_or_staff_cannot_answer(as_user, world):
    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="selected"
    )
    [slot] = publish(world, count=1)
    services.release_schedule(
        actor=world.director, program=world.program, release_at=tomorrow_at(12)
    )
    offer = InterviewOffer.objects.get(application=world.a_alice)
    with time_machine.travel(tomorrow_at(12) + dt.timedelta(minutes=1), tick=False):
        for user in (world.bruno.user, world.director):
            client = as_user(user)
            assert (
                post(
                    client, f"/en/api/interviews/mine/{offer.pk}/pick", {"slot_id": slot.pk}
                ).status_code
                == 403
            )
            assert post(client, f"/en/api/interviews/mine/{offer.pk}/decline").status_code == 403
        assert as_user(world.director).get("/en/api/interviews/mine").status_code == 403
        assert (
            post(
                as_user(world.alice.user),
                "/en/api/interviews/mine/999999/pick",
                {"slot_id": slot.pk},
            ).status_code
            == 404
        )
    assert not InterviewBooking.objects.exists()
