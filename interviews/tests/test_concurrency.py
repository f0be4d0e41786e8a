"""No double booking under concurrent picks (PostgreSQL: real row locks and concurrent
transactions; SQLite serialises every write and has no ``select_for_update``, so these tests
run where CI runs the suite on PostgreSQL).

Several threads, each with its own database connection, start at the same instant (a barrier)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.errors import DomainError
from interviews import services
from interviews.models import InterviewBooking, InterviewOffer, InterviewRelease, InterviewStatus
from interviews.tests.conftest import publish, submit
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]

THREADS = 6


def race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job at the same moment in its own thread; return results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:  # the test looks at what each one got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def setup(world):  # type: ignore[no-untyped-def]
    applicants = [factories.make_applicant(cycle=world.cycle) for _ in range(THREADS)]
    applications = [submit(a, world.program) for a in applicants]
    services.interview_statuses_set(
        actor=world.director, applications=applications, status=InterviewStatus.SELECTED
    )
    slots = publish(world, count=2)
    InterviewRelease.objects.create(
        program=world.program, release_at=timezone.now() - dt.timedelta(minutes=1)
    )
    offers = list(InterviewOffer.objects.filter(application__in=applications).order_by("pk"))
    return applicants, offers, slots


def test_several_applicants_picking_the_same_slot_at_once_exactly_one_wins(world, setup):
    applicants, offers, slots = setup
    results = race(
        [
            (lambda a=a, o=o: services.slot_pick(actor=a.user, offer=o, slot=slots[0]))
            for a, o in zip(applicants, offers, strict=True)
        ]
    )
    wins = [r for r in results if isinstance(r, InterviewBooking)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1, results
    assert len(refused) == THREADS - 1, results
    assert {r.code for r in refused} == {"slot_full"}
    assert all("just taken by another applicant" in r.message for r in refused)
    assert InterviewBooking.objects.filter(slot=slots[0]).count() == 1


def test_a_double_click_on_two_slots_leaves_one_booking(world, setup):
    applicants, offers, slots = setup
    user, offer = applicants[0].user, offers[0]
    results = race(
        [
            lambda: services.slot_pick(actor=user, offer=offer, slot=slots[0]),
            lambda: services.slot_pick(actor=user, offer=offer, slot=slots[1]),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert InterviewBooking.objects.filter(offer=offer).count() == 1


def test_two_declines_at_once_invite_two_different_waitlisted_applicants(world, setup):
    applicants, offers, _slots = setup
    waiting = [submit(factories.make_applicant(cycle=world.cycle), world.program) for _ in range(3)]
    services.interview_statuses_set(actor=world.director, applications=waiting, status="waitlisted")
    results = race(
        [
            lambda: services.interview_decline(actor=applicants[0].user, offer=offers[0]),
            lambda: services.interview_decline(actor=applicants[1].user, offer=offers[1]),
        ]
    )
    promoted = [r for r in results if isinstance(r, InterviewOffer)]
    assert len(promoted) == 2 and promoted[0].pk != promoted[1].pk, results
    statuses = dict(
        InterviewOffer.objects.filter(application__in=waiting).values_list(
            "application_id", "status"
        )
    )
    assert statuses == {
        waiting[0].pk: "selected",
        waiting[1].pk: "selected",
        waiting[2].pk: "waitlisted",
    }
    assert InterviewOffer.objects.get(application=waiting[2]).waitlist_position == 1
