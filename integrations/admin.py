from django.contrib import admin

from integrations.models import ApiToken, Organisation


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "school", "active"]
    list_filter = ["kind", "active"]
    inlines = [ApiTokenInline]
