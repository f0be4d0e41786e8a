"""Match cycles, their iterations and dated milestones (America/Toronto)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cycle(models.Model):
    """One yearly match, e.g. "R-1 2027", with its iterations."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    year = models.PositiveIntegerField(_("year"))
    is_current = models.BooleanField(
        _("current cycle"), default=False, help_text=_("The cycle shown to users.")
    )

    class Meta:
        verbose_name = _("match cycle")
        verbose_name_plural = _("match cycles")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_cycle"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IterationKind(models.TextChoices):
    FIRST = "first", _("First iteration")
    SECOND = "second", _("Second iteration")
    PMP = "pmp", _("Post-match process")


class Iteration(models.Model):
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="iterations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IterationKind.choices)

    class Meta:
        verbose_name = _("iteration")
        verbose_name_plural = _("iterations")
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="one_iteration_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.get_kind_display()}"


class MilestoneKind(models.TextChoices):
    """In calendar order. Each milestone opens the phase of the same name."""

    OPENING = "opening", _("Match opening")
    PROGRAM_SELECTION = "program_selection", _("Program selection opens")
    APPLICATION_DEADLINE = "application_deadline", _("Application deadline (file review opens)")
    INTERVIEWS_START = "interviews_start", _("Interview period begins")
    INTERVIEWS_END = "interviews_end", _("Interview period ends")
    RANKING_OPENS = "ranking_opens", _("Rank order list entry opens")
    PROGRAM_ROL_DEADLINE = "program_rol_deadline", _("Program rank order list deadline")
    APPLICANT_ROL_DEADLINE = "applicant_rol_deadline", _("Applicant rank order list deadline")
    MATCH_DAY = "match_day", _("Match day: results released at noon")


MILESTONE_ORDER = [kind.value for kind in MilestoneKind]


class Milestone(models.Model):
    iteration = models.ForeignKey(
        Iteration, verbose_name=_("iteration"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("milestone"), max_length=30, choices=MilestoneKind.choices)
    at = models.DateTimeField(_("date and time"), help_text=_("Toronto time."))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["iteration", "kind"], name="one_milestone_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.at:%Y-%m-%d %H:%M}"
