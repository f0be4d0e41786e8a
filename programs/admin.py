from django.contrib import admin

from programs.models import (
    Discipline,
    Program,
    PublishedDescription,
    Quota,
    ReviewerInvitation,
    School,
)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "province", "city"]
    search_fields = ["code", "name_en", "name_fr"]
    list_filter = ["province"]


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_fr"]
    search_fields = ["code", "name_en", "name_fr"]


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0
    fk_name = "program"
    raw_id_fields = ["reverts_to"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "school", "discipline", "language"]
    list_filter = ["cycle", "school__province", "language", "discipline"]
    search_fields = ["code", "name_en", "name_fr"]
    list_select_related = ["school", "discipline"]
    inlines = [QuotaInline]


@admin.register(PublishedDescription)
class PublishedDescriptionAdmin(admin.ModelAdmin):
    """Published versions are read here, never changed (a new approval adds a version)."""

    list_display = ["program", "version", "approved_at", "approved_by", "imported"]
    list_select_related = ["program", "approved_by"]
    search_fields = ["program__code"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(ReviewerInvitation)
class ReviewerInvitationAdmin(admin.ModelAdmin):
    """Invitations are sent, re-sent and cancelled on the program's "Reviewers" page."""

    list_display = ["program", "email", "read_only", "created_at", "accepted_at", "removed_at"]
    list_select_related = ["program"]
    search_fields = ["program__code", "email"]
    exclude = ["token_hash"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
