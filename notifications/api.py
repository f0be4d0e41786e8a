"""JSON API of the outbox, for the match administrator: counts, the latest rows, retry."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from core.errors import DomainError
from core.permissions import can
from notifications import selectors, services
from notifications.models import Notification, NotificationState

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    to_email: str
    language: str
    subject: str
    state: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None = None


class OutboxOut(Schema):
    counts: dict[str, int]
    items: list[NotificationOut]


def _require_admin(request: HttpRequest) -> None:
    if not can(request.user, "match.administer"):
        raise HttpError(403, "Only the match administrator sees the outbox.")


def _out(row: Notification) -> NotificationOut:
    # Bodies never leave through the API (some carry a referee's private link).
    return NotificationOut(
        id=row.pk,
        kind=row.kind,
        to_email=row.to_email,
        language=row.language,
        subject=row.subject,
        state=row.state,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


@router.get("/outbox", response=OutboxOut)
def outbox(request: HttpRequest, state: str = "", kind: str = "") -> OutboxOut:
    """Counts by state and the latest 200 rows (optionally of one state and/or kind)."""
    _require_admin(request)
    if state and state not in NotificationState.values:
        raise HttpError(422, f"Unknown state; use one of {', '.join(NotificationState.values)}.")
    rows = selectors.outbox(state=state, kind=kind)[: selectors.PAGE_SIZE]
    return OutboxOut(counts=selectors.counts_by_state(), items=[_out(r) for r in rows])


@router.post("/outbox/{notification_id}/retry", response=NotificationOut)
def retry(request: HttpRequest, notification_id: int) -> NotificationOut:
    """Send a failed e-mail again (409 when it has not failed)."""
    _require_admin(request)
    notification = get_object_or_404(Notification, pk=notification_id)
    try:
        row = services.notification_retry(actor=request.user, notification=notification)
    except DomainError as error:
        raise HttpError(409, str(error.message)) from error
    return _out(row)
