"""Test data builders shared by every app's tests. Plain functions, keyword arguments."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from applicants.models import (
    ApplicantProfile,
    Citizenship,
    ContractVersion,
    MedicalSchoolRegion,
    Participation,
)
from core.choices import Province, Stream, TrainingLanguage
from cycles.models import MILESTONE_ORDER, Cycle, Iteration, IterationKind, Milestone
from fees.models import FeeSchedule
from programs.models import Discipline, Program, Quota, School

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(*, email: str | None = None, language: str = "en", **extra: Any) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        email=email or f"user{n}@example.org", password=PASSWORD, language=language, **extra
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_cycle(
    *,
    phase: str = "ranking_opens",
    now: dt.datetime | None = None,
    current: bool = True,
    year: int = 2027,
) -> tuple[Cycle, Iteration]:
    """A cycle whose first iteration's calendar puts ``now`` inside ``phase``.

    Milestones are 10 days apart; the milestone named ``phase`` was reached one day ago.
    """
    now = now or timezone.now()
    n = next(_seq)
    cycle = Cycle.objects.create(
        name=f"R-1 {year}", slug=f"r1-{year}-{n}", year=year, is_current=current
    )
    iteration = Iteration.objects.create(cycle=cycle, kind=IterationKind.FIRST)
    reached = MILESTONE_ORDER.index(phase) if phase in MILESTONE_ORDER else -1
    for i, kind in enumerate(MILESTONE_ORDER):
        at = now - dt.timedelta(days=1) + dt.timedelta(days=10 * (i - reached))
        Milestone.objects.create(iteration=iteration, kind=kind, at=at)
    ContractVersion.objects.create(
        cycle=cycle,
        version=1,
        text_en="I agree to abide by the match rules.",
        text_fr="J'accepte de respecter les règles du jumelage.",
        published_at=now - dt.timedelta(days=400),
    )
    FeeSchedule.objects.create(
        cycle=cycle, base_fee_cents=37500, programs_included=9, extra_program_fee_cents=3500
    )
    return cycle, iteration


def make_school(*, code: str | None = None, province: str = Province.ON) -> School:
    n = next(_seq)
    return School.objects.create(
        code=code or f"S{n}",
        name_en=f"School {n}",
        name_fr=f"École {n}",
        province=province,
        city="Toronto",
    )


def make_program(
    *,
    cycle: Cycle,
    iteration: Iteration,
    school: School | None = None,
    streams: dict[str, int] | None = None,
    language: str = TrainingLanguage.EN,
    code: str | None = None,
) -> Program:
    n = next(_seq)
    discipline, _ = Discipline.objects.get_or_create(
        code="FM", defaults={"name_en": "Family Medicine", "name_fr": "Médecine familiale"}
    )
    program = Program.objects.create(
        cycle=cycle,
        school=school or make_school(),
        discipline=discipline,
        code=code or f"FM-{n}",
        name_en=f"Family Medicine {n}",
        name_fr=f"Médecine familiale {n}",
        language=language,
        description_en="A community-based program.",
        description_fr="Un programme en milieu communautaire.",
    )
    for stream, positions in (streams or {Stream.CMG: 2, Stream.IMG: 1}).items():
        Quota.objects.create(
            program=program, iteration=iteration, stream=stream, positions=positions
        )
    return program


def make_applicant(
    *,
    cycle: Cycle | None = None,
    img: bool = False,
    participate: bool = True,
    user: User | None = None,
    language: str = "en",
) -> ApplicantProfile:
    n = next(_seq)
    user = user or make_user(language=language)
    profile = ApplicantProfile.objects.create(
        user=user,
        first_name=f"Given{n}",
        last_name=f"Family{n}",
        medical_school_region=MedicalSchoolRegion.ELSEWHERE if img else MedicalSchoolRegion.CANADA,
        medical_school_name="Université de Montréal" if not img else "Cairo University",
        graduation_year=2025,
        citizenship=Citizenship.CITIZEN,
        matching_id=f"A{n:06d}",
        mcc_id=f"{n:07d}" if img else None,  # IMGs must give their MCC ID before submitting
    )
    if participate and cycle is not None:
        Participation.objects.create(
            applicant=profile,
            cycle=cycle,
            contract=cycle.contracts.order_by("-version").first(),
            accepted_at=timezone.now(),
        )
    return profile


def make_staff(
    *,
    role: str,
    program: Program | None = None,
    school: School | None = None,
    province: str = "",
    read_only: bool = False,
    streams: list[str] | None = None,
) -> User:
    user = make_user()
    RoleAssignment.objects.create(
        user=user,
        role=role,
        program=program,
        school=school,
        province=province,
        read_only=read_only,
        streams=streams or [],
    )
    return user


def make_match_admin() -> User:
    return make_staff(role=Role.MATCH_ADMINISTRATOR)


def require_nothing(program: Program) -> Program:
    """Give ``program`` one optional requirement only (instead of the default list), so an
    application to it can be submitted without documents."""
    from programs.models import ProgramRequirement

    ProgramRequirement.objects.create(program=program, kind="letter", code="", required=False)
    return program
