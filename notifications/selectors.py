"""Reads of the outbox for the match administrator's page."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from notifications.models import Notification, NotificationState

PAGE_SIZE = 200


def outbox(*, state: str = "", kind: str = "") -> QuerySet[Notification]:
    """The latest rows, newest first, optionally of one state and/or kind (one query)."""
    rows = Notification.objects.select_related("recipient")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-pk")


def counts_by_state() -> dict[str, int]:
    """State -> number of rows, every state present (zero when none)."""
    found = dict(
        Notification.objects.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: found.get(state, 0) for state in NotificationState.values}


def kinds() -> list[str]:
    return list(Notification.objects.order_by("kind").values_list("kind", flat=True).distinct())
