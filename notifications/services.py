"""Writes of the outbox: queue an e-mail (once per event), deliver it (once), retry it.

- ``notify`` renders the e-mail in the recipient's language and stores it inside the caller's
  transaction; the delivery job is queued only when that transaction commits, so a rolled-back
  write never e-mails anyone.
- ``deliver_notification`` claims the row with a conditional UPDATE (one worker wins on SQLite
  and PostgreSQL alike), hands the message to the mail server, and marks it sent at once.
- ``requeue_due`` (every minute) puts back on the queue what is due: retries whose time has
  come, rows never picked up (the queue lost them), rows stuck in "sending" (a worker died).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import DomainError
from notifications.models import Notification, NotificationState

# A row claimed longer ago than this is considered abandoned by its worker (killed mid-send).
# EMAIL_TIMEOUT (settings) keeps a live SMTP conversation far shorter than this.
STALE_AFTER = dt.timedelta(minutes=10)
# A new row is sent by the job queued at commit; the sweeper only steps in after this grace.
PICKUP_GRACE = dt.timedelta(minutes=1)
FIRST_RETRY = dt.timedelta(minutes=1)
SWEEP_BATCH = 500
SENT_BODY_PLACEHOLDER = "[removed after sending: it contained a private link]"


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, 8, 16... minutes (capped at 6 hours)."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def _render(template: str, context: dict[str, Any], *, one_line: bool) -> str:
    text = render_to_string(template, context)
    return " ".join(text.split()) if one_line else text


def _enqueue(notification_id: int) -> None:
    from notifications.tasks import deliver

    deliver(notification_id)


def absolute_url(viewname: str, *, language: str, args: tuple[Any, ...] = ()) -> str:
    """The full address of a page, under /en/ or /fr/ as ``language`` says, for an e-mail."""
    from django.contrib.sites.models import Site
    from django.urls import reverse

    with translation.override(language):
        return f"https://{Site.objects.get_current().domain}{reverse(viewname, args=args)}"


def recipient_language(user: Any) -> str:
    """The language an account's e-mails are written in: its own, else the site's default."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def notify(
    *,
    kind: str,
    dedupe_key: str,
    to_user: Any = None,
    to_email: str | None = None,
    language: str | None = None,
    subject_template: str | None = None,
    body_template: str | None = None,
    context: dict[str, Any] | None = None,
) -> Notification:
    """Queue one e-mail for an event. Call it inside the write's transaction.

    The recipient is ``to_user`` (their address and preferred language) and/or ``to_email``
    (someone without an account, e.g. a referee, with the ``language`` chosen for them). Subject
    and body are rendered now, in that language, from ``subject_template``/``body_template``
    (default ``notifications/email/<kind>_subject.txt`` and ``<kind>.txt``). The same
    ``dedupe_key`` never makes a second row: the first one is returned and nothing more is sent.
    """
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    address = (to_email or (to_user.email if to_user is not None else "") or "").strip()
    if not address:
        raise DomainError(
            _("This e-mail has no recipient address: add an e-mail address and try again."),
            code="no_address",
        )
    language = language or recipient_language(to_user)
    context = dict(context or {})
    with translation.override(language):
        subject = _render(
            subject_template or f"notifications/email/{kind}_subject.txt", context, one_line=True
        )
        body = _render(body_template or f"notifications/email/{kind}.txt", context, one_line=False)
    now = timezone.now()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=to_user,
                to_email=address,
                language=language,
                kind=kind,
                subject=subject[:300],
                body=body,
                dedupe_key=dedupe_key,
                next_attempt_at=now + PICKUP_GRACE,
            )
    except IntegrityError:
        # Another transaction queued the same event a moment ago: that row is the one.
        return Notification.objects.get(dedupe_key=dedupe_key)
    audit(
        actor=None,
        action="notifications.queued",
        target=notification,
        data={"kind": kind, "key": dedupe_key},
    )
    pk = notification.pk
    transaction.on_commit(lambda: _enqueue(pk), robust=True)
    return notification


def _claim(notification_id: int, now: dt.datetime) -> bool:
    """Take the row for this worker: a conditional UPDATE that exactly one caller wins."""
    return (
        Notification.objects.filter(pk=notification_id, state=NotificationState.PENDING).update(
            state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def _message_id(notification: Notification) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "jumelage.localhost"
    return f"<notification-{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@{domain}>"


def deliver_notification(*, notification_id: int) -> str:
    """Send one queued e-mail if no other worker has it. Returns the row's state afterwards
    (``sent``, ``pending`` for a retry, ``failed``) or ``skipped`` when it was not ours."""
    now = timezone.now()
    if not _claim(notification_id, now):
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMessage(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.to_email],
        headers={
            # The same id on a rare resend lets mail servers and clients drop the duplicate.
            "Message-ID": _message_id(notification),
            "X-Jumelage-Notification": notification.kind,
        },
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:  # any failure of the mail server is retried
        return _record_failure(notification, error)
    # Mark sent immediately after the mail server accepted the message: nothing else happens in
    # between, which keeps the "sent but not yet marked" window to one UPDATE.
    changes: dict[str, Any] = {
        "state": NotificationState.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
    }
    if notification.is_sensitive:
        changes["body"] = SENT_BODY_PLACEHOLDER
    Notification.objects.filter(pk=notification.pk).exclude(state=NotificationState.SENT).update(
        **changes
    )
    return NotificationState.SENT


def _record_failure(notification: Notification, error: Exception) -> str:
    now = timezone.now()
    text = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= max_attempts():
        state, next_at = NotificationState.FAILED, None
    else:
        state, next_at = NotificationState.PENDING, now + backoff(notification.attempts)
    Notification.objects.filter(pk=notification.pk, state=NotificationState.SENDING).update(
        state=state, next_attempt_at=next_at, last_error=text, claimed_at=None
    )
    if state == NotificationState.FAILED:
        audit(
            actor=None,
            action="notifications.failed",
            target=notification,
            data={"kind": notification.kind, "attempts": notification.attempts, "error": text},
        )
    return state


def requeue_due(*, now: dt.datetime | None = None) -> int:
    """Put back on the queue every row that should be sent now. Returns how many."""
    now = now or timezone.now()
    stale = Q(state=NotificationState.SENDING, claimed_at__lt=now - STALE_AFTER)
    # A worker died mid-send: give the row back (or give up when it has had all its attempts).
    Notification.objects.filter(stale, attempts__gte=max_attempts()).update(
        state=NotificationState.FAILED,
        claimed_at=None,
        last_error=_("The worker stopped while sending; no attempts left."),
    )
    Notification.objects.filter(stale).update(
        state=NotificationState.PENDING, claimed_at=None, next_attempt_at=now
    )
    due = list(
        Notification.objects.filter(state=NotificationState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in due:
        _enqueue(pk)
    return len(due)


@transaction.atomic
def notification_retry(*, actor: Any, notification: Notification) -> Notification:
    """The match administrator sends a failed e-mail again, with a fresh set of attempts."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.state != NotificationState.FAILED:
        raise DomainError(
            _("Only an e-mail that failed can be sent again; this one is “%(state)s”.")
            % {"state": locked.get_state_display()},
            code="not_failed",
        )
    previous = locked.attempts
    locked.state = NotificationState.PENDING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit(
        actor=actor,
        action="notifications.retried",
        target=locked,
        data={"previous_attempts": previous},
    )
    pk = locked.pk
    transaction.on_commit(lambda: _enqueue(pk), robust=True)
    return locked
