"""Applications of an applicant to programs (the full file comes later)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    SELECTED = "selected", _("Selected, not yet submitted")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    quota = models.ForeignKey(
        "programs.Quota",
        verbose_name=_("stream applied to"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SELECTED,
    )
    created_at = models.DateTimeField(_("selected at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["program__code"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "quota"], name="one_application_per_quota")
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.program}"


class ApplicationNote(models.Model):
    """A short note from the applicant to a program, after file review opens; read by the
    program's staff in their reader and e-mailed to its director(s)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"), max_length=1000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("note to the program")
        verbose_name_plural = _("notes to the program")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.text[:40]}"
