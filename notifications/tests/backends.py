"""Test e-mail backends: a mail server that refuses the first N messages, or all of them."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Fails ``failures`` times (class attribute, set by the test), then delivers to
    ``mail.outbox`` like the locmem backend."""

    failures = 1
    calls = 0

    def send_messages(self, messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class BrokenBackend(EmailBackend):
    """A mail server that is always down."""

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"mailbox unavailable")})
