from typing import Any

from django.contrib import admin

from references.models import ReferenceRequest, StructuredForm


@admin.register(StructuredForm)
class StructuredFormAdmin(admin.ModelAdmin):
    """The questions of each discipline's structured letter (the one without a discipline is the
    default)."""

    list_display = ["title_en", "discipline"]


@admin.register(ReferenceRequest)
class ReferenceRequestAdmin(admin.ModelAdmin):
    """Requests and their states only; the content is read on the program pages."""

    list_display = ["reference_id", "applicant", "kind", "referee_name", "state", "received_at"]
    list_filter = ["state", "kind", "is_placeholder", "cycle"]
    search_fields = ["reference_id", "applicant__matching_id", "referee_name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
