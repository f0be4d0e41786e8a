"""The outbox: one e-mail per event, sent once, retried on failure, recovered after a crash."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from core.models import AuditEntry
from notifications.models import Notification, NotificationState
from notifications.services import (
    SENT_BODY_PLACEHOLDER,
    deliver_notification,
    notify,
    requeue_due,
)
from notifications.tasks import sweep_outbox

pytestmark = pytest.mark.django_db


def _notify(user, key="test:1", kind="deadline.application", **extra):  # type: ignore[no-untyped-def]
    return notify(
        kind=kind,
        to_user=user,
        dedupe_key=key,
        context={"applicant": {"first_name": "Ada"}, "deadline": "March 1", "days": 7, "url": "u"},
        **extra,
    )


def test_the_same_event_twice_makes_one_row_and_one_email(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(user)
        second = _notify(user)
    assert second.pk == first.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    first.refresh_from_db()
    assert first.state == NotificationState.SENT and first.attempts == 1 and first.sent_at


def test_a_later_call_with_a_sent_key_sends_nothing(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    assert len(mail.outbox) == 1


def test_a_rolled_back_write_emails_nobody(user, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(user)
        raise RuntimeError("the write failed after queuing")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_french_user_gets_the_email_in_french(
    french_user, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(french_user, key="fr")
        _notify(user, key="en")
    french = next(m for m in mail.outbox if m.to == [french_user.email])
    english = next(m for m in mail.outbox if m.to == [user.email])
    assert "date limite" in french.subject.lower()
    assert "Bonjour Ada" in french.body
    assert "application deadline" in english.subject
    assert Notification.objects.get(dedupe_key="fr").language == "fr"


def test_an_address_without_account_uses_the_language_given(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="deadline.application",
            to_email="referee@example.org",
            language="fr",
            dedupe_key="referee",
            context={"applicant": {"first_name": "Ada"}, "deadline": "1 mars", "days": 1},
        )
    assert mail.outbox[0].to == ["referee@example.org"]
    assert "demain" in mail.outbox[0].subject


def test_a_transient_smtp_failure_is_retried_and_sent_once(
    user, flaky, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            row = _notify(user)
        row.refresh_from_db()
        assert row.state == NotificationState.PENDING
        assert row.attempts == 1
        assert "SMTPServerDisconnected" in row.last_error
        assert row.next_attempt_at == start + dt.timedelta(minutes=1)
        assert mail.outbox == []
        # Not due yet: the sweeper leaves it alone.
        assert sweep_outbox.call_local() == 0
    with time_machine.travel(start + dt.timedelta(minutes=1, seconds=5), tick=False):
        assert sweep_outbox.call_local() == 1
    row.refresh_from_db()
    assert row.state == NotificationState.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(mail.outbox) == 1


def test_retries_back_off_then_the_row_fails_for_good(
    user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "notifications.tests.backends.BrokenBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        row = _notify(user)
    waits = []
    moment = start
    for _ in range(5):
        row.refresh_from_db()
        if row.state != NotificationState.PENDING:
            break
        waits.append(row.next_attempt_at - moment)
        moment = row.next_attempt_at
        with time_machine.travel(moment, tick=False):
            requeue_due()
    row.refresh_from_db()
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2)]
    assert row.state == NotificationState.FAILED
    assert row.attempts == 3
    assert row.next_attempt_at is None
    assert "SMTPRecipientsRefused" in row.last_error
    assert AuditEntry.objects.filter(action="notifications.failed", object_id=str(row.pk)).exists()
    # Failed for good: the sweeper never tries it again by itself.
    with time_machine.travel(start + dt.timedelta(days=1)):
        assert requeue_due() == 0
    assert mail.outbox == []


def test_a_row_stuck_in_sending_is_picked_up_again(user):
    row = _notify(user)  # never committed in this test: the queue never saw it
    claimed = timezone.now() - dt.timedelta(minutes=11)
    Notification.objects.filter(pk=row.pk).update(
        state=NotificationState.SENDING, claimed_at=claimed, attempts=1
    )
    fresh = _notify(user, key="test:2")
    Notification.objects.filter(pk=fresh.pk).update(
        state=NotificationState.SENDING, claimed_at=timezone.now() - dt.timedelta(minutes=3)
    )
    assert sweep_outbox.call_local() == 1
    row.refresh_from_db()
    fresh.refresh_from_db()
    assert row.state == NotificationState.SENT and row.attempts == 2
    assert fresh.state == NotificationState.SENDING  # its worker may still be talking to SMTP
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_row_the_queue_lost_is_sent_by_the_sweeper(user):
    row = _notify(user)  # on_commit never ran: as if the queue lost the job
    assert sweep_outbox.call_local() == 0  # the job queued at commit still has its minute
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        assert sweep_outbox.call_local() == 1
    row.refresh_from_db()
    assert row.state == NotificationState.SENT
    assert len(mail.outbox) == 1


def test_two_workers_delivering_one_row_send_it_once(user):
    row = _notify(user)
    assert deliver_notification(notification_id=row.pk) == NotificationState.SENT
    assert deliver_notification(notification_id=row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_another_worker_is_not_sent_again(user):
    row = _notify(user)
    # Another worker won the conditional UPDATE and is talking to the mail server.
    Notification.objects.filter(pk=row.pk).update(
        state=NotificationState.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert deliver_notification(notification_id=row.pk) == "skipped"
    assert mail.outbox == []


def test_the_referees_link_is_removed_from_the_stored_body_once_sent(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = notify(
            kind="reference.request",
            to_email="referee@example.org",
            language="en",
            dedupe_key="reference.request:REF-1:abc",
            subject_template="notifications/email/deadline.application_subject.txt",
            body_template="notifications/email/deadline.application.txt",
            context={"applicant": {"first_name": "A"}, "url": "https://x/r/SECRET/"},
        )
    assert "SECRET" in mail.outbox[0].body
    row.refresh_from_db()
    assert "SECRET" not in row.body
    assert row.body == SENT_BODY_PLACEHOLDER


def test_each_email_has_a_stable_message_id(user):
    row = _notify(user)
    deliver_notification(notification_id=row.pk)
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<notification-{row.pk}.")


def test_no_address_is_a_clear_error(db):
    from core.errors import DomainError

    with pytest.raises(DomainError) as error:
        notify(kind="x", dedupe_key="x", context={})
    assert "no recipient address" in str(error.value.message)
