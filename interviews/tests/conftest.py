"""Fixtures of the interview tests: a cycle whose interview period began yesterday (file review
opened 11 days ago; the interview period ends in 9 days; the program rank order list deadline
is in 29 days), a program with CMG and IMG quotas, its staff, submitted applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from applications.models import Application, ApplicationStatus
from core.choices import Stream
from cycles.selectors import TORONTO, milestone_at
from interviews import services
from interviews.models import InterviewSlot
from tests import factories


@pytest.fixture
def cycle_and_iteration(db):  # type: ignore[no-untyped-def]
    return factories.make_cycle(phase="interviews_start")


def submit(applicant: Any, program: Any, stream: str = Stream.CMG) -> Application:
    """A submitted application (the file itself is not what these tests are about)."""
    return Application.objects.create(
        applicant=applicant,
        program=program,
        quota=program.quotas.get(stream=stream),
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=20),
    )


def at(iteration: Any, kind: str, delta: dt.timedelta = dt.timedelta()) -> dt.datetime:
    moment = milestone_at(iteration, kind)
    assert moment is not None
    return moment + delta


def tomorrow_at(hour: int) -> dt.datetime:
    local = timezone.now().astimezone(TORONTO) + dt.timedelta(days=1)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


@dataclass
class World:
    cycle: Any
    iteration: Any
    program: Any
    other_program: Any
    director: Any
    program_admin: Any
    reviewer: Any
    read_only: Any
    cmg_reviewer: Any
    removed: Any
    other_director: Any
    pgme: Any
    alice: Any  # applicants
    bruno: Any
    chloe: Any
    img: Any
    a_alice: Application  # their applications to ``program``
    a_bruno: Application
    a_chloe: Application
    a_img: Application


@pytest.fixture
def world(cycle, iteration, program, other_program):  # type: ignore[no-untyped-def]
    removed = factories.make_staff(role=Role.FILE_REVIEWER, program=program)
    RoleAssignment.objects.filter(user=removed).delete()
    alice = factories.make_applicant(cycle=cycle)
    bruno = factories.make_applicant(cycle=cycle, language="fr")
    chloe = factories.make_applicant(cycle=cycle)
    img = factories.make_applicant(cycle=cycle, img=True)
    return World(
        cycle=cycle,
        iteration=iteration,
        program=program,
        other_program=other_program,
        director=factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program),
        program_admin=factories.make_staff(role=Role.PROGRAM_ADMINISTRATOR, program=program),
        reviewer=factories.make_staff(role=Role.FILE_REVIEWER, program=program),
        read_only=factories.make_staff(role=Role.FILE_REVIEWER, program=program, read_only=True),
        cmg_reviewer=factories.make_staff(
            role=Role.FILE_REVIEWER, program=program, streams=[Stream.CMG]
        ),
        removed=removed,
        other_director=factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=other_program),
        pgme=factories.make_staff(role=Role.PGME_OFFICE, school=program.school),
        alice=alice,
        bruno=bruno,
        chloe=chloe,
        img=img,
        a_alice=submit(alice, program),
        a_bruno=submit(bruno, program),
        a_chloe=submit(chloe, program),
        a_img=submit(img, program, Stream.IMG),
    )


def publish(
    world: World, *, count: int = 3, capacity: int = 1, hour: int = 9
) -> list[InterviewSlot]:
    """``count`` 30-minute slots the day after tomorrow (inside the interview period)."""
    starts = tomorrow_at(hour) + dt.timedelta(days=1)
    return services.slots_publish(
        actor=world.director,
        program=world.program,
        starts_at=starts,
        duration_minutes=30,
        capacity=capacity,
        count=count,
        video_link="https://meet.example.org/room",
        instructions_en="Join five minutes early.",
        instructions_fr="Connectez-vous cinq minutes à l'avance.",
    )
