"""Applicants, the facts that decide their stream, the contract, participation, couples."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.choices import Province, Stream


class Citizenship(models.TextChoices):
    CITIZEN = "citizen", _("Canadian citizen")
    PERMANENT_RESIDENT = "pr", _("Permanent resident of Canada")
    OTHER = "other", _("Other (not eligible to train in Canada)")


class MedicalSchoolRegion(models.TextChoices):
    CANADA = "canada", _("Canada")
    USA = "usa", _("United States")
    ELSEWHERE = "elsewhere", _("Another country")


class ApplicantProfile(models.Model):
    """An applicant's identity and stream-deciding facts. Having one makes a user an applicant."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="applicant",
    )
    first_name = models.CharField(_("given name"), max_length=100)
    last_name = models.CharField(_("family name"), max_length=100)
    medical_school_region = models.CharField(
        _("where you studied medicine"), max_length=10, choices=MedicalSchoolRegion.choices
    )
    medical_school_name = models.CharField(_("medical school"), max_length=200)
    graduation_year = models.PositiveSmallIntegerField(_("year of graduation"))
    citizenship = models.CharField(_("citizenship"), max_length=10, choices=Citizenship.choices)
    matching_id = models.CharField(_("match identifier"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def stream(self) -> str:
        """CMG for graduates of Canadian (and, as CaRMS does, U.S.) schools; IMG otherwise."""
        if self.medical_school_region == MedicalSchoolRegion.ELSEWHERE:
            return Stream.IMG
        return Stream.CMG


class ProvincialEligibility(models.Model):
    """An IMG on a province's list (AIMG, BC-CAP, Québec regular contingent), sent by its body."""

    applicant = models.ForeignKey(
        ApplicantProfile,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="provincial_eligibilities",
    )
    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("provincial eligibility")
        verbose_name_plural = _("provincial eligibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "cycle", "province"], name="unique_provincial_eligibility"
            )
        ]


class ContractVersion(models.Model):
    """A versioned applicant contract. Acceptances point at the exact version read."""

    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="contracts"
    )
    version = models.PositiveIntegerField(_("version"))
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("applicant contract")
        verbose_name_plural = _("applicant contracts")
        ordering = ["cycle", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="unique_contract_version")
        ]

    @property
    def text(self) -> str:
        return self.text_fr if translation.get_language() == "fr" else self.text_en

    def __str__(self) -> str:
        return f"{self.cycle} — v{self.version}"


class Participation(models.Model):
    """An applicant taking part in a cycle: contract accepted (timestamped), maybe withdrawn."""

    applicant = models.ForeignKey(
        ApplicantProfile,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    cycle = models.ForeignKey(
        "cycles.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    contract = models.ForeignKey(
        ContractVersion, verbose_name=_("contract accepted"), on_delete=models.PROTECT
    )
    accepted_at = models.DateTimeField(_("contract accepted at"))
    accepted_ip = models.GenericIPAddressField(_("accepted from"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["applicant", "cycle"], name="one_participation")
        ]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def __str__(self) -> str:
        return f"{self.applicant} — {self.cycle}"


class CoupleStatus(models.TextChoices):
    PENDING = "pending", _("Invitation sent")
    ACTIVE = "active", _("Linked")
    DECLINED = "declined", _("Declined")
    DISSOLVED = "dissolved", _("Unlinked")


class Couple(models.Model):
    """Two applicants who rank program pairs together; the partner must accept the invitation."""

    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="couples"
    )
    inviter = models.ForeignKey(
        ApplicantProfile,
        verbose_name=_("invited by"),
        on_delete=models.CASCADE,
        related_name="couples_invited",
    )
    partner = models.ForeignKey(
        ApplicantProfile,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="couples_joined",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CoupleStatus.choices, default=CoupleStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("couple")
        verbose_name_plural = _("couples")

    @property
    def code(self) -> str:
        return f"C{self.pk}"

    def members(self) -> tuple[ApplicantProfile, ApplicantProfile]:
        return (self.inviter, self.partner)

    def __str__(self) -> str:
        return f"{self.inviter} & {self.partner}"
