"""E-mails of interviews to applicants, queued in the outbox (``notifications.notify``) inside
the service's transaction, each in the applicant's language.

One e-mail per change: the deduplication key names the history row of the change
(``InterviewStatusChange``), so the release job and a change made at the same moment never send
the same invitation twice, and a rerun of the release job sends nothing new.
"""

from __future__ import annotations

from typing import Any

from interviews.models import InterviewBooking, InterviewOffer, InterviewStatus
from notifications.services import absolute_url, notify, recipient_language


def _applicant_user(offer: InterviewOffer) -> Any:
    return offer.application.applicant.user


def queue_status_email(offer: InterviewOffer, *, change_id: int) -> None:
    """Tell the applicant their new status (an invitation when it is "selected")."""
    if offer.status == InterviewStatus.SELECTED:
        queue_invitation_email(offer, change_id=change_id)
        return
    _queue_status(offer, key=f"interviews.status:change-{change_id}")


def _queue_status(offer: InterviewOffer, *, key: str) -> None:
    user = _applicant_user(offer)
    language = recipient_language(user)
    notify(
        kind="interviews.status",
        to_user=user,
        language=language,
        dedupe_key=key,
        subject_template="interviews/email/status_subject.txt",
        body_template="interviews/email/status.txt",
        context={
            "offer": offer,
            "program": offer.application.program,
            "url": absolute_url("applications:mine", language=language),
        },
    )


def queue_invitation_email(
    offer: InterviewOffer, *, change_id: int | None, period_over: bool = False
) -> None:
    """Invite the applicant to choose an interview time (at release, or when selected or
    promoted from the waitlist after it). Once the interview period is over there is no time
    to choose: the e-mail only tells the status."""
    key = f"change-{change_id}" if change_id is not None else f"offer-{offer.pk}"
    if period_over:
        _queue_status(offer, key=f"interviews.invitation:{key}")
        return
    user = _applicant_user(offer)
    language = recipient_language(user)
    notify(
        kind="interviews.invitation",
        to_user=user,
        language=language,
        dedupe_key=f"interviews.invitation:{key}",
        subject_template="interviews/email/invitation_subject.txt",
        body_template="interviews/email/invitation.txt",
        context={
            "offer": offer,
            "program": offer.application.program,
            "url": absolute_url("interviews:mine", language=language),
        },
    )


def queue_booking_email(booking: InterviewBooking) -> None:
    """Confirm the time the applicant picked (or moved to), with the link and instructions."""
    offer = booking.offer
    user = _applicant_user(offer)
    language = recipient_language(user)
    notify(
        kind="interviews.booking",
        to_user=user,
        language=language,
        dedupe_key=f"interviews.booking:{booking.pk}:{booking.sequence}",
        subject_template="interviews/email/booking_subject.txt",
        body_template="interviews/email/booking.txt",
        context={
            "booking": booking,
            "slot": booking.slot,
            "program": offer.application.program,
            "url": absolute_url("interviews:mine", language=language),
        },
    )
