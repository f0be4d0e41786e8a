"""Read-only admin of the outbox, for the match administrator only. Bodies of e-mails that
carry a private link (``SENSITIVE_KINDS``) are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import can
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "language", "subject", "state", "attempts"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email", "dedupe_key", "subject"]
    exclude = ["body"]
    readonly_fields = [
        "recipient",
        "to_email",
        "language",
        "kind",
        "subject",
        "masked_body",
        "dedupe_key",
        "state",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "sent_at",
        "created_at",
    ]

    @admin.display(description=gettext_lazy("body"))
    def masked_body(self, obj: Notification) -> str:
        if obj.is_sensitive:
            return _("Hidden: it contains the referee's private link.")
        return obj.body

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, "match.administer")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, "match.administer")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
