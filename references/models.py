"""Reference requests, the referee's link, the letter or form received, assignments to programs.

The letter itself lives in :class:`ReferenceContent`, apart from the request: what the
applicant reads (the request and its state) never loads the content.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ReferenceKind(models.TextChoices):
    NARRATIVE = "narrative", _("Narrative reference letter")
    STRUCTURED = "structured", _("Structured reference letter")
    SUPPORT_FORM = "support_form", _("Applicant support form")


class ReferenceState(models.TextChoices):
    DRAFT = "draft", _("Draft, not sent")
    SENT = "sent", _("Requested, waiting for the referee")
    RECEIVED = "received", _("Received")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Delivery(models.TextChoices):
    EMAIL = "email", _("E-mail the referee a link")
    COVER_SHEET = "cover_sheet", _("Print a cover sheet for the referee")


class RefereeLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")


class ReferenceRequest(models.Model):
    """A request for one reference document to one referee.

    ``applicant`` is empty only for a *placeholder*: an early letter received before the match
    opened, waiting for its applicant to claim it by its ``reference_id``.
    """

    reference_id = models.CharField(_("reference ID"), max_length=12, unique=True)
    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="reference_requests",
        null=True,
        blank=True,
    )
    cycle = models.ForeignKey(
        "cycles.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="reference_requests",
    )
    kind = models.CharField(_("type of reference"), max_length=12, choices=ReferenceKind.choices)
    referee_name = models.CharField(_("referee's name"), max_length=200)
    referee_email = models.EmailField(_("referee's e-mail"), blank=True)
    referee_language = models.CharField(
        _("language of the referee's e-mail"),
        max_length=2,
        choices=RefereeLanguage.choices,
        default=RefereeLanguage.EN,
    )
    discipline = models.ForeignKey(
        "programs.Discipline",
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Leave empty for a reference for no specific discipline."),
    )
    message = models.TextField(_("message to the referee"), blank=True, max_length=2000)
    delivery = models.CharField(
        _("how the referee gets the request"),
        max_length=12,
        choices=Delivery.choices,
        default=Delivery.EMAIL,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReferenceState.choices, default=ReferenceState.DRAFT
    )
    is_placeholder = models.BooleanField(_("early letter placeholder"), default=False)
    intended_matching_id = models.CharField(
        _("applicant's match identifier (early letter)"), max_length=20, blank=True
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    token_expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_late = models.BooleanField(_("received after the application deadline"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reference request")
        verbose_name_plural = _("reference requests")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.reference_id

    @property
    def is_editable(self) -> bool:
        return self.state == ReferenceState.DRAFT

    @property
    def is_open_to_referee(self) -> bool:
        return self.state == ReferenceState.SENT


class ReferenceContent(models.Model):
    """What the referee sent: a cleaned PDF on private storage, or the answers of a form.

    Never read for the applicant: only ``reference.read_content`` opens it.
    """

    request = models.OneToOneField(
        ReferenceRequest,
        verbose_name=_("reference request"),
        on_delete=models.CASCADE,
        related_name="content",
    )
    file_name = models.CharField(_("stored file"), max_length=200, blank=True, editable=False)
    file_size = models.PositiveIntegerField(_("size in bytes"), default=0, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    answers = models.JSONField(_("answers"), null=True, blank=True)
    form = models.ForeignKey(
        "StructuredForm",
        verbose_name=_("form answered"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    questions = models.JSONField(_("questions as asked"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by_admin = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reference content")
        verbose_name_plural = _("reference contents")

    def __str__(self) -> str:
        return f"{self.request_id}"


class StructuredForm(models.Model):
    """The questions of a structured reference letter for one discipline.

    ``questions`` is a list of ``{"key", "type": "rating"|"text", "label_en", "label_fr"}``;
    ratings go from 1 to 5. The form with no discipline is the default for every discipline
    without its own (and a built-in default exists when there is none at all).
    """

    discipline = models.OneToOneField(
        "programs.Discipline",
        verbose_name=_("discipline"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="structured_reference_form",
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    questions = models.JSONField(_("questions"))

    class Meta:
        verbose_name = _("structured reference form")
        verbose_name_plural = _("structured reference forms")
        constraints = [
            models.UniqueConstraint(
                fields=["discipline"],
                condition=models.Q(discipline__isnull=True),
                name="one_default_structured_form",
            )
        ]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return self.title_fr if translation.get_language() == "fr" else self.title_en

    def clean(self) -> None:
        from references.questions import validate_questions

        problems = validate_questions(self.questions)
        if problems:
            raise ValidationError({"questions": "; ".join(problems)})


class ReferenceAssignment(models.Model):
    """A reference sent to a program through one application (possibly before it arrives)."""

    request = models.ForeignKey(
        ReferenceRequest,
        verbose_name=_("reference request"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="reference_assignments",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    is_late = models.BooleanField(_("assigned after the application deadline"), default=False)

    class Meta:
        verbose_name = _("reference assignment")
        verbose_name_plural = _("reference assignments")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "application"], name="one_reference_assignment_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.application_id}"
