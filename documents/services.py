"""Writes of the documents domain. Every status change goes through here, with a history line
and an audit entry."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import format_toronto, require_iteration, require_window
from cycles.models import Cycle, Iteration, MilestoneKind
from cycles.selectors import has_passed, milestone_at
from documents.models import (
    Document,
    DocumentAssignment,
    DocumentStatus,
    DocumentStatusChange,
    DocumentType,
    Language,
    PersonalLetter,
    Source,
    StatusVerification,
    TranslationRequest,
    TranslationState,
    VerificationSource,
    VerificationState,
)
from documents.uploads import CleanFile, clean_upload
from integrations.models import Organisation, OrganisationKind
from programs.models import Program

TRANSLATION_FEE_CODE = "translation"

#: Types only a third party sends (the applicant cannot upload them).
THIRD_PARTY_ONLY = frozenset(
    {
        DocumentType.CASPER,
        DocumentType.FMPROC,
        DocumentType.MCC_EXAM,
        DocumentType.MMI,
        DocumentType.CAP_REPORT,
    }
)
#: What each kind of organisation may transfer.
TRANSFERABLE = {
    OrganisationKind.SCHOOL: frozenset({DocumentType.MSPR, DocumentType.TRANSCRIPT}),
    OrganisationKind.MCC: frozenset({DocumentType.MCC_EXAM}),
    OrganisationKind.CASPER: frozenset({DocumentType.CASPER}),
    OrganisationKind.FMPROC: frozenset({DocumentType.FMPROC}),
    OrganisationKind.PROVINCIAL_BODY: frozenset({DocumentType.MMI, DocumentType.CAP_REPORT}),
}
#: Documents the platform's translation service translates.
TRANSLATABLE = frozenset({DocumentType.MSPR})


# --- Helpers ----------------------------------------------------------------------------------


def _set_status(
    document: Document,
    *,
    status: str,
    actor: Any | None = None,
    organisation: Organisation | None = None,
    reason: str = "",
) -> None:
    document.status = status
    document.rejected_reason = reason if status == DocumentStatus.REJECTED else ""
    document.save(update_fields=["status", "rejected_reason"])
    DocumentStatusChange.objects.create(
        document=document,
        status=status,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
    )
    audit(
        actor=actor,
        action=f"documents.document.{status}",
        target=document,
        data={"reason": reason}
        if reason
        else ({"organisation": organisation.pk} if organisation else {}),
    )


def _store(document: Document, clean: CleanFile, *, uploaded_by: Any | None) -> None:
    document.file.save(
        f"{document.applicant_id}/{uuid.uuid4().hex}.{clean.extension}",
        ContentFile(clean.content),
        save=False,
    )
    document.sha256 = clean.sha256
    document.size = clean.size
    document.mime = clean.mime
    document.original_filename = clean.original_filename
    document.scan = clean.scan
    document.uploaded_at = timezone.now()
    document.uploaded_by = uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None


def _language(value: str) -> str:
    if value not in Language.values:
        raise DomainError(_("Choose the document's language: English or French."), code="language")
    return value


def _own(applicant: ApplicantProfile, document: Document) -> Document:
    """The document as stored now (locked for the transaction), if it is the applicant's."""
    if document.applicant_id != applicant.pk:
        raise DomainError(_("This document is not yours."), code="forbidden")
    return (
        Document.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=document.pk)
    )


def _notify_received(document: Document) -> None:
    from documents.emails import queue_document_received

    queue_document_received(document)


# --- Uploads by the applicant -----------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    applicant: ApplicantProfile,
    cycle: Cycle | None,
    doc_type: str,
    language: str,
    upload: Any,
    filename: str,
    title: str = "",
) -> Document:
    """An applicant's own upload: checked and cleaned, then "uploaded" (waiting to be processed).

    A proof of citizenship is not tied to a cycle and opens a verification by the administrator.
    """
    if doc_type not in DocumentType.values:
        raise DomainError(_("Choose the type of document."), code="type")
    if doc_type in THIRD_PARTY_ONLY:
        raise DomainError(
            _(
                "%(type)s is sent to the platform by the organisation that issues it; you cannot "
                "upload it yourself."
            )
            % {"type": DocumentType(doc_type).label},
            code="third_party_only",
        )
    language = _language(language)
    if doc_type != DocumentType.CITIZENSHIP and cycle is None:
        raise DomainError(_("No match cycle is open."), code="no_cycle")
    clean = clean_upload(upload=upload, filename=filename, doc_type=doc_type)
    document = Document(
        applicant=applicant,
        cycle=None if doc_type == DocumentType.CITIZENSHIP else cycle,
        type=doc_type,
        source=Source.APPLICANT,
        language=language,
        title=title.strip()[:200],
        status=DocumentStatus.UPLOADED,
    )
    _store(document, clean, uploaded_by=applicant.user)
    document.save()
    _history_and_audit(document, actor=applicant.user)
    if doc_type == DocumentType.CITIZENSHIP:
        StatusVerification.objects.create(
            applicant=applicant,
            source=VerificationSource.DOCUMENT,
            state=VerificationState.PENDING,
            document=document,
        )
    return document


def _history_and_audit(
    document: Document, *, actor: Any | None = None, organisation: Organisation | None = None
) -> None:
    DocumentStatusChange.objects.create(
        document=document,
        status=document.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
    )
    audit(
        actor=actor,
        action=f"documents.document.{document.status}",
        target=document,
        data={
            "type": document.type,
            "sha256": document.sha256,
            "scan": document.scan,
            **({"organisation": organisation.pk} if organisation else {}),
        },
    )


# --- Transfers by third parties (API) ---------------------------------------------------------


@transaction.atomic
def document_transfer(
    *,
    organisation: Organisation,
    applicant: ApplicantProfile,
    cycle: Cycle | None,
    doc_type: str,
    language: str,
    upload: Any,
    filename: str,
) -> tuple[Document, bool]:
    """A document sent by a school or a third party: "received". Idempotent on (organisation,
    applicant, type, SHA-256 of the cleaned file) within a cycle: sending the same file again
    returns the document already received (``created`` is False)."""
    allowed = TRANSFERABLE.get(organisation.kind, frozenset())
    if doc_type not in allowed:
        raise DomainError(
            _("This organisation (%(kind)s) may not send this type of document.")
            % {"kind": organisation.get_kind_display()},
            code="type_not_allowed",
        )
    if cycle is None:
        raise DomainError(_("No match cycle is open."), code="no_cycle")
    language = _language(language)
    clean = clean_upload(upload=upload, filename=filename, doc_type=doc_type)
    # One transfer at a time per applicant, so that two identical sends make one document.
    ApplicantProfile.objects.select_for_update().filter(pk=applicant.pk).first()
    existing = Document.objects.filter(
        organisation=organisation,
        applicant=applicant,
        cycle=cycle,
        type=doc_type,
        sha256=clean.sha256,
        reused_from__isnull=True,
    ).first()
    if existing is not None:
        return existing, False
    document = Document(
        applicant=applicant,
        cycle=cycle,
        type=doc_type,
        source=Source.SCHOOL
        if organisation.kind == OrganisationKind.SCHOOL
        else Source.THIRD_PARTY,
        language=language,
        status=DocumentStatus.RECEIVED,
        organisation=organisation,
    )
    _store(document, clean, uploaded_by=None)
    document.save()
    _history_and_audit(document, organisation=organisation)
    _notify_received(document)
    return document, True


# --- Processing by the administrator ----------------------------------------------------------


def _lock(document: Document) -> Document:
    return (
        Document.objects.select_for_update().select_related("applicant__user").get(pk=document.pk)
    )


@transaction.atomic
def document_process(*, actor: Any, document: Document) -> Document:
    """Mark an uploaded or received document as processed (checked and part of the file)."""
    document = _lock(document)
    if document.status not in (DocumentStatus.UPLOADED, DocumentStatus.RECEIVED):
        raise DomainError(
            _(
                "Only an uploaded or received document can be marked processed (this one is "
                "“%(status)s”)."
            )
            % {"status": document.get_status_display()},
            code="status",
        )
    _set_status(document, status=DocumentStatus.PROCESSED, actor=actor)
    return document


@transaction.atomic
def document_reject(*, actor: Any, document: Document, reason: str) -> Document:
    """Reject a document with a reason the applicant reads; they get an e-mail in their
    language and may upload a new one."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for the rejection: the applicant reads it to fix the problem."),
            code="reason",
        )
    document = _lock(document)
    if document.status == DocumentStatus.REJECTED:
        raise DomainError(_("This document was already rejected."), code="status")
    if document.status == DocumentStatus.REQUESTED:
        raise DomainError(_("This document has not arrived yet."), code="status")
    _set_status(document, status=DocumentStatus.REJECTED, actor=actor, reason=reason)
    from documents.emails import queue_document_rejected

    queue_document_rejected(document)
    return document


# --- Citizenship and legal status -------------------------------------------------------------


@transaction.atomic
def status_share_from_mcc(
    *, organisation: Organisation, applicant: ApplicantProfile, valid_until: dt.date
) -> StatusVerification:
    """The MCC shares the applicant's identity validity period: verified until ``valid_until``.
    Sending the same period again changes nothing."""
    if organisation.kind != OrganisationKind.MCC:
        raise DomainError(_("Only the Medical Council of Canada shares this status."), code="kind")
    if valid_until < timezone.localdate():
        raise DomainError(
            _("The identity validity period has already ended; send a current one."),
            code="expired",
        )
    existing = StatusVerification.objects.filter(
        applicant=applicant,
        source=VerificationSource.MCC,
        state=VerificationState.VERIFIED,
        valid_until=valid_until,
    ).first()
    if existing is not None:
        return existing
    verification = StatusVerification.objects.create(
        applicant=applicant,
        source=VerificationSource.MCC,
        state=VerificationState.VERIFIED,
        valid_until=valid_until,
        organisation=organisation,
        decided_at=timezone.now(),
    )
    audit(
        actor=None,
        action="documents.status.shared_by_mcc",
        target=verification,
        data={"organisation": organisation.pk, "valid_until": valid_until.isoformat()},
    )
    return verification


def _pending(verification: StatusVerification) -> StatusVerification:
    verification = StatusVerification.objects.select_for_update().get(pk=verification.pk)
    if verification.source != VerificationSource.DOCUMENT or verification.document_id is None:
        raise DomainError(_("Only an uploaded proof is verified here."), code="source")
    if verification.state != VerificationState.PENDING:
        raise DomainError(
            _("This proof was already decided (“%(state)s”).")
            % {"state": verification.get_state_display()},
            code="decided",
        )
    return verification


@transaction.atomic
def status_verify(*, actor: Any, verification: StatusVerification) -> StatusVerification:
    """The administrator accepts an uploaded proof of citizenship or legal status."""
    verification = _pending(verification)
    verification.state = VerificationState.VERIFIED
    verification.decided_at = timezone.now()
    verification.decided_by = actor
    verification.save(update_fields=["state", "decided_at", "decided_by"])
    document = _lock(verification.document)  # type: ignore[arg-type]
    if document.status != DocumentStatus.PROCESSED:
        _set_status(document, status=DocumentStatus.PROCESSED, actor=actor)
    audit(actor=actor, action="documents.status.verified", target=verification)
    return verification


@transaction.atomic
def status_reject(
    *, actor: Any, verification: StatusVerification, reason: str
) -> StatusVerification:
    """The administrator refuses an uploaded proof, with a reason (the document is rejected and
    the applicant told by e-mail)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for the rejection: the applicant reads it to fix the problem."),
            code="reason",
        )
    verification = _pending(verification)
    verification.state = VerificationState.REJECTED
    verification.reason = reason
    verification.decided_at = timezone.now()
    verification.decided_by = actor
    verification.save(update_fields=["state", "reason", "decided_at", "decided_by"])
    document_reject(actor=actor, document=verification.document, reason=reason)  # type: ignore[arg-type]
    audit(actor=actor, action="documents.status.rejected", target=verification)
    return verification


# --- Reuse from an earlier cycle --------------------------------------------------------------


@transaction.atomic
def document_reuse(*, applicant: ApplicantProfile, document: Document, cycle: Cycle) -> Document:
    """Copy a document of an earlier cycle into ``cycle``: a new row pointing at the same stored
    file, with its status carried over."""
    document = _own(applicant, document)
    if document.cycle is None or document.cycle.year >= cycle.year:
        raise DomainError(
            _("Only a document of an earlier cycle can be reused."), code="not_earlier"
        )
    if document.status in (DocumentStatus.REJECTED, DocumentStatus.REQUESTED) or not document.file:
        raise DomainError(
            _("A rejected or missing document cannot be reused: upload a new one."),
            code="status",
        )
    if Document.objects.filter(reused_from=document, cycle=cycle).exists():
        raise DomainError(_("This document is already in the current cycle."), code="already")
    copy = Document.objects.create(
        applicant=applicant,
        cycle=cycle,
        type=document.type,
        source=document.source,
        language=document.language,
        title=document.title,
        status=document.status,
        file=document.file.name,
        sha256=document.sha256,
        size=document.size,
        mime=document.mime,
        original_filename=document.original_filename,
        scan=document.scan,
        uploaded_at=document.uploaded_at,
        uploaded_by=document.uploaded_by,
        organisation=document.organisation,
        reused_from=document,
    )
    DocumentStatusChange.objects.create(
        document=copy,
        status=copy.status,
        reason=_("Reused from %(cycle)s") % {"cycle": document.cycle},
        actor=applicant.user,
    )
    audit(
        actor=applicant.user,
        action="documents.document.reused",
        target=copy,
        data={"from": document.pk},
    )
    return copy


# --- Assignments to applications --------------------------------------------------------------


def _application(applicant: ApplicantProfile, application: Application) -> Application:
    if application.applicant_id != applicant.pk:
        raise DomainError(_("This application is not yours."), code="forbidden")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("You withdrew this application."), code="withdrawn")
    return application


@transaction.atomic
def document_assign(
    *, applicant: ApplicantProfile, document: Document, application: Application
) -> DocumentAssignment:
    """Send a document with an application. Allowed until rank order list entry opens; after
    the application deadline the assignment is marked late (the program is told)."""
    document = _own(applicant, document)
    application = _application(applicant, application)
    cycle = application.program.cycle
    iteration = require_iteration(cycle)
    require_window(
        iteration,
        opens=MilestoneKind.PROGRAM_SELECTION,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Assigning documents"),
    )
    if document.cycle_id not in (None, cycle.pk):
        raise DomainError(
            _("This document belongs to an earlier cycle: reuse it in the current one first."),
            code="cycle",
        )
    if document.status in (DocumentStatus.REJECTED, DocumentStatus.REQUESTED):
        raise DomainError(
            _("A rejected document, or one not yet received, cannot be assigned."),
            code="status",
        )
    existing = DocumentAssignment.objects.filter(document=document, application=application).first()
    if existing is not None:
        return existing
    assignment = DocumentAssignment.objects.create(
        document=document,
        application=application,
        late=has_passed(iteration, MilestoneKind.APPLICATION_DEADLINE),
    )
    audit(
        actor=applicant.user,
        action="documents.document.assigned",
        target=assignment,
        data={"document": document.pk, "application": application.pk, "late": assignment.late},
    )
    return assignment


@transaction.atomic
def document_assign_all(
    *, applicant: ApplicantProfile, document: Document
) -> list[DocumentAssignment]:
    """Assign a document to every application of its cycle (chosen or submitted) at once."""
    cycle_id = document.cycle_id
    applications = list(
        Application.objects.filter(applicant=applicant)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .filter(
            **(
                {"program__cycle_id": cycle_id}
                if cycle_id
                else {"program__cycle__is_current": True}
            )
        )
        .select_related("program__cycle")
    )
    if not applications:
        raise DomainError(
            _("Choose programs in “My applications” before assigning documents."),
            code="no_application",
        )
    return [
        document_assign(applicant=applicant, document=document, application=application)
        for application in applications
    ]


@transaction.atomic
def document_unassign(*, applicant: ApplicantProfile, assignment: DocumentAssignment) -> None:
    """Take a document back from an application, before the application deadline (after it,
    programs may already be reviewing the file)."""
    assignment = DocumentAssignment.objects.select_related(
        "document", "application__program__cycle"
    ).get(pk=assignment.pk)
    _own(applicant, assignment.document)
    require_window(
        require_iteration(assignment.application.program.cycle),
        opens=None,
        closes=MilestoneKind.APPLICATION_DEADLINE,
        what=_("Unassigning documents"),
    )
    audit(
        actor=applicant.user,
        action="documents.document.unassigned",
        target=assignment.document,
        data={"application": assignment.application_id},
    )
    assignment.delete()


# --- Personal letters -------------------------------------------------------------------------


@transaction.atomic
def personal_letter_save(
    *, applicant: ApplicantProfile, program: Program, text: str, language: str
) -> PersonalLetter:
    """Write or edit the personal letter for ``program`` (one per program), until it is assigned."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the letter before saving it."), code="empty")
    if len(text) > 10000:
        raise DomainError(
            _("The letter is too long: at most 10,000 characters (it has %(n)s).")
            % {"n": len(text)},
            code="too_long",
        )
    language = _language(language)
    require_window(
        require_iteration(program.cycle),
        opens=None,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Writing personal letters"),
    )
    letter = (
        PersonalLetter.objects.select_for_update()
        .filter(applicant=applicant, program=program)
        .first()
    )
    if letter is not None and letter.locked:
        raise DomainError(
            _(
                "This letter was assigned to your application and is locked: it can no longer be "
                "changed."
            ),
            code="locked",
        )
    if letter is None:
        letter = PersonalLetter.objects.create(
            applicant=applicant, program=program, text=text, language=language
        )
        action = "documents.letter.created"
    else:
        letter.text = text
        letter.language = language
        letter.save(update_fields=["text", "language", "updated_at"])
        action = "documents.letter.edited"
    audit(actor=applicant.user, action=action, target=letter, data={"length": len(text)})
    return letter


@transaction.atomic
def personal_letter_assign(
    *, applicant: ApplicantProfile, letter: PersonalLetter
) -> PersonalLetter:
    """Assign the letter to the application to its program; from then on it is locked."""
    letter = (
        PersonalLetter.objects.select_for_update()
        .select_related("program__cycle")
        .get(pk=letter.pk)
    )
    if letter.applicant_id != applicant.pk:
        raise DomainError(_("This letter is not yours."), code="forbidden")
    if letter.locked:
        return letter
    iteration = require_iteration(letter.program.cycle)
    require_window(
        iteration,
        opens=MilestoneKind.PROGRAM_SELECTION,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Assigning documents"),
    )
    if (
        not Application.objects.filter(applicant=applicant, program=letter.program)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        raise DomainError(
            _("Choose this program in “My applications” before assigning its letter."),
            code="no_application",
        )
    letter.assigned_at = timezone.now()
    letter.late = has_passed(iteration, MilestoneKind.APPLICATION_DEADLINE)
    letter.save(update_fields=["assigned_at", "late"])
    audit(actor=applicant.user, action="documents.letter.assigned", target=letter)
    return letter


# --- Translations -----------------------------------------------------------------------------


def translation_cutoff(iteration: Iteration) -> dt.datetime | None:
    """Requests made before this moment are guaranteed back by the application deadline."""
    deadline = milestone_at(iteration, MilestoneKind.APPLICATION_DEADLINE)
    if deadline is None:
        return None
    return deadline - dt.timedelta(days=int(settings.TRANSLATION_LEAD_DAYS))


def _other(language: str) -> str:
    return Language.FR if language == Language.EN else Language.EN


def _translation_window(cycle: Cycle) -> tuple[dt.datetime, dt.datetime]:
    """When translation requests close, and when translations are due (the application
    deadline), for ``cycle``'s iteration; refused if its calendar is not set."""
    iteration = require_iteration(cycle)
    cutoff = translation_cutoff(iteration)
    deadline = milestone_at(iteration, MilestoneKind.APPLICATION_DEADLINE)
    if cutoff is None or deadline is None:
        raise DomainError(_("This cycle has no calendar yet."), code="no_calendar")
    return cutoff, deadline


@transaction.atomic
def translation_request(*, applicant: ApplicantProfile, document: Document) -> TranslationRequest:
    """Ask the platform's service to translate a document into the other language. The fee is
    charged to the applicant's account now; a request cannot be cancelled."""
    from fees.services import fees_charge_administrative

    document = _own(applicant, document)
    if document.type not in TRANSLATABLE:
        raise DomainError(
            _(
                "The translation service translates the MSPR only (references are translated "
                "with their own requests)."
            ),
            code="not_translatable",
        )
    if document.translation_of_id is not None or not document.file or document.cycle is None:
        raise DomainError(_("This document cannot be translated."), code="not_translatable")
    if document.status == DocumentStatus.REJECTED:
        raise DomainError(_("A rejected document cannot be translated."), code="status")
    target = _other(document.language)
    if TranslationRequest.objects.filter(document=document, to_language=target).exists():
        raise DomainError(
            _("A translation of this document was already requested."), code="already"
        )
    cutoff, deadline = _translation_window(document.cycle)
    if timezone.now() >= cutoff:
        raise DomainError(
            _(
                "Translation requests closed on %(when)s (Toronto time). Have the document "
                "translated elsewhere and upload the translation yourself before the application "
                "deadline, %(deadline)s."
            )
            % {"when": format_toronto(cutoff), "deadline": format_toronto(deadline)},
            code="closed",
        )
    entry = fees_charge_administrative(
        actor=applicant.user, applicant=applicant, cycle=document.cycle, code=TRANSLATION_FEE_CODE
    )
    placeholder = Document.objects.create(
        applicant=applicant,
        cycle=document.cycle,
        type=document.type,
        source=Source.THIRD_PARTY,
        language=target,
        title=_("Translation of %(title)s") % {"title": document.display_title},
        status=DocumentStatus.REQUESTED,
        translation_of=document,
    )
    _history_and_audit(placeholder, actor=applicant.user)
    request = TranslationRequest.objects.create(
        document=document,
        translation=placeholder,
        from_language=document.language,
        to_language=target,
        state=TranslationState.REQUESTED,
        due_at=deadline,
        fee_cents=entry.amount_cents,
        ledger_entry=entry,
    )
    audit(
        actor=applicant.user,
        action="documents.translation.requested",
        target=request,
        data={"fee_cents": entry.amount_cents, "due_at": deadline.isoformat()},
    )
    return request


def _translator_request(
    organisation: Organisation, request: TranslationRequest
) -> TranslationRequest:
    if organisation.kind != OrganisationKind.TRANSLATOR:
        raise DomainError(_("Only the translation service delivers translations."), code="kind")
    request = TranslationRequest.objects.select_for_update().get(pk=request.pk)
    if request.translator_id not in (None, organisation.pk):
        raise DomainError(_("Another translator took this request."), code="taken")
    if request.state == TranslationState.DELIVERED:
        raise DomainError(_("This translation was already delivered."), code="delivered")
    return request


@transaction.atomic
def translation_start(
    *, organisation: Organisation, request: TranslationRequest
) -> TranslationRequest:
    request = _translator_request(organisation, request)
    if request.state == TranslationState.REQUESTED:
        request.state = TranslationState.IN_PROGRESS
        request.translator = organisation
        request.save(update_fields=["state", "translator"])
        audit(
            actor=None,
            action="documents.translation.started",
            target=request,
            data={"organisation": organisation.pk},
        )
    return request


@transaction.atomic
def translation_deliver(
    *, organisation: Organisation, request: TranslationRequest, upload: Any, filename: str
) -> TranslationRequest:
    """The translator uploads the translation (same checks as every upload): the requested
    document becomes "received"."""
    request = _translator_request(organisation, request)
    clean = clean_upload(upload=upload, filename=filename, doc_type=DocumentType.MSPR)
    if request.reference_id is not None:
        return _reference_translation_deliver(
            organisation=organisation, request=request, clean=clean
        )
    document = _lock(request.translation)
    _store(document, clean, uploaded_by=None)
    document.organisation = organisation
    document.save()
    _set_status(document, status=DocumentStatus.RECEIVED, organisation=organisation)
    request.state = TranslationState.DELIVERED
    request.translator = organisation
    request.delivered_at = timezone.now()
    request.save(update_fields=["state", "translator", "delivered_at"])
    _notify_received(document)
    audit(
        actor=None,
        action="documents.translation.delivered",
        target=request,
        data={"organisation": organisation.pk, "late": request.delivered_at > request.due_at},
    )
    return request


@transaction.atomic
def outside_translation_upload(
    *, applicant: ApplicantProfile, document: Document, upload: Any, filename: str
) -> Document:
    """The applicant uploads a translation made elsewhere, before the application deadline."""
    document = _own(applicant, document)
    if document.type not in TRANSLATABLE or document.cycle is None or document.translation_of_id:
        raise DomainError(
            _("Only the MSPR of the current cycle takes an outside translation here."),
            code="not_translatable",
        )
    require_window(
        require_iteration(document.cycle),
        opens=None,
        closes=MilestoneKind.APPLICATION_DEADLINE,
        what=_("Uploading a translation"),
    )
    target = _other(document.language)
    if TranslationRequest.objects.filter(document=document, to_language=target).exists():
        raise DomainError(
            _(
                "The translation service is already translating this document (requests cannot "
                "be cancelled)."
            ),
            code="already",
        )
    clean = clean_upload(upload=upload, filename=filename, doc_type=document.type)
    translation = Document(
        applicant=applicant,
        cycle=document.cycle,
        type=document.type,
        source=Source.APPLICANT,
        language=target,
        title=_("Translation of %(title)s") % {"title": document.display_title},
        status=DocumentStatus.UPLOADED,
        translation_of=document,
    )
    _store(translation, clean, uploaded_by=applicant.user)
    translation.save()
    _history_and_audit(translation, actor=applicant.user)
    return translation


# --- Translations of references ---------------------------------------------------------------
# The applicant never reads a reference (``reference.read_content``): they may only ask the
# platform's service to translate it, and see the state of the request, never the text.


def translation_fee_cents(cycle: Cycle) -> int | None:
    """The translation fee of the cycle (shown before the applicant confirms), None if unset."""
    from fees.models import AdministrativeFee

    fee = AdministrativeFee.objects.filter(schedule__cycle=cycle, code=TRANSLATION_FEE_CODE).first()
    return fee.amount_cents if fee else None


def _own_reference(applicant: ApplicantProfile, reference: Any) -> Any:
    from references.models import ReferenceRequest

    if reference.applicant_id != applicant.pk:
        raise DomainError(_("This reference is not yours."), code="forbidden")
    return (
        ReferenceRequest.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=reference.pk)
    )


@transaction.atomic
def reference_translation_request(
    *, applicant: ApplicantProfile, reference: Any, to_language: str
) -> TranslationRequest:
    """Ask the platform's service to translate a received reference into ``to_language``. Same
    fee, lead time and due date as the MSPR; charged now, never cancelled."""
    from fees.services import fees_charge_administrative
    from references.models import ReferenceContent, ReferenceState

    reference = _own_reference(applicant, reference)
    if to_language not in Language.values:
        raise DomainError(
            _("Choose the language of the translation: English or French."), code="language"
        )
    if (
        reference.state != ReferenceState.RECEIVED
        or not ReferenceContent.objects.filter(request=reference).exists()
    ):
        raise DomainError(
            _("This reference has not arrived yet: request its translation once it is received."),
            code="not_received",
        )
    if TranslationRequest.objects.filter(reference=reference, to_language=to_language).exists():
        raise DomainError(
            _("A translation of this reference into this language was already requested."),
            code="already",
        )
    cutoff, deadline = _translation_window(reference.cycle)
    if timezone.now() >= cutoff:
        raise DomainError(
            _(
                "Translation requests closed on %(when)s (Toronto time): a request made later "
                "could not be guaranteed back before file review. References are translated "
                "only by the platform's service, so this reference stays in its language."
            )
            % {"when": format_toronto(cutoff)},
            code="closed",
        )
    entry = fees_charge_administrative(
        actor=applicant.user, applicant=applicant, cycle=reference.cycle, code=TRANSLATION_FEE_CODE
    )
    request = TranslationRequest.objects.create(
        reference=reference,
        from_language=_other(to_language),
        to_language=to_language,
        state=TranslationState.REQUESTED,
        due_at=deadline,
        fee_cents=entry.amount_cents,
        ledger_entry=entry,
    )
    audit(
        actor=applicant.user,
        action="documents.reference_translation.requested",
        target=request,
        data={
            "reference": reference.reference_id,
            "fee_cents": entry.amount_cents,
            "due_at": deadline.isoformat(),
        },
    )
    return request


def reference_outside_translation_upload(
    *, applicant: ApplicantProfile, reference: Any, upload: Any, filename: str
) -> None:
    """Always refused: an outside translation would need the reference's content, which the
    applicant never reads. Nothing is stored."""
    raise DomainError(
        _(
            "A reference cannot take an outside translation: you never see what your referee "
            "wrote, so only the platform's translation service can translate it. Request a "
            "translation instead."
        ),
        code="not_translatable",
    )


def _reference_translation_deliver(
    *, organisation: Organisation, request: TranslationRequest, clean: CleanFile
) -> TranslationRequest:
    """Store the translated reference with the reference's content (never a document of the
    applicant); the applicant is told it arrived, not what it says."""
    if request.translator_id != organisation.pk:
        raise DomainError(
            _("Take the request before delivering its translation."), code="not_started"
        )
    request.file.save(
        f"{request.reference_id}/{uuid.uuid4().hex}.{clean.extension}",
        ContentFile(clean.content),
        save=False,
    )
    request.sha256 = clean.sha256
    request.size = clean.size
    request.state = TranslationState.DELIVERED
    request.delivered_at = timezone.now()
    request.save(update_fields=["file", "sha256", "size", "state", "delivered_at"])
    from documents.emails import queue_reference_translation_delivered

    queue_reference_translation_delivered(request)
    audit(
        actor=None,
        action="documents.reference_translation.delivered",
        target=request,
        data={"organisation": organisation.pk, "late": request.delivered_at > request.due_at},
    )
    return request
