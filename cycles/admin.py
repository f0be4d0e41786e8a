from django.contrib import admin

from cycles.models import Cycle, Iteration, Milestone


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Iteration)
class IterationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cycle", "kind"]
    inlines = [MilestoneInline]


class IterationInline(admin.TabularInline):
    model = Iteration
    extra = 0
    show_change_link = True


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "is_current"]
    inlines = [IterationInline]
