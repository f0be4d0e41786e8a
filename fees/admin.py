from typing import Any

from django.contrib import admin

from fees.models import AdministrativeFee, FeeSchedule, LedgerEntry


class AdministrativeFeeInline(admin.TabularInline):
    model = AdministrativeFee
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ["cycle", "base_fee_cents", "programs_included", "extra_program_fee_cents"]
    inlines = [AdministrativeFeeInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger is never edited; corrections are new entries."""

    list_display = ["receipt_number", "applicant", "kind", "amount_cents", "created_at"]
    list_filter = ["kind", "cycle"]
    search_fields = ["receipt_number", "applicant__matching_id", "applicant__last_name"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
