"""Schools, disciplines, programs and their quotas by stream."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.choices import Province, Stream, TrainingLanguage


class BilingualName(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_fr if translation.get_language() == "fr" else self.name_en

    def __str__(self) -> str:
        return self.name


class School(BilingualName):
    code = models.CharField(_("code"), max_length=10, unique=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    city = models.CharField(_("city"), max_length=100)
    requires_rank_list_approval = models.BooleanField(
        _("rank order lists need PGME approval"),
        default=False,
        help_text=_(
            "Programs of this school submit their rank order lists for the PGME office's approval."
        ),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]


class Discipline(BilingualName):
    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["name_en"]


class Program(BilingualName):
    """A residency program of one school in one discipline, for one cycle."""

    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="programs"
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="programs"
    )
    discipline = models.ForeignKey(
        Discipline, verbose_name=_("discipline"), on_delete=models.PROTECT, related_name="programs"
    )
    code = models.CharField(_("code"), max_length=30)
    sites = models.CharField(_("training sites"), max_length=300, blank=True)
    language = models.CharField(
        _("language of training"), max_length=2, choices=TrainingLanguage.choices
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    return_of_service_years = models.PositiveSmallIntegerField(
        _("return of service (years)"),
        default=0,
        help_text=_("Years of practice owed to the province after training (IMG positions)."),
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["school__code", "discipline__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="unique_program_code_per_cycle")
        ]

    @property
    def description(self) -> str:
        if translation.get_language() == "fr":
            return self.description_fr or self.description_en
        return self.description_en or self.description_fr

    @property
    def province(self) -> str:
        return self.school.province


class Quota(models.Model):
    """The positions of one program reserved to one stream, with their own rank list.

    In the matching engine each quota is one "program"; its ``code`` is the engine id.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="quotas"
    )
    iteration = models.ForeignKey(
        "cycles.Iteration",
        verbose_name=_("iteration"),
        on_delete=models.CASCADE,
        related_name="quotas",
    )
    stream = models.CharField(_("stream"), max_length=3, choices=Stream.choices)
    positions = models.PositiveIntegerField(_("positions"))
    reverts_to = models.ForeignKey(
        "self",
        verbose_name=_("unfilled positions revert to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reverted_from",
    )

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["program__code", "stream"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "iteration", "stream"], name="one_quota_per_stream"
            )
        ]

    @property
    def code(self) -> str:
        return f"{self.program.code}-{self.stream}"

    def __str__(self) -> str:
        return f"{self.program} — {self.get_stream_display()}"


class RequirementKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    REFERENCE = "reference", _("References")
    LETTER = "letter", _("Personal letter")
    SECTION = "section", _("My Information section")


class ProgramRequirement(models.Model):
    """One line of what a program asks for in an application.

    ``code`` is a document type (``documents.DocumentType``), a reference kind
    (``references.ReferenceKind``, empty = any kind) or a My Information section key
    (``applicants.sections``); empty for the personal letter. A program without any line
    asks for the defaults of :func:`programs.selectors.requirements_of`.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RequirementKind.choices)
    code = models.CharField(_("what"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=True)
    count = models.PositiveSmallIntegerField(_("how many"), default=1)
    language = models.CharField(
        _("language"),
        max_length=2,
        blank=True,
        choices=[("en", _("English")), ("fr", _("French"))],
        help_text=_("Leave empty to accept either language."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("program requirement")
        verbose_name_plural = _("program requirements")
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return f"{self.program.code}: {self.kind} {self.code}"
