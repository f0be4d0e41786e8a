"""iCalendar files of interviews for the applicant (their slot) and the program (all booked
slots): RFC 5545 fields, folding and escaping, parsed back."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from interviews import services
from interviews.models import InterviewOffer
from interviews.tests.conftest import publish, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(world):  # type: ignore[no-untyped-def]
    services.interview_statuses_set(
        actor=world.director, applications=[world.a_alice, world.a_img], status="selected"
    )
    slots = services.slots_publish(
        actor=world.director,
        program=world.program,
        starts_at=tomorrow_at(9) + dt.timedelta(days=1),
        duration_minutes=45,
        count=2,
        video_link="https://meet.example.org/room?id=42",
        instructions_en="Bring your licence; a long line, with commas, semicolons; and a "
        "backslash \\ to check escaping and folding beyond seventy-five octets.",
        instructions_fr="Apportez votre permis.",
    )
    release = tomorrow_at(12)
    services.release_schedule(actor=world.director, program=world.program, release_at=release)
    traveller = time_machine.travel(release + dt.timedelta(minutes=1), tick=False)
    traveller.start()  # the rest of the test happens after the release
    for application, slot in ((world.a_alice, slots[0]), (world.a_img, slots[1])):
        offer = InterviewOffer.objects.get(application=application)
        services.slot_pick(actor=application.applicant.user, offer=offer, slot=slot)
    yield slots, release
    traveller.stop()


def events(content: bytes) -> list:  # type: ignore[type-arg]
    return [c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT"]


def test_the_applicant_downloads_their_interview(as_user, world, booked):
    slots, _release = booked
    offer = InterviewOffer.objects.get(application=world.a_alice)
    response = as_user(world.alice.user).get(f"/en/interviews/mine/{offer.pk}/interview.ics")
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines
    [event] = events(raw)
    assert str(event["UID"]) == f"interview-{offer.pk}@example.com"
    assert event["DTSTAMP"] and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == slots[0].starts_at
    assert event.decoded("DTEND") == slots[0].ends_at
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    assert str(event["SUMMARY"]) == f"Interview with {world.program.name}"
    description = str(event["DESCRIPTION"])
    assert "https://meet.example.org/room?id=42" in description
    assert "commas, semicolons; and a backslash \\ to check" in description
    assert b"semicolons\\; and a backslash \\\\ to check" in raw.replace(b"\r\n ", b"")
    assert b"BEGIN:VTIMEZONE" in raw


def test_the_applicant_reads_the_instructions_in_french(as_user, world, booked):
    offer = InterviewOffer.objects.get(application=world.a_alice)
    response = as_user(world.alice.user).get(f"/fr/interviews/mine/{offer.pk}/interview.ics")
    [event] = events(response.content)
    assert "Apportez votre permis." in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]).startswith("Entrevue")


def test_the_program_downloads_every_booked_interview(as_user, world, booked):
    response = as_user(world.director).get(
        f"/en/interviews/program/{world.program.code}/interviews.ics"
    )
    found = events(response.content)
    assert sorted(str(e["SUMMARY"]) for e in found) == sorted(
        [f"Interview: {world.alice.display_name}", f"Interview: {world.img.display_name}"]
    )
    assert len({str(e["UID"]) for e in found}) == 2


def test_a_reviewer_gets_the_interviews_of_their_streams_only(as_user, world, booked):
    response = as_user(world.cmg_reviewer).get(
        f"/en/interviews/program/{world.program.code}/interviews.ics"
    )
    assert [str(e["SUMMARY"]) for e in events(response.content)] == [
        f"Interview: {world.alice.display_name}"
    ]


def test_a_swap_keeps_the_uid_and_raises_the_sequence(as_user, world, booked):
    _slots, release = booked
    extra = publish(world, count=1, hour=14)[0]
    offer = InterviewOffer.objects.get(application=world.a_alice)
    with time_machine.travel(release + dt.timedelta(minutes=5), tick=False):
        services.slot_pick(actor=world.alice.user, offer=offer, slot=extra)
    [event] = events(
        as_user(world.alice.user).get(f"/en/interviews/mine/{offer.pk}/interview.ics").content
    )
    assert str(event["UID"]) == f"interview-{offer.pk}@example.com"
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTART") == extra.starts_at


def test_no_calendar_without_a_booking_or_for_someone_else(as_user, world, booked):
    services.interview_status_set(
        actor=world.director, application=world.a_bruno, status="selected"
    )
    offer = InterviewOffer.objects.get(application=world.a_bruno)
    assert (
        as_user(world.bruno.user).get(f"/en/interviews/mine/{offer.pk}/interview.ics").status_code
        == 404
    )
    alice_offer = InterviewOffer.objects.get(application=world.a_alice)
    assert (
        as_user(world.bruno.user)
        .get(f"/en/interviews/mine/{alice_offer.pk}/interview.ics")
        .status_code
        == 403
    )
    assert (
        as_user(world.other_director)
        .get(f"/en/interviews/program/{world.program.code}/interviews.ics")
        .status_code
        == 403
    )
