"""Writes of interviews: statuses (one by one, in bulk, by CSV), interview slots, the release of
invitations, and the applicant's pick, swap and decline.

Calendar (Toronto time, enforced here on every write):
- statuses: from the application deadline (file review opens) until the program rank order
  list deadline;
- slots and the release: from the application deadline until the end of the interview
  period; a slot lies inside the interview period and starts in the future;
- picking, swapping, declining: from the program's release until the end of the interview
  period, and never once the booked interview has started.

Services trust their callers for *who* (views and endpoints call ``core.permissions``) and
check *when* and *what*. Locks: an offer row first, then a slot row (pick) or the program's
release row (waitlist promotion), always in that order, so two requests never deadlock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationStatus
from core.audit import audit
from core.db import atomic_with_retry
from core.errors import DomainError
from cycles.deadlines import format_toronto, require_iteration, require_window
from cycles.models import Iteration, MilestoneKind
from cycles.selectors import has_passed, milestone_at
from interviews import emails
from interviews.models import (
    ChangeSource,
    InterviewBooking,
    InterviewOffer,
    InterviewRelease,
    InterviewSlot,
    InterviewStatus,
    InterviewStatusChange,
    InterviewUpload,
)

MAX_MESSAGE = 2000
MAX_SLOTS_AT_ONCE = 40
MAX_CAPACITY = 20
#: A release time this close to the past is taken as "now" (the form's clock and the server's).
RELEASE_TOLERANCE = dt.timedelta(minutes=1)
INTERVIEWS_END = MilestoneKind.INTERVIEWS_END


def _iteration(program: Any) -> Iteration:
    return require_iteration(program.cycle)


def _status_window(program: Any, now: dt.datetime) -> None:
    require_window(
        _iteration(program),
        opens=MilestoneKind.APPLICATION_DEADLINE,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Setting interview statuses"),
        now=now,
    )


def _check_status(status: str, message: str) -> None:
    if status not in InterviewStatus.values:
        raise DomainError(
            _(
                "“%(status)s” is not an interview status. Choose selected, not selected, "
                "waitlisted or not interviewing this iteration. Nothing was changed."
            )
            % {"status": status},
            code="status",
        )
    if len(message) > MAX_MESSAGE:
        raise DomainError(
            _("The message is longer than %(max)s characters. Shorten it; nothing was changed.")
            % {"max": MAX_MESSAGE},
            code="message",
        )


def _check_applications(applications: list[Application]) -> Any:
    if not applications:
        raise DomainError(
            _("No application was chosen. Tick at least one; nothing was changed."),
            code="empty",
        )
    program_ids = {a.program_id for a in applications}
    if len(program_ids) != 1:
        raise DomainError(
            _("The applications chosen belong to several programs. Nothing was changed."),
            code="programs",
        )
    not_submitted = [a for a in applications if a.status != ApplicationStatus.SUBMITTED]
    if not_submitted:
        raise DomainError(
            _(
                "Only a submitted application gets an interview status; %(who)s has none. "
                "Nothing was changed."
            )
            % {"who": not_submitted[0].applicant},
            code="not_submitted",
        )
    return applications[0].program


# --- Statuses ----------------------------------------------------------------------------------


def interview_status_set(
    *,
    actor: Any,
    application: Application,
    status: str,
    message: str = "",
    waitlist_position: int | None = None,
    source: str = ChangeSource.ONE,
    now: dt.datetime | None = None,
) -> InterviewOffer:
    """Set one application's interview status and message (and, when waitlisted, its place
    on the quota's waitlist: 1 = first; left empty, the end of the waitlist)."""
    interview_statuses_set(
        actor=actor,
        applications=[application],
        status=status,
        message=message,
        waitlist_position=waitlist_position,
        source=source,
        now=now,
    )
    return InterviewOffer.objects.get(application_id=application.pk)


@atomic_with_retry
def interview_statuses_set(
    *,
    actor: Any,
    applications: Iterable[Application],
    status: str,
    message: str = "",
    waitlist_position: int | None = None,
    source: str = ChangeSource.BULK,
    now: dt.datetime | None = None,
) -> list[InterviewStatusChange]:
    """Give every application of a selection the same status and message (the message
    replaces each one's current message; empty means none). All or nothing. Applications whose
    status and message are already these are left alone: no history row, no e-mail. Returns
    the changes made."""
    now = now or timezone.now()
    unique = list({a.pk: a for a in applications}.values())
    program = _check_applications(unique)
    message = (message or "").strip()
    _check_status(status, message)
    if waitlist_position is not None and waitlist_position < 1:
        raise DomainError(
            _("A place on the waitlist is a whole number from 1. Nothing was changed."),
            code="position",
        )
    _status_window(program, now)
    return _apply(
        actor=actor,
        program=program,
        items=[(a, status, message, waitlist_position) for a in unique],
        source=source,
        now=now,
    )


def _lock_offers(applications: list[Application]) -> dict[int, InterviewOffer]:
    """The offers of ``applications``, created when missing, locked for this transaction."""
    # A placeholder row ("" = no status yet) for applications without one; a concurrent
    # request creating the same offer makes ours a no-op (the unique index decides).
    InterviewOffer.objects.bulk_create(
        [InterviewOffer(application_id=a.pk, status="") for a in applications],
        ignore_conflicts=True,
    )
    return {
        o.application_id: o
        for o in InterviewOffer.objects.select_for_update(of=("self",))
        .filter(application_id__in=[a.pk for a in applications])
        .order_by("pk")  # one lock order for every request: no deadlock between two bulks
        .select_related("application__applicant__user", "application__program", "booking__slot")
    }


def _apply(
    *,
    actor: Any,
    program: Any,
    items: list[tuple[Application, str, str, int | None]],
    source: str,
    now: dt.datetime,
) -> list[InterviewStatusChange]:
    offers = _lock_offers([a for a, *_rest in items])
    iteration = _iteration(program)
    release = InterviewRelease.objects.filter(program_id=program.pk).first()
    released = release is not None and release.is_released(now)
    next_place: dict[int, int] = {}
    touched_quotas: set[int] = set()
    changes: list[InterviewStatusChange] = []

    def end_of_waitlist(quota_id: int) -> int:
        if quota_id not in next_place:
            top = InterviewOffer.objects.filter(
                application__quota_id=quota_id, status=InterviewStatus.WAITLISTED
            ).aggregate(top=Max("waitlist_position"))["top"]
            next_place[quota_id] = (top or 0) + 1
        place = next_place[quota_id]
        next_place[quota_id] += 1
        return place

    for application, status, message, position in items:
        offer = offers[application.pk]
        before, before_message = offer.status, offer.message
        reinvite = status == InterviewStatus.SELECTED and offer.declined_at is not None
        moved = (
            status == InterviewStatus.WAITLISTED
            and position is not None
            and position != offer.waitlist_position
        )
        if before == status and before_message == message and not reinvite and not moved:
            continue
        quota_id = application.quota_id
        if status == InterviewStatus.WAITLISTED:
            touched_quotas.add(quota_id)
            if position is not None:
                InterviewOffer.objects.filter(
                    application__quota_id=quota_id,
                    status=InterviewStatus.WAITLISTED,
                    waitlist_position__gte=position,
                ).exclude(pk=offer.pk).update(waitlist_position=F("waitlist_position") + 1)
                next_place.pop(quota_id, None)
                offer.waitlist_position = position
            elif before != InterviewStatus.WAITLISTED:
                offer.waitlist_position = end_of_waitlist(quota_id)
        else:
            if before == InterviewStatus.WAITLISTED:
                touched_quotas.add(quota_id)
            offer.waitlist_position = None
        booking = getattr(offer, "booking", None)
        if (
            booking is not None
            and status != InterviewStatus.SELECTED
            and booking.slot.starts_at > now
        ):
            booking.delete()  # an interview still to come is cancelled; a past one stays on record
        if reinvite:
            offer.declined_at = None
        offer.status, offer.message, offer.decided_by = status, message, actor
        offer.save(
            update_fields=[
                "status",
                "message",
                "decided_by",
                "waitlist_position",
                "declined_at",
                "updated_at",
            ]
        )
        change = InterviewStatusChange.objects.create(
            offer=offer,
            from_status=before,
            to_status=status,
            message=message,
            source=source,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            at=now,
        )
        changes.append(change)
        audit(
            actor=actor,
            action="interviews.status.changed",
            target=offer,
            data={
                "application": application.pk,
                "from": before,
                "to": status,
                "source": source,
                "message_changed": before_message != message,
            },
        )
        if status != InterviewStatus.SELECTED:
            emails.queue_status_email(offer, change_id=change.pk)
        elif released:
            emails.queue_invitation_email(
                offer, change_id=change.pk, period_over=has_passed(iteration, INTERVIEWS_END, now)
            )
        # A "selected" set before the release is e-mailed by the release itself.
    for quota_id in touched_quotas:
        _renumber_waitlist(quota_id)
    return changes


def _renumber_waitlist(quota_id: int) -> None:
    """Places 1, 2, 3... in the current order (ties: earliest application first)."""
    waiting = list(
        InterviewOffer.objects.filter(
            application__quota_id=quota_id, status=InterviewStatus.WAITLISTED
        ).order_by(F("waitlist_position").asc(nulls_last=True), "application_id")
    )
    changed = []
    for place, offer in enumerate(waiting, start=1):
        if offer.waitlist_position != place:
            offer.waitlist_position = place
            changed.append(offer)
    InterviewOffer.objects.bulk_update(changed, ["waitlist_position"])


# --- CSV upload --------------------------------------------------------------------------------


@atomic_with_retry
def interview_csv_import(
    *,
    actor: Any,
    program: Any,
    content: bytes,
    filename: str = "",
    may_decide: Callable[[Application], bool] | None = None,
    now: dt.datetime | None = None,
) -> InterviewUpload:
    """Check every row of an uploaded CSV of statuses; apply them all only if every row is
    valid (all or nothing). A file that cannot be read raises ``DomainError`` (nothing is
    stored); a file with refused rows is stored as a report (``applied`` false) listing each
    refused row, and changes nothing. ``may_decide(application)`` refuses rows outside the
    uploader's access (a reviewer's streams)."""
    from interviews.csv_upload import check_rows, parse_csv

    now = now or timezone.now()
    _status_window(program, now)
    rows = parse_csv(content, filename)
    valid, errors = check_rows(program, rows, may_decide=may_decide)
    upload = InterviewUpload(
        program=program,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        filename=filename[:200],
        rows=len(rows),
    )
    if errors:
        upload.errors = errors
        upload.save()
        audit(
            actor=actor,
            action="interviews.csv.refused",
            target=upload,
            data={"rows": len(rows), "errors": len(errors)},
        )
        return upload
    changes = _apply(
        actor=actor,
        program=program,
        items=[(r.application, r.status, r.message, r.position) for r in valid],
        source=ChangeSource.CSV,
        now=now,
    )
    upload.applied, upload.changed = True, len(changes)
    upload.save()
    audit(
        actor=actor,
        action="interviews.csv.applied",
        target=upload,
        data={"rows": len(rows), "changed": len(changes)},
    )
    return upload


# --- Slots -------------------------------------------------------------------------------------


def _slot_window(program: Any, now: dt.datetime, what: str) -> Iteration:
    iteration = _iteration(program)
    require_window(
        iteration,
        opens=MilestoneKind.APPLICATION_DEADLINE,
        closes=MilestoneKind.INTERVIEWS_END,
        what=what,
        now=now,
    )
    return iteration


@transaction.atomic
def slots_publish(
    *,
    actor: Any,
    program: Any,
    starts_at: dt.datetime,
    duration_minutes: int,
    capacity: int = 1,
    count: int = 1,
    video_link: str = "",
    instructions_en: str = "",
    instructions_fr: str = "",
    now: dt.datetime | None = None,
) -> list[InterviewSlot]:
    """Publish ``count`` back-to-back slots of ``duration_minutes`` from ``starts_at``
    (each with ``capacity`` seats), all inside the interview period."""
    now = now or timezone.now()
    iteration = _slot_window(program, now, _("Publishing interview slots"))
    if not 5 <= duration_minutes <= 480:
        raise DomainError(
            _("A slot lasts from 5 to 480 minutes. Nothing was published."), code="duration"
        )
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(
            _("A slot has from 1 to %(max)s seats. Nothing was published.") % {"max": MAX_CAPACITY},
            code="capacity",
        )
    if not 1 <= count <= MAX_SLOTS_AT_ONCE:
        raise DomainError(
            _("Publish from 1 to %(max)s slots at once. Nothing was published.")
            % {"max": MAX_SLOTS_AT_ONCE},
            code="count",
        )
    if starts_at <= now:
        raise DomainError(
            _("A slot must start in the future. Choose a later time; nothing was published."),
            code="past",
        )
    period_start = milestone_at(iteration, MilestoneKind.INTERVIEWS_START)
    period_end = milestone_at(iteration, MilestoneKind.INTERVIEWS_END)
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes * count)
    if period_start is None or period_end is None:
        raise DomainError(
            _("The calendar has no interview period yet. Nothing was published."),
            code="no_period",
        )
    if starts_at < period_start or ends_at > period_end:
        raise DomainError(
            _(
                "Interviews take place within the interview period, from %(start)s to %(end)s "
                "(Toronto time). Choose times inside it; nothing was published."
            )
            % {"start": format_toronto(period_start), "end": format_toronto(period_end)},
            code="outside_period",
        )
    slots = InterviewSlot.objects.bulk_create(
        [
            InterviewSlot(
                program=program,
                starts_at=starts_at + dt.timedelta(minutes=duration_minutes * i),
                duration_minutes=duration_minutes,
                capacity=capacity,
                video_link=video_link.strip(),
                instructions_en=instructions_en.strip(),
                instructions_fr=instructions_fr.strip(),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                created_at=now,
            )
            for i in range(count)
        ]
    )
    audit(
        actor=actor,
        action="interviews.slots.published",
        target=program,
        data={
            "count": count,
            "starts_at": starts_at.isoformat(),
            "duration": duration_minutes,
            "capacity": capacity,
        },
    )
    return slots


@transaction.atomic
def slot_delete(*, actor: Any, slot: InterviewSlot, now: dt.datetime | None = None) -> None:
    """Withdraw a slot nobody booked."""
    now = now or timezone.now()
    locked = InterviewSlot.objects.select_for_update().select_related("program").get(pk=slot.pk)
    _slot_window(locked.program, now, _("Withdrawing interview slots"))
    if locked.bookings.exists():
        raise DomainError(
            _(
                "This slot is booked: it cannot be withdrawn while an applicant holds it. Ask "
                "them to choose another time first; nothing was changed."
            ),
            code="booked",
        )
    audit(
        actor=actor,
        action="interviews.slot.withdrawn",
        target=locked.program,
        data={"slot": locked.pk, "starts_at": locked.starts_at.isoformat()},
    )
    locked.delete()


# --- The release -------------------------------------------------------------------------------


@transaction.atomic
def release_schedule(
    *, actor: Any, program: Any, release_at: dt.datetime, now: dt.datetime | None = None
) -> InterviewRelease:
    """Set the moment every selected applicant sees their invitation and may pick a slot (a
    time in the future, or now). It can be moved until it has passed, never afterwards.

    Before the end of the interview period a release needs at least one slot starting after
    it (slots published later are first come, first served: publish them all before). After
    the interview period (until the program rank order list deadline) a release only reveals
    the "selected" statuses of a program that scheduled its interviews elsewhere."""
    now = now or timezone.now()
    iteration = _iteration(program)
    require_window(
        iteration,
        opens=MilestoneKind.APPLICATION_DEADLINE,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Releasing interview invitations"),
        now=now,
    )
    release = InterviewRelease.objects.select_for_update().filter(program=program).first()
    if release is not None and release.is_released(now):
        raise DomainError(
            _(
                "The invitations were released on %(when)s (Toronto time); a release cannot be "
                "moved or undone."
            )
            % {"when": format_toronto(release.release_at)},
            code="released",
        )
    if release_at < now - RELEASE_TOLERANCE:
        raise DomainError(
            _("The release time is in the past. Choose a time from now on; nothing was changed."),
            code="past",
        )
    release_at = max(release_at, now)
    closes = milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)
    if closes is not None and release_at >= closes:
        raise DomainError(
            _(
                "The release must come before the program rank order list deadline (%(end)s, "
                "Toronto time). Nothing was changed."
            )
            % {"end": format_toronto(closes)},
            code="too_late",
        )
    period_end = milestone_at(iteration, MilestoneKind.INTERVIEWS_END)
    before_end = period_end is None or release_at < period_end
    if (
        before_end
        and not InterviewSlot.objects.filter(program=program, starts_at__gt=release_at).exists()
    ):
        raise DomainError(
            _(
                "Publish at least one interview slot starting after the release first, so that "
                "invited applicants can choose a time. Nothing was changed."
            ),
            code="no_slots",
        )
    scheduler = actor if getattr(actor, "is_authenticated", False) else None
    if release is None:
        release = InterviewRelease.objects.create(
            program=program, release_at=release_at, scheduled_by=scheduler, scheduled_at=now
        )
    else:
        release.release_at, release.scheduled_by, release.scheduled_at = release_at, scheduler, now
        release.save(update_fields=["release_at", "scheduled_by", "scheduled_at"])
    audit(
        actor=actor,
        action="interviews.release.scheduled",
        target=release,
        data={"release_at": release_at.isoformat(), "program": program.code},
    )
    if release.is_released(now):
        _queue_invitations(release, now)
    return release


@transaction.atomic
def release_cancel(*, actor: Any, program: Any, now: dt.datetime | None = None) -> None:
    """Take back a release that has not happened yet (nobody saw anything)."""
    now = now or timezone.now()
    release = InterviewRelease.objects.select_for_update().filter(program=program).first()
    if release is None:
        raise DomainError(_("No release is scheduled."), code="none")
    if release.is_released(now):
        raise DomainError(
            _("The invitations were already released; a release cannot be undone."),
            code="released",
        )
    audit(
        actor=actor,
        action="interviews.release.cancelled",
        target=program,
        data={"release_at": release.release_at.isoformat()},
    )
    release.delete()


def _queue_invitations(release: InterviewRelease, now: dt.datetime) -> int:
    """Queue the invitation e-mail of every selected applicant (called once per release, with
    the release row locked)."""
    offers = list(
        InterviewOffer.objects.filter(
            application__program_id=release.program_id,
            application__status=ApplicationStatus.SUBMITTED,
            status=InterviewStatus.SELECTED,
            declined_at__isnull=True,
        ).select_related("application__applicant__user", "application__program")
    )
    last_change = dict(
        InterviewStatusChange.objects.filter(offer__in=[o.pk for o in offers])
        .values("offer")
        .annotate(last=Max("pk"))
        .values_list("offer", "last")
    )
    from programs.models import Program

    program = Program.objects.select_related("cycle").get(pk=release.program_id)
    period_over = has_passed(_iteration(program), INTERVIEWS_END, now)
    for offer in offers:
        emails.queue_invitation_email(
            offer, change_id=last_change.get(offer.pk), period_over=period_over
        )
    release.invitations_queued_at = now
    release.save(update_fields=["invitations_queued_at"])
    audit(
        actor=None,
        action="interviews.release.invitations_queued",
        target=release,
        data={"count": len(offers)},
    )
    return len(offers)


def invitations_queue_due(*, now: dt.datetime | None = None) -> int:
    """Queue the e-mails of every release whose time has come (run every minute). Returns
    how many e-mails were queued. A rerun queues nothing new (``invitations_queued_at``)."""
    now = now or timezone.now()
    queued = 0
    due = list(
        InterviewRelease.objects.filter(
            release_at__lte=now, invitations_queued_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            release = (
                InterviewRelease.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, invitations_queued_at__isnull=True)
                .first()
            )
            if release is not None:
                queued += _queue_invitations(release, now)
    return queued


# --- The applicant: pick, swap, decline --------------------------------------------------------


def _lock_offer(offer: InterviewOffer) -> InterviewOffer:
    return (
        InterviewOffer.objects.select_for_update(of=("self",))
        .select_related("application__program__cycle", "application__applicant__user")
        .get(pk=offer.pk)
    )


def _require_invitation(offer: InterviewOffer, now: dt.datetime, what: str) -> InterviewRelease:
    program = offer.application.program
    release = InterviewRelease.objects.filter(program_id=program.pk).first()
    # The same answer whether the program did not select the applicant or has not released its
    # invitations yet: nothing here tells an applicant they were selected before the release.
    if (
        offer.status != InterviewStatus.SELECTED
        or offer.application.status != ApplicationStatus.SUBMITTED
        or release is None
        or not release.is_released(now)
    ):
        raise DomainError(
            _(
                "There is no interview invitation to answer here: the program has not invited "
                "you, or has not released its invitations yet. Nothing was changed."
            ),
            code="no_invitation",
        )
    if offer.declined_at is not None:
        raise DomainError(
            _(
                "You declined this interview on %(when)s. If you want to be invited again, "
                "write to the program; nothing was changed."
            )
            % {"when": format_toronto(offer.declined_at)},
            code="declined",
        )
    require_window(
        _iteration(program), opens=None, closes=MilestoneKind.INTERVIEWS_END, what=what, now=now
    )
    return release


@atomic_with_retry
def slot_pick(
    *, actor: Any, offer: InterviewOffer, slot: InterviewSlot, now: dt.datetime | None = None
) -> InterviewBooking:
    """Book ``slot`` for an invitation, or move the booking there (a swap). The slot row is
    locked (``select_for_update``) while its free seats are counted, and the unique
    (slot, seat) index refuses a second booking of a seat even without the lock: of two
    applicants picking the last seat at once exactly one gets it."""
    now = now or timezone.now()
    offer = _lock_offer(offer)
    program = offer.application.program
    _require_invitation(offer, now, _("Choosing an interview time"))
    locked = InterviewSlot.objects.select_for_update().filter(pk=slot.pk).first()
    if locked is None or locked.program_id != program.pk:
        raise DomainError(
            _("This interview time is not one of this program's. Choose one from the list."),
            code="other_program",
        )
    if locked.starts_at <= now:
        raise DomainError(
            _("This interview time has already started. Choose a later one; nothing was changed."),
            code="started",
        )
    current = InterviewBooking.objects.select_related("slot").filter(offer=offer).first()
    if current is not None and current.slot_id == locked.pk:
        return current
    if current is not None and current.slot.starts_at <= now:
        raise DomainError(
            _(
                "Your interview started on %(when)s (Toronto time); it can no longer be moved. "
                "Nothing was changed."
            )
            % {"when": format_toronto(current.slot.starts_at)},
            code="interview_started",
        )
    other = (
        InterviewBooking.objects.select_related("slot")
        .filter(program=program, applicant_id=offer.application.applicant_id)
        .exclude(offer=offer)
        .first()
    )
    if other is not None:
        raise DomainError(
            _(
                "You already hold an interview with this program on %(when)s (through your "
                "other application to it): one interview per program. Change that one instead."
            )
            % {"when": format_toronto(other.slot.starts_at)},
            code="one_per_program",
        )
    taken = set(InterviewBooking.objects.filter(slot=locked).values_list("seat", flat=True))
    free = [seat for seat in range(1, locked.capacity + 1) if seat not in taken]
    full = DomainError(
        _(
            "This interview time was just taken by another applicant. Choose another one; "
            "nothing was changed."
        ),
        code="slot_full",
    )
    if not free:
        raise full
    previous = current.slot if current is not None else None
    try:
        with transaction.atomic():
            if current is None:
                booking = InterviewBooking.objects.create(
                    slot=locked,
                    seat=free[0],
                    offer=offer,
                    program=program,
                    applicant_id=offer.application.applicant_id,
                    booked_at=now,
                )
            else:
                booking = current
                booking.slot, booking.seat, booking.booked_at = locked, free[0], now
                booking.sequence += 1
                booking.save(update_fields=["slot", "seat", "booked_at", "sequence"])
    except IntegrityError as exc:  # the seat went to a concurrent pick (no lock on SQLite)
        raise full from exc
    booking.offer = offer
    audit(
        actor=actor,
        action="interviews.slot.swapped" if previous is not None else "interviews.slot.picked",
        target=booking,
        data={
            "offer": offer.pk,
            "slot": locked.pk,
            "from_slot": previous.pk if previous is not None else None,
        },
    )
    emails.queue_booking_email(booking)
    return booking


@atomic_with_retry
def interview_decline(
    *, actor: Any, offer: InterviewOffer, now: dt.datetime | None = None
) -> InterviewOffer | None:
    """The applicant declines the interview: their slot (if any) is freed and the quota's
    first waitlisted applicant is invited in their place. Returns the promoted offer."""
    now = now or timezone.now()
    offer = _lock_offer(offer)
    release = _require_invitation(offer, now, _("Declining an interview"))
    booking = InterviewBooking.objects.select_related("slot").filter(offer=offer).first()
    if booking is not None and booking.slot.starts_at <= now:
        raise DomainError(
            _(
                "Your interview started on %(when)s (Toronto time); it can no longer be "
                "declined. Nothing was changed."
            )
            % {"when": format_toronto(booking.slot.starts_at)},
            code="interview_started",
        )
    if booking is not None:
        booking.delete()
    offer.declined_at = now
    offer.save(update_fields=["declined_at", "updated_at"])
    InterviewStatusChange.objects.create(
        offer=offer,
        from_status=offer.status,
        to_status=offer.status,
        message=offer.message,
        source=ChangeSource.APPLICANT,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
    )
    audit(
        actor=actor,
        action="interviews.invitation.declined",
        target=offer,
        data={
            "application": offer.application_id,
            "freed_slot": booking.slot_id if booking else None,
        },
    )
    return _promote_next(release=release, quota_id=offer.application.quota_id, now=now, after=offer)


def _promote_next(
    *, release: InterviewRelease, quota_id: int, now: dt.datetime, after: InterviewOffer
) -> InterviewOffer | None:
    """Invite the quota's first waitlisted applicant (the program's release row is the
    mutex: two declines at once promote two different applicants)."""
    InterviewRelease.objects.select_for_update().filter(pk=release.pk).first()
    waiting = InterviewOffer.objects.filter(
        application__quota_id=quota_id,
        application__status=ApplicationStatus.SUBMITTED,
        status=InterviewStatus.WAITLISTED,
    )
    promoted = None
    for _attempt in range(3):  # a row changed by the program meanwhile is skipped by the lock
        promoted = (
            waiting.select_for_update(of=("self",))
            .select_related("application__applicant__user", "application__program")
            .order_by(F("waitlist_position").asc(nulls_last=True), "application_id")
            .first()
        )
        if promoted is not None or not waiting.exists():
            break
    if promoted is None:
        return None
    before_message = promoted.message
    promoted.status = InterviewStatus.SELECTED
    promoted.waitlist_position = None
    promoted.message = ""
    promoted.save(update_fields=["status", "waitlist_position", "message", "updated_at"])
    change = InterviewStatusChange.objects.create(
        offer=promoted,
        from_status=InterviewStatus.WAITLISTED,
        to_status=InterviewStatus.SELECTED,
        message="",
        source=ChangeSource.WAITLIST,
        actor=None,
        at=now,
    )
    audit(
        actor=None,
        action="interviews.waitlist.promoted",
        target=promoted,
        data={
            "application": promoted.application_id,
            "in_place_of": after.application_id,
            "message_cleared": bool(before_message),
        },
    )
    _renumber_waitlist(quota_id)
    emails.queue_invitation_email(promoted, change_id=change.pk, period_over=False)
    return promoted
