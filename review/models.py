"""File review: the program's scoring criteria and its reviewers' scores, reviewers' notes, the
assignment of files to reviewers, masking rules, saved filters of the list and the log of every
opening of a file."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cycles.models import MilestoneKind

#: The largest scale a criterion may have (a score is an integer from 0 to its scale).
SCALE_LIMIT = 100
#: The largest weight of a criterion.
WEIGHT_LIMIT = 100


class Criterion(models.Model):
    """One of the program's own scoring criteria, e.g. "Clinical experience, out of 10"."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="review_criteria",
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(SCALE_LIMIT)],
        help_text=_("Scores go from 0 to this number."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(WEIGHT_LIMIT)],
        help_text=_("How much the criterion counts in the total, relative to the others."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["program", "position", "id"]
        constraints = [
            models.CheckConstraint(
                name="criterion_scale_in_range",
                condition=models.Q(scale_max__gte=1, scale_max__lte=SCALE_LIMIT),
            ),
            models.CheckConstraint(
                name="criterion_weight_in_range",
                condition=models.Q(weight__gte=1, weight__lte=WEIGHT_LIMIT),
            ),
        ]

    @property
    def name(self) -> str:
        return self.name_fr if translation.get_language() == "fr" else self.name_en

    def __str__(self) -> str:
        return f"{self.program_id}: {self.name_en} /{self.scale_max}"


class Score(models.Model):
    """A reviewer's score of one application on one criterion."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="review_scores",
    )
    value = models.PositiveSmallIntegerField(_("score"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "reviewer"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.criterion_id}/{self.reviewer_id}: {self.value}"


class ReviewNote(models.Model):
    """A reviewer's notes on one application: private to its author unless ``shared`` with the
    program team (the program's director, administrators and file reviewers who may read the
    application). Never shown to the applicant, the PGME office or the match administrator."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="review_notes",
    )
    text = models.TextField(_("notes"), max_length=5000)
    shared = models.BooleanField(_("shared with the program team"), default=False)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("reviewer's notes")
        verbose_name_plural = _("reviewers' notes")
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "author"], name="one_note_per_author")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.author_id}"


class ReviewAssignment(models.Model):
    """A file given to a reviewer to read (a file may have several reviewers)."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("file assignment")
        verbose_name_plural = _("file assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.reviewer_id}"


class MaskedItem(models.TextChoices):
    """What a program may hide from its reviewers (the list, the reader, the PDF, the export)."""

    PHOTO = "photo", _("Photo")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    CITIZENSHIP = "citizenship", _("Citizenship and legal status")
    EXAM_SCORES = "exam_scores", _("Examination scores (MCC, USMLE)")


#: Milestones a masking rule may wait for (empty = hidden always).
MASK_UNTIL = [
    MilestoneKind.INTERVIEWS_START,
    MilestoneKind.INTERVIEWS_END,
    MilestoneKind.RANKING_OPENS,
    MilestoneKind.PROGRAM_ROL_DEADLINE,
]


class MaskingRule(models.Model):
    """One item the program hides from whoever reads its files without managing its review
    (file reviewers, the PGME office, the match administrator), always or until a milestone."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="masking_rules",
    )
    item = models.CharField(_("hidden item"), max_length=20, choices=MaskedItem.choices)
    until = models.CharField(
        _("hidden until"),
        max_length=30,
        blank=True,
        choices=[(k.value, k.label) for k in MASK_UNTIL],
        help_text=_("Leave empty to hide it always."),
    )

    class Meta:
        verbose_name = _("masking rule")
        verbose_name_plural = _("masking rules")
        ordering = ["program", "item"]
        constraints = [
            models.UniqueConstraint(fields=["program", "item"], name="one_rule_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.item} until {self.until or 'always'}"


class SavedFilter(models.Model):
    """A named set of filters of the review list, for one user and one program."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="review_filters",
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="review_filters",
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["user", "program", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "name"], name="one_saved_filter_per_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AccessKind(models.TextChoices):
    READER = "reader", _("Opened in the reader")
    PDF = "pdf", _("Printed as PDF")
    DOCUMENT = "document", _("Downloaded a document")


class FileAccess(models.Model):
    """One opening of an application by someone of the program's side (the reader, its PDF,
    a document downloaded from the reader). Written on every opening; never changed."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="file_accesses",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-mail address"))
    what = models.CharField(_("what"), max_length=10, choices=AccessKind.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("opening of a file")
        verbose_name_plural = _("openings of files")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["application", "-at"], name="file_access_by_application")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.email} {self.what} {self.at:%Y-%m-%d %H:%M}"
