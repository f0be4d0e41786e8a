"""JSON API of interviews (session auth; permissions from core.permissions).

Program side: the statuses of a program's applications, setting one, its slots and bookings.
Applicant side: my invitations, picking (or swapping to) a slot, declining. Domain refusals are
400 (409 when the slot was just taken), never a 500.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from core.errors import DomainError
from core.permissions import can, require, roles_of
from cycles.selectors import current_cycle
from interviews import selectors, services
from interviews.models import ChangeSource, InterviewOffer, InterviewSlot
from programs.selectors import current_program_or_404

router = Router(tags=["interviews"])


class ErrorOut(Schema):
    detail: str
    code: str


class StatusOut(Schema):
    application_id: int
    matching_id: str
    applicant: str
    stream: str
    status: str | None
    message: str
    waitlist_position: int | None
    declined_at: dt.datetime | None
    interview_at: dt.datetime | None


class StatusIn(Schema):
    application_id: int
    status: str
    message: str = ""
    waitlist_position: int | None = None


class BookingOut(Schema):
    application_id: int | None
    matching_id: str | None
    applicant: str | None


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    capacity: int
    free: int
    video_link: str
    instructions_en: str
    instructions_fr: str
    bookings: list[BookingOut]


class OpenSlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int


class InvitationOut(Schema):
    offer_id: int
    program: str
    program_name: str
    stream: str
    message: str
    declined_at: dt.datetime | None
    slot: OpenSlotOut | None
    video_link: str | None
    instructions: str | None
    can_answer: bool
    open_slots: list[OpenSlotOut]


class PickIn(Schema):
    slot_id: int


def _refused(error: DomainError) -> Status:
    code = 409 if error.code == "slot_full" else 400
    return Status(code, ErrorOut(detail=error.message, code=error.code))


def _status_out(row: selectors.ProgramRow) -> StatusOut:
    offer, applicant = row.offer, row.application.applicant
    return StatusOut(
        application_id=row.application.pk,
        matching_id=applicant.matching_id,
        applicant=applicant.sorted_name,
        stream=row.application.quota.stream,
        status=offer.status if offer else None,
        message=offer.message if offer else "",
        waitlist_position=offer.waitlist_position if offer else None,
        declined_at=offer.declined_at if offer else None,
        interview_at=row.booking.slot.starts_at if row.booking else None,
    )


@router.get("/program/{code}/statuses", response=list[StatusOut])
def program_statuses(request: HttpRequest, code: str, status: str = "", stream: str = ""):  # type: ignore[no-untyped-def]
    """The interview status of each submitted application the caller may read."""
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    rows = selectors.program_rows(found, viewer=request.user, status=status, stream=stream)
    return [_status_out(r) for r in rows]


@router.post("/program/{code}/statuses", response={200: StatusOut, 400: ErrorOut, 409: ErrorOut})
def program_status_set(request: HttpRequest, code: str, payload: StatusIn):  # type: ignore[no-untyped-def]
    """Set one application's status (and message, waitlist place)."""
    found = current_program_or_404(code)
    application = get_object_or_404(
        Application.objects.select_related("program__school", "quota", "applicant"),
        pk=payload.application_id,
        program=found,
        status=ApplicationStatus.SUBMITTED,
    )
    require(request.user, "interview.decide", application)
    try:
        services.interview_status_set(
            actor=request.user,
            application=application,
            status=payload.status,
            message=payload.message,
            waitlist_position=payload.waitlist_position,
            source=ChangeSource.API,
        )
    except DomainError as error:
        return _refused(error)
    [row] = selectors.program_rows(found, viewer=request.user, application_id=application.pk)
    return Status(200, _status_out(row))


@router.get("/program/{code}/slots", response=list[SlotOut])
def program_slots(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    """The program's slots and bookings; applicants of streams the caller may not read are
    shown as a booked seat without a name."""
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    out = []
    for slot in selectors.slots_of(found):
        bookings = []
        for b in slot.bookings.all():
            visible = can(request.user, "application.review", b.offer.application)
            bookings.append(
                BookingOut(
                    application_id=b.offer.application_id if visible else None,
                    matching_id=b.applicant.matching_id if visible else None,
                    applicant=b.applicant.sorted_name if visible else None,
                )
            )
        out.append(
            SlotOut(
                id=slot.pk,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                duration_minutes=slot.duration_minutes,
                capacity=slot.capacity,
                free=slot.capacity - len(bookings),
                video_link=slot.video_link,
                instructions_en=slot.instructions_en,
                instructions_fr=slot.instructions_fr,
                bookings=bookings,
            )
        )
    return out


# --- The applicant ------------------------------------------------------------------------------


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)


def _open(slot: InterviewSlot) -> OpenSlotOut:
    return OpenSlotOut(
        id=slot.pk,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        duration_minutes=slot.duration_minutes,
    )


def _invitation_out(item: selectors.ApplicantInterview) -> InvitationOut:
    offer = item.offer
    assert offer is not None
    program = item.application.program
    slot = item.booking.slot if item.booking else None
    return InvitationOut(
        offer_id=offer.pk,
        program=program.code,
        program_name=program.name,
        stream=item.application.quota.stream,
        message=offer.message,
        declined_at=offer.declined_at,
        slot=_open(slot) if slot else None,
        video_link=slot.video_link if slot else None,
        instructions=slot.instructions if slot else None,
        can_answer=item.answerable,
        open_slots=[_open(s) for s in item.open_slots] if item.answerable else [],
    )


@router.get("/mine", response=list[InvitationOut])
def mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The signed-in applicant's released invitations, their slot and the open slots."""
    me = _me(request)
    cycle = current_cycle()
    if cycle is None:
        raise HttpError(404, "No match cycle is open.")
    return [_invitation_out(item) for item in selectors.invitations_of(me, cycle)]


def _offer(request: HttpRequest, offer_id: int) -> InterviewOffer:
    found = get_object_or_404(
        InterviewOffer.objects.select_related("application__program", "application__quota"),
        pk=offer_id,
    )
    require(request.user, "interview.respond", found)
    return found


def _item_out(offer: InterviewOffer) -> InvitationOut:
    item = selectors.applicant_interviews([offer.application], with_slots=True)[
        offer.application_id
    ]
    return _invitation_out(item)


@router.post("/mine/{offer_id}/pick", response={200: InvitationOut, 400: ErrorOut, 409: ErrorOut})
def pick(request: HttpRequest, offer_id: int, payload: PickIn):  # type: ignore[no-untyped-def]
    """Book a slot for an invitation, or move the booking to it (409: just taken)."""
    found = _offer(request, offer_id)
    slot = get_object_or_404(InterviewSlot, pk=payload.slot_id)
    try:
        services.slot_pick(actor=request.user, offer=found, slot=slot)
    except DomainError as error:
        return _refused(error)
    return Status(200, _item_out(found))


@router.post("/mine/{offer_id}/decline", response={200: InvitationOut, 400: ErrorOut})
def decline(request: HttpRequest, offer_id: int):  # type: ignore[no-untyped-def]
    """Decline the interview (the slot is freed; the first waitlisted applicant is invited)."""
    found = _offer(request, offer_id)
    try:
        services.interview_decline(actor=request.user, offer=found)
    except DomainError as error:
        return _refused(error)
    return Status(200, _item_out(found))
