"""Demo data of interviews (called once by ``matchruns.demo.load_demo``, bulk inserts only).

The demo calendar is in the rank period: the interview period is over. FM-UOFT (the director
persona's program) gave every submitted application a status: the applicants already on its
quota rank order lists were selected (so its lists hold interviewed applicants only), the others
are mostly not selected or waitlisted, some "not interviewing this iteration", a few not decided.
Its invitations were released before the interview period; each selected applicant booked one
past slot. The applicant persona also has statuses with messages at a few other programs.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from accounts.models import Role, RoleAssignment
from applications.models import Application, ApplicationStatus
from cycles.models import MilestoneKind
from cycles.selectors import TORONTO, milestones_of
from interviews.models import (
    ChangeSource,
    InterviewBooking,
    InterviewOffer,
    InterviewRelease,
    InterviewSlot,
    InterviewStatus,
    InterviewStatusChange,
)

PROGRAM = "FM-UOFT"
APPLICANT_EMAIL = "applicant@demo.jumelage.ca"
MESSAGES = {
    InterviewStatus.SELECTED: (
        "We enjoyed reading your file and look forward to meeting you. Interviews are on Zoom; "
        "plan 45 minutes and a quiet room.",
        "Nous avons apprécié votre dossier et avons hâte de vous rencontrer. Les entrevues ont "
        "lieu sur Zoom; prévoyez 45 minutes et un endroit calme.",
    ),
    InterviewStatus.WAITLISTED: (
        "You are on our waitlist; we will write as soon as a place opens.",
        "Vous êtes sur notre liste d'attente; nous vous écrirons dès qu'une place se libère.",
    ),
    InterviewStatus.NOT_SELECTED: (
        "Thank you for applying. We received many strong files this year.",
        "Merci d'avoir postulé. Nous avons reçu de nombreux excellents dossiers cette année.",
    ),
    InterviewStatus.NOT_THIS_ITERATION: (
        "We are not interviewing your stream in this iteration.",
        "Nous ne faisons pas d'entrevues pour votre volet à ce tour.",
    ),
}


def _message(status: str, language: str) -> str:
    english, french = MESSAGES[InterviewStatus(status)]
    return french if language == "fr" else english


def _slot_times(start: dt.datetime, end: dt.datetime, count: int) -> list[dt.datetime]:
    """``count`` 45-minute weekday slots from 9:00 to 15:45 (Toronto) inside the period."""
    day = start.astimezone(TORONTO).replace(hour=9, minute=0, second=0, microsecond=0)
    day += dt.timedelta(days=3)
    times: list[dt.datetime] = []
    while len(times) < count and day < end:
        if day.weekday() < 5:
            for i in range(9):
                at = day + dt.timedelta(minutes=45 * i)
                if at + dt.timedelta(minutes=45) <= end:
                    times.append(at)
        day += dt.timedelta(days=1)
    return times[:count]


def load(*, cycle: Any, iteration: Any, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    from programs.models import Program
    from ranking.models import RankEntry

    program = Program.objects.filter(cycle=cycle, code=PROGRAM).first()
    if program is None:
        return {}
    marks = milestones_of(iteration)
    start, end = marks[MilestoneKind.INTERVIEWS_START], marks[MilestoneKind.INTERVIEWS_END]
    director = (
        RoleAssignment.objects.filter(program=program, role=Role.PROGRAM_DIRECTOR)
        .select_related("user")
        .first()
    )
    decider = director.user if director else None
    applications = list(
        Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED)
        .select_related("applicant__user")
        .order_by("pk")
    )
    ranked = set(
        RankEntry.objects.filter(
            rank_list__quota__program=program, applicant__isnull=False
        ).values_list("rank_list__quota_id", "applicant_id")
    )
    release_at = start - dt.timedelta(days=7)
    decided_at = release_at - dt.timedelta(days=2)
    offers: list[InterviewOffer] = []
    waitlist_place: dict[int, int] = {}
    for application in applications:
        user = application.applicant.user
        persona = user.email == APPLICANT_EMAIL
        on_list = (application.quota_id, application.applicant_id) in ranked
        if on_list or persona or (not ranked and rng.random() < 0.45):
            status = InterviewStatus.SELECTED
        else:
            draw = rng.random()
            if draw < 0.05:
                continue  # not decided yet
            status = (
                InterviewStatus.NOT_SELECTED
                if draw < 0.5
                else InterviewStatus.WAITLISTED
                if draw < 0.8
                else InterviewStatus.NOT_THIS_ITERATION
            )
        place = None
        if status == InterviewStatus.WAITLISTED:
            place = waitlist_place[application.quota_id] = (
                waitlist_place.get(application.quota_id, 0) + 1
            )
        with_message = persona or rng.random() < 0.6
        offers.append(
            InterviewOffer(
                application=application,
                status=status,
                message=_message(status, user.language) if with_message else "",
                decided_by=decider,
                waitlist_position=place,
            )
        )
    # The applicant persona's statuses at other programs, each with a message.
    persona_apps = list(
        Application.objects.filter(
            applicant__user__email=APPLICANT_EMAIL,
            program__cycle=cycle,
            status=ApplicationStatus.SUBMITTED,
        )
        .exclude(program=program)
        .select_related("applicant__user")
        .order_by("program__code")
    )
    for application, status in zip(
        persona_apps,
        (
            InterviewStatus.WAITLISTED,
            InterviewStatus.NOT_SELECTED,
            InterviewStatus.NOT_THIS_ITERATION,
        ),
        strict=False,
    ):
        offers.append(
            InterviewOffer(
                application=application,
                status=status,
                message=_message(status, application.applicant.user.language),
                waitlist_position=2 if status == InterviewStatus.WAITLISTED else None,
            )
        )
    offers = InterviewOffer.objects.bulk_create(offers, batch_size=500)
    InterviewStatusChange.objects.bulk_create(
        [
            InterviewStatusChange(
                offer=offer,
                from_status="",
                to_status=offer.status,
                message=offer.message,
                source=ChangeSource.BULK
                if offer.application.program_id == program.pk
                else ChangeSource.ONE,
                actor=decider if offer.application.program_id == program.pk else None,
                at=decided_at - dt.timedelta(hours=rng.randint(0, 240)),
            )
            for offer in offers
        ],
        batch_size=500,
    )
    InterviewRelease.objects.create(
        program=program,
        release_at=release_at,
        scheduled_by=decider,
        scheduled_at=release_at - dt.timedelta(days=1),
        invitations_queued_at=release_at,
    )
    selected = [
        o
        for o in offers
        if o.status == InterviewStatus.SELECTED and o.application.program_id == program.pk
    ]
    times = _slot_times(start, end, len(selected) + max(2, len(selected) // 10))
    slots = InterviewSlot.objects.bulk_create(
        [
            InterviewSlot(
                program=program,
                starts_at=at,
                duration_minutes=45,
                capacity=1,
                video_link=f"https://meet.example.org/fm-uoft/{i + 1}",
                instructions_en="Join five minutes early; two faculty members and a resident "
                "will interview you.",
                instructions_fr="Connectez-vous cinq minutes à l'avance; deux professeurs et un "
                "résident vous recevront en entrevue.",
                created_by=decider,
                created_at=release_at - dt.timedelta(days=3),
            )
            for i, at in enumerate(times)
        ],
        batch_size=500,
    )
    rng.shuffle(selected)
    bookings = InterviewBooking.objects.bulk_create(
        [
            InterviewBooking(
                slot=slot,
                seat=1,
                offer=offer,
                program=program,
                applicant_id=offer.application.applicant_id,
                booked_at=release_at + dt.timedelta(minutes=rng.randint(1, 600)),
            )
            for offer, slot in zip(selected, slots, strict=False)
        ],
        batch_size=500,
    )
    return {
        "interview_offers": len(offers),
        "interview_slots": len(slots),
        "interview_bookings": len(bookings),
    }
