"""Rank order lists: of applicants, of couples, of program quotas; every submitted version kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RankListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, not submitted")
    SUBMITTED = "submitted", _("Submitted")


class RankList(models.Model):
    """The current rank order list of exactly one owner: an applicant, a couple or a quota."""

    iteration = models.ForeignKey(
        "cycles.Iteration",
        verbose_name=_("iteration"),
        on_delete=models.CASCADE,
        related_name="rank_lists",
    )
    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rank_lists",
    )
    couple = models.ForeignKey(
        "applicants.Couple",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rank_lists",
    )
    quota = models.OneToOneField(
        "programs.Quota", null=True, blank=True, on_delete=models.CASCADE, related_name="rank_list"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RankListStatus.choices, default=RankListStatus.DRAFT
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rank order list")
        verbose_name_plural = _("rank order lists")
        constraints = [
            models.UniqueConstraint(
                fields=["iteration", "applicant"], name="one_list_per_applicant"
            ),
            models.UniqueConstraint(fields=["iteration", "couple"], name="one_list_per_couple"),
            models.CheckConstraint(
                name="rank_list_has_one_owner",
                condition=(
                    models.Q(applicant__isnull=False, couple__isnull=True, quota__isnull=True)
                    | models.Q(applicant__isnull=True, couple__isnull=False, quota__isnull=True)
                    | models.Q(applicant__isnull=True, couple__isnull=True, quota__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.applicant or self.couple or self.quota)


class RankEntry(models.Model):
    """One line: an applicant's quota; a couple's pair of quotas (either may be "no match");
    or a program quota's applicant."""

    rank_list = models.ForeignKey(RankList, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(_("rank"))
    quota = models.ForeignKey(
        "programs.Quota", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partner_quota = models.ForeignKey(
        "programs.Quota", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rank entry")
        verbose_name_plural = _("rank entries")
        ordering = ["rank_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rank_list", "position"], name="unique_rank_position")
        ]


class RankListVersion(models.Model):
    """An immutable copy of a list as submitted: who, when, what."""

    rank_list = models.ForeignKey(RankList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    entries = models.JSONField(_("entries"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["rank_list", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rank_list", "number"], name="unique_rank_list_version")
        ]
