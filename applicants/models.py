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


class ApplicationLanguages(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    BOTH = "both", _("English and French (bilingual application)")


class QuebecContingent(models.TextChoices):
    NONE = "", _("Not applying to Québec IMG positions")
    REGULAR = "regular", _("Regular contingent (apply through the match)")
    PARTICULAR = "particular", _("Particular contingent (apply to the faculties directly)")


class ApplicantProfile(models.Model):
    """An applicant's identity and stream-deciding facts. Having one makes a user an applicant."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="applicant",
    )
    first_name = models.CharField(_("given name"), max_length=100, blank=True)
    last_name = models.CharField(_("family name"), max_length=100)
    single_name = models.BooleanField(
        _("I have only one name"),
        default=False,
        help_text=_("Your one name goes in “family name”; the given name stays empty."),
    )
    medical_school_region = models.CharField(
        _("where you studied medicine"), max_length=10, choices=MedicalSchoolRegion.choices
    )
    medical_school_name = models.CharField(_("medical school"), max_length=200)
    graduation_year = models.PositiveSmallIntegerField(_("year of graduation"))
    citizenship = models.CharField(_("citizenship"), max_length=10, choices=Citizenship.choices)
    matching_id = models.CharField(_("match identifier"), max_length=20, unique=True)
    application_languages = models.CharField(
        _("language of your application"),
        max_length=4,
        choices=ApplicationLanguages.choices,
        default=ApplicationLanguages.EN,
    )
    mcc_id = models.CharField(
        _("MCC ID"),
        max_length=8,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Your Medical Council of Canada identification number (6 to 8 digits)."),
    )
    quebec_contingent = models.CharField(
        _("Québec contingent (CMQ approval)"),
        max_length=10,
        choices=QuebecContingent.choices,
        blank=True,
        default=QuebecContingent.NONE,
    )

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Given and family name; the one name alone for single-name applicants."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def sorted_name(self) -> str:
        """ "Family, Given" for lists; the one name alone for single-name applicants."""
        return ", ".join(part for part in (self.last_name, self.first_name) if part)

    @property
    def languages(self) -> list[str]:
        """The languages the file is filled in: ["en"], ["fr"] or ["en", "fr"]."""
        if self.application_languages == ApplicationLanguages.BOTH:
            return ["en", "fr"]
        return [self.application_languages]

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


class FileEntry(models.Model):
    """One entry of a section of "My Information", in one language of the application.

    The section's fields are described in :mod:`applicants.sections`; ``data`` holds the values
    cleaned by the form built from that description.
    """

    applicant = models.ForeignKey(
        ApplicantProfile,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="file_entries",
    )
    section = models.CharField(_("section"), max_length=40)
    language = models.CharField(_("language"), max_length=2)
    position = models.PositiveIntegerField(_("position"), default=0)
    data = models.JSONField(_("data"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("file entry")
        verbose_name_plural = _("file entries")
        ordering = ["applicant", "section", "language", "position", "pk"]
        indexes = [models.Index(fields=["applicant", "section", "language"])]

    def __str__(self) -> str:
        return f"{self.applicant} — {self.section} ({self.language}) #{self.position}"


class SectionWaiver(models.Model):
    """The applicant's explicit "does not apply to me" for an if-it-applies section."""

    applicant = models.ForeignKey(
        ApplicantProfile,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="section_waivers",
    )
    section = models.CharField(_("section"), max_length=40)
    at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("section marked “does not apply”")
        verbose_name_plural = _("sections marked “does not apply”")
        constraints = [
            models.UniqueConstraint(fields=["applicant", "section"], name="one_waiver_per_section")
        ]


class ProvincialListImport(models.Model):
    """One upload of a provincial IMG list (CSV on the site or through the API) and its report.

    ``rows`` holds, for every row of the file, its number, values, outcome (``accepted``,
    ``unchanged`` or ``rejected``) and the reason code; messages are translated when shown.
    """

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "integrations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    accepted = models.PositiveIntegerField(_("rows accepted"), default=0)
    unchanged = models.PositiveIntegerField(_("rows already on the list"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    rows = models.JSONField(_("rows"), default=list)

    class Meta:
        verbose_name = _("provincial list upload")
        verbose_name_plural = _("provincial list uploads")
        ordering = ["-at", "-pk"]


class ReturnOfServiceAcknowledgement(models.Model):
    """The applicant read a program's return-of-service terms (the exact version shown)."""

    applicant = models.ForeignKey(
        ApplicantProfile,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="ros_acknowledgements",
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="ros_acknowledgements",
    )
    text_version = models.CharField(_("version of the terms"), max_length=64)
    at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return-of-service acknowledgement")
        verbose_name_plural = _("return-of-service acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "program", "text_version"], name="one_ros_ack_per_version"
            )
        ]


#: Outcome of a row of a provincial list upload, by code (translated when shown).
IMPORT_REASONS = {
    "added": _("Added to the list."),
    "unchanged": _("Already on the list; nothing changed."),
    "missing": _("The match identifier or the family name is empty."),
    "duplicate": _("This match identifier appears earlier in the file."),
    "wrong_province": _("The row names another province than yours."),
    "unknown": _("No applicant has this match identifier."),
    "name_mismatch": _("The family name does not match the applicant with this identifier."),
    "not_img": _("This applicant is a Canadian medical graduate; only IMGs go on the list."),
}
