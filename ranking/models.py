"""Rank order lists: of applicants, of couples, of program quotas; every submitted version kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RankListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, not submitted")
    SUBMITTED = "submitted", _("Submitted")
    #: a program's list submitted for its school's PGME approval, not yet decided
    PENDING = "pending", _("Submitted for PGME approval")
    #: a program's list the PGME office sent back with a comment
    RETURNED = "returned", _("Returned by the PGME office")


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
    """An immutable copy of a list as submitted: who, when, what. Only lists that count for
    the match become versions: a program list that needs its PGME office's approval becomes a
    version when approved (see ``RankListApproval``); the match uses the highest number."""

    rank_list = models.ForeignKey(RankList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    entries = models.JSONField(_("entries"))
    #: Québec programs: the reason given for each interviewed applicant left unranked
    #: (``[{"applicant", "applicant_id", "reason", "text"}]``); empty elsewhere.
    unranked = models.JSONField(_("interviewed applicants left unranked"), default=list)
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


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("Awaiting PGME approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with a comment")
    SUPERSEDED = "superseded", _("Replaced by a later submission")


class RankListApproval(models.Model):
    """A program's list submitted for its school's PGME approval: an immutable copy of the list
    as submitted, and the office's decision. Approving it makes it a ``RankListVersion`` (the
    one the match uses); a pending or returned submission never counts."""

    rank_list = models.ForeignKey(RankList, on_delete=models.CASCADE, related_name="approvals")
    number = models.PositiveIntegerField(_("submission"))
    entries = models.JSONField(_("entries"))
    unranked = models.JSONField(_("interviewed applicants left unranked"), default=list)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("comment of the PGME office"), max_length=2000, blank=True)
    version = models.OneToOneField(
        RankListVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval",
        verbose_name=_("version made by the approval"),
    )

    class Meta:
        verbose_name = _("submission for PGME approval")
        verbose_name_plural = _("submissions for PGME approval")
        ordering = ["rank_list", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["rank_list", "number"], name="unique_rank_list_approval_number"
            ),
            models.UniqueConstraint(
                fields=["rank_list"],
                condition=models.Q(state="pending"),
                name="one_pending_approval_per_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank_list} #{self.number} ({self.state})"


class UnrankedReasonKind(models.TextChoices):
    """Why a Québec program leaves an interviewed applicant off its list."""

    CRITERIA = "criteria", _("Does not meet the program's selection criteria")
    INTERVIEW = "interview", _("Interview assessment below the program's threshold")
    LANGUAGE = "language", _("Language of training requirements not met")
    WITHDREW = "withdrew", _("The applicant withdrew from the program's selection process")
    OTHER = "other", _("Other reason (explain)")


class UnrankedReason(models.Model):
    """The reason a Québec program gives for an interviewed applicant it does not rank (kept
    while the applicant is off the list; ignored while they are on it)."""

    rank_list = models.ForeignKey(
        RankList, on_delete=models.CASCADE, related_name="unranked_reasons"
    )
    applicant = models.ForeignKey(
        "applicants.ApplicantProfile", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("reason"), max_length=10, choices=UnrankedReasonKind.choices)
    text = models.TextField(_("explanation"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reason for not ranking")
        verbose_name_plural = _("reasons for not ranking")
        constraints = [
            models.UniqueConstraint(
                fields=["rank_list", "applicant"], name="one_unranked_reason_per_applicant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant_id}: {self.kind}"
