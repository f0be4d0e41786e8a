from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.errors import DomainError
from cycles.models import Cycle, Iteration, Milestone
from cycles.services import check_milestone_order


class MilestoneFormSet(forms.BaseInlineFormSet):
    """The administrator edits the calendar here; milestones must stay in calendar order."""

    def clean(self) -> None:
        super().clean()
        marks: dict[str, Any] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("kind") or not data.get("at"):
                continue
            marks[data["kind"]] = data["at"]
        try:
            check_milestone_order(marks)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = MilestoneFormSet
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
