"""Schools, disciplines, programs and their quotas by stream."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
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


# --- Descriptions: the working copy and its published versions ---------------------------------

#: The sections of a program description, in the order applicants read them. Each is stored in
#: English (``<key>_en``) and French (``<key>_fr``).
DESCRIPTION_SECTIONS: tuple[tuple[str, Any], ...] = (
    ("goals", _("Goals of the program")),
    ("selection_criteria", _("Selection criteria")),
    ("file_review", _("File review process")),
    ("interviews", _("Interview process")),
    ("documents", _("Required documents and references")),
    ("language", _("Language of training")),
    ("return_of_service", _("Return of service")),
    ("sites", _("Training sites")),
)
SECTION_KEYS = tuple(key for key, _label in DESCRIPTION_SECTIONS)
#: Longest text accepted in one section, in one language.
SECTION_MAX_LENGTH = 5000


class DescriptionContent(models.Model):
    """The sections of a description in both languages, and the language of training."""

    goals_en = models.TextField(_("goals (English)"), blank=True)
    goals_fr = models.TextField(_("goals (French)"), blank=True)
    selection_criteria_en = models.TextField(_("selection criteria (English)"), blank=True)
    selection_criteria_fr = models.TextField(_("selection criteria (French)"), blank=True)
    file_review_en = models.TextField(_("file review process (English)"), blank=True)
    file_review_fr = models.TextField(_("file review process (French)"), blank=True)
    interviews_en = models.TextField(_("interview process (English)"), blank=True)
    interviews_fr = models.TextField(_("interview process (French)"), blank=True)
    documents_en = models.TextField(_("required documents and references (English)"), blank=True)
    documents_fr = models.TextField(_("required documents and references (French)"), blank=True)
    language_en = models.TextField(_("language of training (English)"), blank=True)
    language_fr = models.TextField(_("language of training (French)"), blank=True)
    return_of_service_en = models.TextField(_("return of service (English)"), blank=True)
    return_of_service_fr = models.TextField(_("return of service (French)"), blank=True)
    sites_en = models.TextField(_("training sites (English)"), blank=True)
    sites_fr = models.TextField(_("training sites (French)"), blank=True)
    training_language = models.CharField(
        _("language of training"), max_length=2, choices=TrainingLanguage.choices, default="en"
    )

    class Meta:
        abstract = True

    def content(self) -> dict[str, str]:
        """``{"goals_en": ..., "goals_fr": ..., ...}``: every section in both languages."""
        return {
            f"{key}_{lang}": getattr(self, f"{key}_{lang}")
            for key in SECTION_KEYS
            for lang in ("en", "fr")
        }

    def sections(self, language: str | None = None) -> list[tuple[str, Any, str]]:
        """``(key, title, text)`` of every section in ``language`` (default: the active one),
        falling back to the other language for a section written in one language only."""
        lang = (language or translation.get_language() or "en")[:2]
        other = "en" if lang == "fr" else "fr"
        return [
            (
                key,
                label,
                getattr(self, f"{key}_{lang}", "") or getattr(self, f"{key}_{other}", ""),
            )
            for key, label in DESCRIPTION_SECTIONS
        ]

    def both_languages(self) -> list[tuple[str, Any, str, str]]:
        """``(key, title, English text, French text)`` of every section."""
        return [
            (key, label, getattr(self, f"{key}_en"), getattr(self, f"{key}_fr"))
            for key, label in DESCRIPTION_SECTIONS
        ]

    def missing(self) -> list[tuple[str, str]]:
        """``(section key, language)`` of every empty section (both languages are required)."""
        return [
            (key, lang)
            for key in SECTION_KEYS
            for lang in ("en", "fr")
            if not getattr(self, f"{key}_{lang}").strip()
        ]

    def same_content_as(self, other: DescriptionContent) -> bool:
        return (
            self.content() == other.content() and self.training_language == other.training_language
        )


class DescriptionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Sent back for changes")
    PUBLISHED = "published", _("Published")


class ProgramDescription(DescriptionContent):
    """The working copy of a program's description: edited by the director (or program
    administrator), submitted, then approved (it becomes a :class:`PublishedDescription`) or
    sent back with a comment by the school's PGME office. Applicants never see it: they read
    the latest published version, which stays in place while a new draft is written.

    ``state`` is ``published`` while the working copy is the latest published version
    unchanged. ``revision`` grows with every save, so an approval approves exactly the text the
    office read."""

    program = models.OneToOneField(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="description_draft",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DescriptionState.choices, default=DescriptionState.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    published_version = models.PositiveIntegerField(
        _("latest published version"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_comment = models.TextField(_("comment of the PGME office"), blank=True)

    class Meta:
        verbose_name = _("program description (working copy)")
        verbose_name_plural = _("program descriptions (working copies)")
        indexes = [models.Index(fields=["state"], name="program_description_state")]

    def __str__(self) -> str:
        return f"{self.program.code}: {self.state}"


class PublishedDescription(DescriptionContent):
    """One approved version of a program's description. Never changed once written: a new
    approval adds the next version; every version is kept with who submitted and approved it."""

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="published_descriptions",
    )
    version = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("published at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported = models.BooleanField(
        _("imported"),
        default=False,
        help_text=_("Taken over from the description in place before descriptions had versions."),
    )

    class Meta:
        verbose_name = _("published program description")
        verbose_name_plural = _("published program descriptions")
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "version"], name="one_published_description_per_version"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("A published description is never changed: publish a new version.")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.program.code} v{self.version}"


# --- File reviewers invited by e-mail ----------------------------------------------------------


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Invited, not yet accepted")
    EXPIRED = "expired", _("Invitation expired")
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")


class ReviewerInvitation(models.Model):
    """A program's invitation to review its files, sent to an e-mail address.

    The e-mail carries a single-use link; only the SHA-256 of its token is stored. Opening the
    link signed in with the invited address creates the ``FILE_REVIEWER`` role assignment with
    the access (``read_only``) and ``streams`` given here. The row then stays as the reviewer's
    record: ``removed_at`` is set when the invitation is cancelled or the reviewer removed.
    At most one row per program and address is open (not removed)."""

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="reviewer_invitations",
    )
    email = models.EmailField(_("e-mail address"))
    read_only = models.BooleanField(_("read-only access"), default=False)
    streams = models.JSONField(_("quota streams"), default=list, blank=True)
    language = models.CharField(_("language of the e-mail"), max_length=2, default="en")
    token_hash = models.CharField(max_length=64, db_index=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent at"))
    expires_at = models.DateTimeField(_("link expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewer_invitations",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reviewer invitation")
        verbose_name_plural = _("reviewer invitations")
        ordering = ["program", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "email"],
                condition=models.Q(removed_at__isnull=True),
                name="one_open_reviewer_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program.code}: {self.email} ({self.state})"

    def state_at(self, now: dt.datetime) -> str:
        if self.removed_at is not None:
            return InvitationState.REMOVED
        if self.accepted_at is not None:
            return InvitationState.ACTIVE
        if now >= self.expires_at:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    def get_state_display(self) -> str:
        return str(InvitationState(self.state).label)
