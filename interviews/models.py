"""Interview offers (an applicant's status with a program) and interview scheduling."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewStatus(models.TextChoices):
    SELECTED = "selected", _("Selected for an interview")
    NOT_SELECTED = "not_selected", _("Not selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    NOT_THIS_ITERATION = "not_this_iteration", _("Not interviewing this iteration")


class InterviewOffer(models.Model):
    """The interview status a program gave one application (one per application: an
    application belongs to one quota, hence to one iteration)."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="interview",
    )
    status = models.CharField(_("status"), max_length=20, choices=InterviewStatus.choices)
    message = models.TextField(_("message to the applicant"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("interview offer")
        verbose_name_plural = _("interview offers")
        ordering = ["application_id"]
        indexes = [models.Index(fields=["status"], name="interview_offer_status")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status}"
