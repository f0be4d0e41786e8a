"""Reads of interview offers and slots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from applications.models import Application, ApplicationStatus
from interviews.models import (
    InterviewBooking,
    InterviewOffer,
    InterviewRelease,
    InterviewSlot,
    InterviewStatus,
    InterviewStatusChange,
    InterviewUpload,
)


def interviewed_applications(quota: Any) -> QuerySet[Application]:
    """The submitted applications to ``quota`` whose applicant was selected for an interview:
    the applicants a program may put on that quota's rank order list. An applicant who
    declined the interview is not one of them."""
    return Application.objects.filter(
        quota=quota,
        status=ApplicationStatus.SUBMITTED,
        interview__status=InterviewStatus.SELECTED,
        interview__declined_at__isnull=True,
    ).select_related("applicant__user")


# --- The release --------------------------------------------------------------------------------


def release_of(program: Any) -> InterviewRelease | None:
    return InterviewRelease.objects.filter(program_id=program.pk).first()


def is_released(program: Any, now: dt.datetime | None = None) -> bool:
    """Whether the program's invitations are visible (and slots pickable) now."""
    release = release_of(program)
    return release is not None and release.is_released(now)


def visible_to_applicant(offer: InterviewOffer, release: InterviewRelease | None, now: Any) -> bool:
    """An applicant sees their status as soon as it is set, except "selected": an invitation
    is seen only once the program released its invitations (all at the same moment)."""
    if offer.status != InterviewStatus.SELECTED:
        return True
    return release is not None and release.is_released(now)


# --- The program's side -------------------------------------------------------------------------


def program_applications(program: Any) -> QuerySet[Application]:
    """The program's submitted applications with their offer, booking and slot (a fixed
    number of queries whatever their number)."""
    return (
        Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED)
        .select_related(
            "applicant__user",
            "quota",
            "program__school",
            "interview",
            "interview__booking__slot",
        )
        .order_by("quota__stream", "applicant__last_name", "applicant__first_name", "pk")
    )


@dataclass
class ProgramRow:
    application: Application
    offer: InterviewOffer | None
    booking: InterviewBooking | None
    can_decide: bool


def program_rows(
    program: Any,
    *,
    viewer: Any,
    status: str = "",
    stream: str = "",
    search: str = "",
    application_id: int | None = None,
) -> list[ProgramRow]:
    """The applications ``viewer`` may read (``application.review``: a reviewer sees the
    streams they were given), filtered by status ("none" = no status yet), stream and a search
    on name or match identifier."""
    from core.permissions import can

    queryset = program_applications(program)
    if application_id is not None:
        queryset = queryset.filter(pk=application_id)
    if stream:
        queryset = queryset.filter(quota__stream=stream)
    if status == "none":
        queryset = queryset.filter(interview__isnull=True)
    elif status == "declined":
        queryset = queryset.filter(interview__declined_at__isnull=False)
    elif status:
        queryset = queryset.filter(interview__status=status)
    if search:
        queryset = queryset.filter(
            Q(applicant__last_name__icontains=search)
            | Q(applicant__first_name__icontains=search)
            | Q(applicant__matching_id__iexact=search)
        )
    rows = []
    for application in queryset:
        if not can(viewer, "application.review", application):
            continue
        offer = getattr(application, "interview", None)
        booking = getattr(offer, "booking", None) if offer is not None else None
        rows.append(
            ProgramRow(
                application=application,
                offer=offer,
                booking=booking,
                can_decide=can(viewer, "interview.decide", application),
            )
        )
    return rows


def status_counts(program: Any) -> dict[str, int]:
    """How many submitted applications have each status (``none``: not decided yet)."""
    counts = dict(
        InterviewOffer.objects.filter(
            application__program=program, application__status=ApplicationStatus.SUBMITTED
        )
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total = Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED).count()
    counts["none"] = total - sum(counts.values())
    counts["declined"] = InterviewOffer.objects.filter(
        application__program=program, declined_at__isnull=False
    ).count()
    return counts


def history_of(offer: InterviewOffer) -> QuerySet[InterviewStatusChange]:
    return offer.history.select_related("actor").order_by("-at", "-pk")


def waitlist_of(quota: Any) -> QuerySet[InterviewOffer]:
    """The quota's waitlisted offers, first to be invited first."""
    return (
        InterviewOffer.objects.filter(
            application__quota=quota,
            application__status=ApplicationStatus.SUBMITTED,
            status=InterviewStatus.WAITLISTED,
        )
        .select_related("application__applicant")
        .order_by("waitlist_position", "application_id")
    )


def slots_of(program: Any) -> QuerySet[InterviewSlot]:
    """Every slot of the program with its bookings (and the booked applicants)."""
    return (
        InterviewSlot.objects.filter(program=program)
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=InterviewBooking.objects.select_related(
                    "applicant", "offer__application__quota", "offer__application__program__school"
                ).order_by("seat"),
            )
        )
        .order_by("starts_at", "pk")
    )


def bookings_of(program: Any) -> QuerySet[InterviewBooking]:
    return (
        InterviewBooking.objects.filter(program=program)
        .select_related(
            "slot", "applicant", "offer__application__quota", "offer__application__program__school"
        )
        .order_by("slot__starts_at", "seat")
    )


def uploads_of(program: Any, limit: int = 5) -> list[InterviewUpload]:
    return list(
        InterviewUpload.objects.filter(program=program).select_related("uploaded_by")[:limit]
    )


# --- The applicant's side -----------------------------------------------------------------------


def open_slots(program: Any, now: dt.datetime | None = None) -> list[InterviewSlot]:
    """Slots still to come with at least one free seat."""
    now = now or timezone.now()
    return [
        slot
        for slot in InterviewSlot.objects.filter(program=program, starts_at__gt=now)
        .annotate(booked=Count("bookings"))
        .order_by("starts_at", "pk")
        if slot.booked < slot.capacity  # type: ignore[attr-defined]
    ]


@dataclass
class ApplicantInterview:
    """What an applicant sees of one application's interview status."""

    application: Application
    offer: InterviewOffer | None  # None: no status yet (or an invitation not released yet)
    release: InterviewRelease | None
    booking: InterviewBooking | None = None
    open_slots: list[InterviewSlot] = field(default_factory=list)
    now: dt.datetime = field(default_factory=timezone.now)
    interviews_end: dt.datetime | None = None

    @property
    def status(self) -> str:
        return self.offer.status if self.offer is not None else ""

    @property
    def invited(self) -> bool:
        return self.offer is not None and self.offer.status == InterviewStatus.SELECTED

    @property
    def declined(self) -> bool:
        return self.offer is not None and self.offer.declined_at is not None

    @property
    def booking_started(self) -> bool:
        return self.booking is not None and self.booking.slot.starts_at <= self.now

    @property
    def answerable(self) -> bool:
        """An invitation the applicant can still pick, swap or decline."""
        return (
            self.invited
            and not self.declined
            and not self.booking_started
            and (self.interviews_end is None or self.now < self.interviews_end)
        )


def _interviews_end(applications: list[Application]) -> dict[int, dt.datetime]:
    """Quota id -> the end of the interview period of its iteration (one query)."""
    from cycles.models import Milestone, MilestoneKind

    quota_iterations = {a.quota_id: a.quota.iteration_id for a in applications}
    ends = dict(
        Milestone.objects.filter(
            iteration_id__in=set(quota_iterations.values()), kind=MilestoneKind.INTERVIEWS_END
        ).values_list("iteration_id", "at")
    )
    return {q: ends[i] for q, i in quota_iterations.items() if i in ends}


def applicant_interviews(
    applications: list[Application], now: dt.datetime | None = None, *, with_slots: bool = False
) -> dict[int, ApplicantInterview]:
    """Application id -> what its applicant may see: the status (hidden while it is a
    "selected" not yet released), the message, the booked slot and, with ``with_slots``, the
    open slots of invitations that can still be answered. A fixed number of queries."""
    now = now or timezone.now()
    ids = [a.pk for a in applications]
    offers = {
        o.application_id: o
        for o in InterviewOffer.objects.filter(application_id__in=ids).select_related(
            "booking__slot"
        )
    }
    program_ids = {a.program_id for a in applications}
    releases = {
        r.program_id: r for r in InterviewRelease.objects.filter(program_id__in=program_ids)
    }
    out: dict[int, ApplicantInterview] = {}
    wanted_slots: set[int] = set()
    ends = _interviews_end(applications)
    for application in applications:
        offer = offers.get(application.pk)
        release = releases.get(application.program_id)
        if offer is not None and not visible_to_applicant(offer, release, now):
            offer = None
        booking = getattr(offer, "booking", None) if offer is not None else None
        item = ApplicantInterview(
            application=application,
            offer=offer,
            release=release,
            booking=booking,
            now=now,
            interviews_end=ends.get(application.quota_id),
        )
        if with_slots and item.invited and not item.declined:
            wanted_slots.add(application.program_id)
        out[application.pk] = item
    if wanted_slots:
        free: dict[int, list[InterviewSlot]] = {}
        for slot in (
            InterviewSlot.objects.filter(program_id__in=wanted_slots, starts_at__gt=now)
            .annotate(booked=Count("bookings"))
            .order_by("starts_at", "pk")
        ):
            if slot.booked < slot.capacity:  # type: ignore[attr-defined]
                free.setdefault(slot.program_id, []).append(slot)
        for item in out.values():
            if item.invited and not item.declined:
                item.open_slots = free.get(item.application.program_id, [])
    return out


def invitations_of(applicant: Any, cycle: Any, now: dt.datetime | None = None) -> list[Any]:
    """The applicant's released invitations in ``cycle`` (declined ones too), with the open
    slots of each."""
    applications = list(
        Application.objects.filter(
            applicant=applicant,
            program__cycle=cycle,
            status=ApplicationStatus.SUBMITTED,
            interview__status=InterviewStatus.SELECTED,
        )
        .select_related("program__school", "quota")
        .order_by("program__code")
    )
    seen = applicant_interviews(applications, now, with_slots=True)
    return [item for item in seen.values() if item.invited]
