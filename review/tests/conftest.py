"""Fixtures of the file review tests: a program with a CMG and an IMG quota, a submitted
application to each, and every persona who reads or must be refused.

The calendar (root ``cycle`` fixture) is in the rank period: file review is open, scoring closes
at the program rank order list deadline, nine days away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, ApplicationStatus
from core.choices import Stream
from programs.models import Quota
from tests import factories


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.CLAMD_SOCKET = ""


def submit(applicant: Any, program: Any, stream: str = Stream.CMG) -> Application:
    """A submitted application of ``applicant`` to ``program``'s ``stream`` quota."""
    return Application.objects.create(
        applicant=applicant,
        program=program,
        quota=Quota.objects.get(program=program, stream=stream),
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


@dataclass
class World:
    cycle: Any
    iteration: Any
    program: Any
    other_program: Any
    cmg: Application  # a submitted application to the CMG quota
    img: Application  # a submitted application to the IMG quota
    director: Any
    program_admin: Any
    reviewer: Any  # full access, every stream
    read_only: Any  # read-only reviewer
    img_reviewer: Any  # full access, IMG stream only
    pgme: Any  # the PGME office of the program's school
    match_admin: Any
    other_director: Any
    other_reviewer: Any
    applicant: Any  # the applicant of ``cmg``

    @property
    def refused_readers(self) -> list[Any]:
        """Who must never read these files."""
        return [self.other_director, self.other_reviewer, self.applicant.user]


@pytest.fixture
def world(cycle, iteration, program, other_program):  # type: ignore[no-untyped-def]
    applicant = factories.make_applicant(cycle=cycle)
    imgs = factories.make_applicant(cycle=cycle, img=True)
    staff = factories.make_staff
    return World(
        cycle=cycle,
        iteration=iteration,
        program=program,
        other_program=other_program,
        cmg=submit(applicant, program, Stream.CMG),
        img=submit(imgs, program, Stream.IMG),
        director=staff(role=Role.PROGRAM_DIRECTOR, program=program),
        program_admin=staff(role=Role.PROGRAM_ADMINISTRATOR, program=program),
        reviewer=staff(role=Role.FILE_REVIEWER, program=program),
        read_only=staff(role=Role.FILE_REVIEWER, program=program, read_only=True),
        img_reviewer=staff(role=Role.FILE_REVIEWER, program=program, streams=[Stream.IMG]),
        pgme=staff(role=Role.PGME_OFFICE, school=program.school),
        match_admin=factories.make_match_admin(),
        other_director=staff(role=Role.PROGRAM_DIRECTOR, program=other_program),
        other_reviewer=staff(role=Role.FILE_REVIEWER, program=other_program),
        applicant=applicant,
    )


@pytest.fixture
def criteria(world):  # type: ignore[no-untyped-def]
    from review.models import Criterion

    return [
        Criterion.objects.create(
            program=world.program, name_en="Clinical", name_fr="Clinique", scale_max=10, weight=3
        ),
        Criterion.objects.create(
            program=world.program,
            name_en="Letter",
            name_fr="Lettre",
            scale_max=5,
            weight=1,
            position=1,
        ),
    ]
