"""Match runs: the frozen snapshot, its SHA-256, the engine's verified result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    DRY = "dry", _("Dry run (administrator only)")
    OFFICIAL = "official", _("Official run")


class MatchRun(models.Model):
    iteration = models.ForeignKey(
        "cycles.Iteration",
        verbose_name=_("iteration"),
        on_delete=models.PROTECT,
        related_name="match_runs",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    created_at = models.DateTimeField(_("run at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.TextField(_("instance (exchange format, canonical JSON)"))
    snapshot_sha256 = models.CharField(_("instance SHA-256"), max_length=64)
    result = models.JSONField(_("result"))
    status = models.CharField(_("engine status"), max_length=30)
    problems = models.JSONField(_("verification problems"), default=list)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    engine = models.CharField(_("engine"), max_length=50)
    results_emailed_at = models.DateTimeField(_("results e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["iteration"],
                condition=models.Q(kind="official"),
                name="one_official_run_per_iteration",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class MatchAssignment(models.Model):
    """One applicant's outcome in a run (quota null = unmatched), for fast per-user reads."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="assignments")
    applicant = models.ForeignKey(
        "applicants.ApplicantProfile", on_delete=models.CASCADE, related_name="match_assignments"
    )
    quota = models.ForeignKey(
        "programs.Quota",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_assignments",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "applicant"], name="one_assignment_per_run")
        ]
