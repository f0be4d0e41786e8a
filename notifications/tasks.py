"""Background jobs of the outbox (huey): deliver one e-mail, sweep what is due, remind of
deadlines. The jobs carry only a row id; the ``Notification`` row is the source of truth."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def deliver(notification_id: int) -> str:
    """Send one queued e-mail (nothing happens if another worker has it or it was sent)."""
    from notifications.services import deliver_notification

    return deliver_notification(notification_id=notification_id)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Every minute: re-queue retries that are due, rows the queue lost, rows stuck sending."""
    from notifications.services import requeue_due

    return requeue_due()


@db_periodic_task(crontab(hour="13", minute="5"))
def deadline_reminders_task() -> int:
    """Daily (13:05 UTC, morning in Toronto): remind applicants of deadlines 7 and 1 days ahead."""
    from notifications.reminders import deadline_reminders_send

    return deadline_reminders_send()
