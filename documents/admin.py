"""Read-only admin pages: every change goes through documents.services (history and audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from documents.models import (
    Document,
    DocumentAssignment,
    DocumentStatusChange,
    PersonalLetter,
    StatusVerification,
    TranslationRequest,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class HistoryInline(admin.TabularInline):
    model = DocumentStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["status", "reason", "actor", "organisation", "at"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = [
        "id",
        "applicant",
        "type",
        "source",
        "language",
        "status",
        "cycle",
        "created_at",
    ]
    list_filter = ["status", "type", "source", "language"]
    search_fields = ["applicant__matching_id", "applicant__last_name", "sha256"]
    exclude = ["file"]
    inlines = [HistoryInline]


@admin.register(StatusVerification)
class StatusVerificationAdmin(ReadOnly):
    list_display = ["applicant", "source", "state", "valid_until", "decided_at"]
    list_filter = ["source", "state"]


@admin.register(TranslationRequest)
class TranslationRequestAdmin(ReadOnly):
    list_display = [
        "document",
        "reference",
        "from_language",
        "to_language",
        "state",
        "due_at",
        "translator",
    ]
    list_filter = ["state"]
    exclude = ["file"]  # a translated reference: read only behind reference.read_content


admin.site.register(DocumentAssignment, ReadOnly)
admin.site.register(PersonalLetter, ReadOnly)
