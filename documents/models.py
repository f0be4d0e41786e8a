"""Applicants' documents, their tracking status, assignments to applications, personal letters,
the citizenship / legal status verification and translation requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.storage import get_private_storage


class DocumentType(models.TextChoices):
    MSPR = "mspr", _("MSPR (dean's letter)")
    TRANSCRIPT = "transcript", _("Medical school transcript")
    CASPER = "casper", _("Casper result")
    FMPROC = "fmproc", _("FMProC result")
    MCC_EXAM = "mcc_exam", _("MCC exam results")
    PHOTO = "photo", _("Photo")
    CITIZENSHIP = "citizenship", _("Proof of citizenship or legal status")
    LANGUAGE_TEST = "language_test", _("Language test")
    MMI = "mmi", _("MMI result")
    CAP_REPORT = "cap_report", _("Final CAP report")
    CV = "cv", _("CV")
    SUPPLEMENTARY = "supplementary", _("Supplementary document")


class Source(models.TextChoices):
    APPLICANT = "applicant", _("Uploaded by the applicant")
    SCHOOL = "school", _("Sent by the school")
    THIRD_PARTY = "third_party", _("Transferred by a third party")


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")


class DocumentStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    UPLOADED = "uploaded", _("Uploaded")
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    REJECTED = "rejected", _("Rejected")


class ScanResult(models.TextChoices):
    CLEAN = "clean", _("No virus found")
    NOT_SCANNED = "not_scanned", _("Not scanned (no scanner configured)")


class Document(models.Model):
    """One document of an applicant. ``cycle`` is null for documents not tied to a match (proof
    of citizenship); the file lives on the private storage and is served only by a permission
    checking view."""

    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    cycle = models.ForeignKey(
        "cycles.Cycle",
        verbose_name=_("cycle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices)
    rejected_reason = models.TextField(_("reason for rejection"), blank=True)
    file = models.FileField(
        _("file"), storage=get_private_storage, upload_to="documents/", blank=True, max_length=300
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    mime = models.CharField(_("file type"), max_length=50, blank=True)
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True)
    scan = models.CharField(_("virus scan"), max_length=12, choices=ScanResult.choices, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "integrations.Organisation",
        verbose_name=_("transferred by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translations",
    )
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("reused from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["type", "created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "applicant", "cycle", "type", "sha256"],
                condition=models.Q(organisation__isnull=False, reused_from__isnull=True),
                name="one_transfer_of_a_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.applicant}"

    @property
    def display_title(self) -> str:
        return self.title or str(self.get_type_display())

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class DocumentStatusChange(models.Model):
    """The history of a document's status: who, when, why."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "integrations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document status change")
        verbose_name_plural = _("document status changes")
        ordering = ["at", "id"]


class DocumentAssignment(models.Model):
    """A document sent with an application to a program; ``late`` when assigned after the
    application deadline (programs are told)."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="assignments"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="document_assignments",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("document assignment")
        verbose_name_plural = _("document assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "application"], name="one_document_assignment_per_application"
            )
        ]


class PersonalLetter(models.Model):
    """A personal letter written online for one program; locked once assigned."""

    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="personal_letters",
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="personal_letters",
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    text = models.TextField(_("letter"))
    updated_at = models.DateTimeField(_("last saved at"), auto_now=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("personal letter")
        verbose_name_plural = _("personal letters")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "program"], name="one_personal_letter_per_program"
            )
        ]

    @property
    def locked(self) -> bool:
        return self.assigned_at is not None

    def __str__(self) -> str:
        return f"{self.applicant} → {self.program}"


class VerificationSource(models.TextChoices):
    MCC = "mcc", _("Shared by the Medical Council of Canada (identity validity period)")
    DOCUMENT = "document", _("Uploaded proof")


class VerificationState(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class StatusVerification(models.Model):
    """Citizenship or legal status, verified once for all later iterations and cycles (not tied
    to a cycle)."""

    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="status_verifications",
    )
    source = models.CharField(_("source"), max_length=10, choices=VerificationSource.choices)
    state = models.CharField(_("state"), max_length=10, choices=VerificationState.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    document = models.OneToOneField(
        Document,
        verbose_name=_("proof"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verification",
    )
    organisation = models.ForeignKey(
        "integrations.Organisation",
        verbose_name=_("shared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("citizenship or legal status verification")
        verbose_name_plural = _("citizenship or legal status verifications")
        ordering = ["-created_at", "-id"]


class TranslationState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")


class TranslationRequest(models.Model):
    """A translation (EN↔FR) through the platform's service: charged when requested, never
    cancelled, guaranteed back by ``due_at`` (the application deadline).

    It targets exactly one of ``document`` (the MSPR: the translation is the document
    ``translation``, created as "requested" and filled in by the translator) or ``reference``
    (a received reference: the translation is ``file``, part of the reference's content, read
    only behind ``reference.read_content`` — never by the applicant)."""

    document = models.ForeignKey(
        Document,
        verbose_name=_("document to translate"),
        on_delete=models.PROTECT,
        related_name="translation_requests",
        null=True,
        blank=True,
    )
    reference = models.ForeignKey(
        "references.ReferenceRequest",
        verbose_name=_("reference to translate"),
        on_delete=models.PROTECT,
        related_name="translation_requests",
        null=True,
        blank=True,
    )
    translation = models.OneToOneField(
        Document,
        verbose_name=_("translation"),
        on_delete=models.PROTECT,
        related_name="translation_request",
        null=True,
        blank=True,
    )
    file = models.FileField(
        _("translated reference"),
        storage=get_private_storage,
        upload_to="reference-translations/",
        blank=True,
        max_length=300,
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    from_language = models.CharField(_("from"), max_length=2, choices=Language.choices)
    to_language = models.CharField(_("to"), max_length=2, choices=Language.choices)
    state = models.CharField(_("state"), max_length=12, choices=TranslationState.choices)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    due_at = models.DateTimeField(_("due at"))
    fee_cents = models.PositiveIntegerField(_("fee (cents)"))
    ledger_entry = models.ForeignKey(
        "fees.LedgerEntry",
        verbose_name=_("charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    translator = models.ForeignKey(
        "integrations.Organisation",
        verbose_name=_("translator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translation_requests",
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("translation request")
        verbose_name_plural = _("translation requests")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "to_language"], name="one_translation_request_per_language"
            ),
            models.UniqueConstraint(
                fields=["reference", "to_language"],
                condition=models.Q(reference__isnull=False),
                name="one_reference_translation_per_language",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(document__isnull=False, reference__isnull=True)
                    | models.Q(document__isnull=True, reference__isnull=False)
                ),
                name="translation_of_a_document_or_a_reference",
            ),
        ]

    @property
    def is_reference(self) -> bool:
        return self.reference_id is not None
