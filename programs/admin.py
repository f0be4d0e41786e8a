from django.contrib import admin

from programs.models import Discipline, Program, Quota, School


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
