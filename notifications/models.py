"""The outbox: one row per e-mail to send, rendered in the recipient's language when queued.

The row is the source of truth; the huey queue only carries its id (docs/notifications.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Kinds whose body carries a secret (the referee's single-use link, a reviewer's invitation):
# masked on every page and blanked once the e-mail has been handed to the mail server.
SENSITIVE_KINDS = frozenset({"reference.request", "programs.reviewer_invitation"})


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (no more attempts)")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    to_email = models.EmailField(_("address"))
    language = models.CharField(_("language"), max_length=8)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed by a worker at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notif_state_next_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.state})"

    @property
    def is_sensitive(self) -> bool:
        return self.kind in SENSITIVE_KINDS
