"""Writes of references: requests, the referee's link, letters received, early letters,
assignments to programs.

Windows (Toronto time, see docs/references.md):
- requests are created, finalised and re-sent from match opening until rank order list entry
  opens; placeholders for early letters are claimed in the same window;
- referees submit until rank order list entry opens; a letter received after the application
  deadline is marked late;
- references are assigned to applications from program selection until ranking opens (after
  the application deadline the assignment is marked late) and unassigned until the application
  deadline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile
from applicants.selectors import participation_active
from applications.models import Application, ApplicationStatus
from core.audit import audit
from core.errors import DomainError
from core.tokens import digest, new_secret
from cycles.deadlines import require_iteration, require_window
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import has_passed
from documents.models import DocumentType
from documents.uploads import clean_upload
from programs.models import Discipline
from references import questions as q
from references.models import (
    Delivery,
    ReferenceAssignment,
    ReferenceContent,
    ReferenceKind,
    ReferenceRequest,
    ReferenceState,
    StructuredForm,
)
from references.selectors import link_expired

_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def clean_letter(uploaded_file: Any) -> bytes:
    """A referee's PDF, checked and cleaned by the documents pipeline
    (:func:`documents.uploads.clean_upload`: sniffing, encrypted and malformed PDFs refused,
    active content and metadata removed, virus scan), under the references' own size cap."""
    from django.template.defaultfilters import filesizeformat

    limit = int(settings.REFERENCE_MAX_UPLOAD_BYTES)
    size = getattr(uploaded_file, "size", None)
    if size is None and hasattr(uploaded_file, "read"):
        size = len(uploaded_file.read(limit + 1))
    if size is not None and size > limit:
        raise DomainError(
            _("The file is larger than %(limit)s. Send a smaller PDF (scan at a lower resolution).")
            % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    try:
        clean = clean_upload(
            upload=uploaded_file,
            filename=str(getattr(uploaded_file, "name", "") or "letter.pdf"),
            doc_type=DocumentType.SUPPLEMENTARY,  # any PDF-only type: a PDF is required
        )
    except DomainError as exc:
        if exc.code in ("type", "mislabelled"):
            raise DomainError(
                _("This file is not a PDF. Save or export the letter as PDF and send it again."),
                code="not_pdf",
            ) from None
        raise
    return clean.content


def _new_reference_id() -> str:
    while True:
        candidate = "REF-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))
        if not ReferenceRequest.objects.filter(reference_id=candidate).exists():
            return candidate


def _requests_window(cycle: Cycle, what: str) -> None:
    require_window(
        require_iteration(cycle),
        opens=MilestoneKind.OPENING,
        closes=MilestoneKind.RANKING_OPENS,
        what=what,
    )


def _require_owner(applicant: ApplicantProfile, request: ReferenceRequest) -> None:
    if request.applicant_id != applicant.pk:
        raise DomainError(_("This reference request is not yours."), code="forbidden")


def _require_participating(applicant: ApplicantProfile, cycle: Cycle) -> None:
    if not participation_active(applicant, cycle):
        raise DomainError(
            _("Accept the applicant contract first (you may also have withdrawn from the match)."),
            code="not_participating",
        )


MESSAGE_MAX_LENGTH = 2000


def _check_fields(
    *, kind: str, referee_name: str, referee_email: str, delivery: str, message: str = ""
) -> None:
    if len(message) > MESSAGE_MAX_LENGTH:
        raise DomainError(
            _("The message to the referee is longer than %(n)s characters; shorten it.")
            % {"n": MESSAGE_MAX_LENGTH},
            code="message",
        )
    if kind not in ReferenceKind.values:
        raise DomainError(_("Choose the type of reference."), code="kind")
    if not referee_name.strip():
        raise DomainError(_("Enter the referee's name."), code="referee_name")
    if delivery not in Delivery.values:
        raise DomainError(_("Choose how the referee gets the request."), code="delivery")
    if delivery == Delivery.EMAIL and not referee_email.strip():
        raise DomainError(
            _("Enter the referee's e-mail address, or choose to print a cover sheet instead."),
            code="referee_email",
        )


# --- The applicant's requests -----------------------------------------------------------------


@transaction.atomic
def reference_request_create(
    *,
    applicant: ApplicantProfile,
    cycle: Cycle,
    kind: str,
    referee_name: str,
    referee_email: str = "",
    referee_language: str = "en",
    discipline: Discipline | None = None,
    message: str = "",
    delivery: str = Delivery.EMAIL,
) -> ReferenceRequest:
    """A new draft request. Nothing is sent until it is finalised."""
    _requests_window(cycle, _("Requesting references"))
    _require_participating(applicant, cycle)
    _check_fields(
        kind=kind,
        referee_name=referee_name,
        referee_email=referee_email,
        delivery=delivery,
        message=message,
    )
    request = ReferenceRequest.objects.create(
        reference_id=_new_reference_id(),
        applicant=applicant,
        cycle=cycle,
        kind=kind,
        referee_name=referee_name.strip(),
        referee_email=referee_email.strip(),
        referee_language=referee_language,
        discipline=discipline,
        message=message.strip(),
        delivery=delivery,
    )
    audit(actor=applicant.user, action="references.request.created", target=request)
    return request


@transaction.atomic
def reference_request_update(
    *,
    applicant: ApplicantProfile,
    request: ReferenceRequest,
    kind: str,
    referee_name: str,
    referee_email: str = "",
    referee_language: str = "en",
    discipline: Discipline | None = None,
    message: str = "",
    delivery: str = Delivery.EMAIL,
) -> ReferenceRequest:
    """Change a draft. A finalised request cannot change: withdraw it and make a new one."""
    _require_owner(applicant, request)
    request = ReferenceRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_editable:
        raise DomainError(
            _(
                "This request was already sent and cannot be changed. Withdraw it and create "
                "a new request with the right details."
            ),
            code="not_draft",
        )
    _requests_window(request.cycle, _("Changing a reference request"))
    _check_fields(
        kind=kind,
        referee_name=referee_name,
        referee_email=referee_email,
        delivery=delivery,
        message=message,
    )
    request.kind = kind
    request.referee_name = referee_name.strip()
    request.referee_email = referee_email.strip()
    request.referee_language = referee_language
    request.discipline = discipline
    request.message = message.strip()
    request.delivery = delivery
    request.save()
    audit(actor=applicant.user, action="references.request.updated", target=request)
    return request


def issue_link(request: ReferenceRequest) -> str:
    """A new random link token for ``request``; only its SHA-256 is stored. Any earlier link of
    the request stops working. Called inside a transaction (finalising, re-sending, printing)."""
    token = new_secret()
    request.token_hash = digest(token)
    request.token_expires_at = timezone.now() + dt.timedelta(days=settings.REFERENCE_LINK_DAYS)
    request.save(update_fields=["token_hash", "token_expires_at"])
    return token


@transaction.atomic
def reference_request_finalise(
    *, applicant: ApplicantProfile, request: ReferenceRequest
) -> ReferenceRequest:
    """Send the request: e-mail the referee a single-use link (in the referee's language), or
    make the cover sheet available to print."""
    _require_owner(applicant, request)
    request = ReferenceRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ReferenceState.DRAFT:
        raise DomainError(_("This request was already sent."), code="not_draft")
    _requests_window(request.cycle, _("Sending a reference request"))
    _require_participating(applicant, request.cycle)
    _check_fields(
        kind=request.kind,
        referee_name=request.referee_name,
        referee_email=request.referee_email,
        delivery=request.delivery,
    )
    request.state = ReferenceState.SENT
    request.sent_at = timezone.now()
    request.save(update_fields=["state", "sent_at"])
    audit(actor=applicant.user, action="references.request.finalised", target=request)
    if request.delivery == Delivery.EMAIL:
        from references.emails import queue_reference_request

        queue_reference_request(request, issue_link(request))
    return request


@transaction.atomic
def reference_request_resend(
    *, applicant: ApplicantProfile, request: ReferenceRequest
) -> ReferenceRequest:
    """E-mail the referee a new link; the previous one stops working."""
    _require_owner(applicant, request)
    request = ReferenceRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ReferenceState.SENT:
        raise DomainError(
            _("Only a request waiting for its referee can be sent again."), code="not_sent"
        )
    if request.delivery != Delivery.EMAIL or not request.referee_email:
        raise DomainError(
            _("This request goes by cover sheet: print a new cover sheet instead."),
            code="cover_sheet",
        )
    _requests_window(request.cycle, _("Sending a reference request"))
    from references.emails import queue_reference_request

    token = issue_link(request)  # the previous link stops working
    audit(actor=applicant.user, action="references.request.resent", target=request)
    queue_reference_request(request, token)
    return request


@transaction.atomic
def reference_cover_sheet_link(*, applicant: ApplicantProfile, request: ReferenceRequest) -> str:
    """A new link for a printed cover sheet; earlier links (printed or e-mailed) stop working."""
    _require_owner(applicant, request)
    request = ReferenceRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ReferenceState.SENT:
        raise DomainError(
            _("Finalise the request first; a received or withdrawn request has no cover sheet."),
            code="not_sent",
        )
    _requests_window(request.cycle, _("Printing a cover sheet"))
    token = issue_link(request)
    audit(actor=applicant.user, action="references.request.cover_sheet", target=request)
    return token


@transaction.atomic
def reference_request_withdraw(*, applicant: ApplicantProfile, request: ReferenceRequest) -> None:
    """Cancel a request not yet answered: its link stops working and it leaves every program."""
    _require_owner(applicant, request)
    request = ReferenceRequest.objects.select_for_update().get(pk=request.pk)
    if request.state == ReferenceState.WITHDRAWN:
        return
    if request.state == ReferenceState.RECEIVED:
        raise DomainError(
            _(
                "This reference was already received and cannot be withdrawn. Unassign it "
                "from the programs you do not want it sent to."
            ),
            code="received",
        )
    request.state = ReferenceState.WITHDRAWN
    request.withdrawn_at = timezone.now()
    request.save(update_fields=["state", "withdrawn_at"])
    request.assignments.all().delete()
    audit(actor=applicant.user, action="references.request.withdrawn", target=request)


# --- The referee ------------------------------------------------------------------------------


def referee_closed_reason(request: ReferenceRequest) -> str | None:
    """Why the referee cannot submit through this link now (None when they can)."""
    if request.state == ReferenceState.RECEIVED:
        return _("This reference was already submitted; the link cannot be used again. Thank you.")
    if request.state != ReferenceState.SENT:
        return _("This request was withdrawn by the applicant; nothing more is needed.")
    try:
        _submit_window(request)
    except DomainError as error:
        return error.message
    if link_expired(request):
        return _(
            "This link has expired. Ask the applicant to send the request again; you will "
            "receive a new link."
        )
    return None


def _submit_window(request: ReferenceRequest) -> None:
    require_window(
        require_iteration(request.cycle),
        opens=None,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Submitting a reference"),
    )


def _lock_for_referee(request: ReferenceRequest, token: str) -> ReferenceRequest:
    locked = ReferenceRequest.objects.select_for_update().select_related("cycle").get(pk=request.pk)
    if not token or locked.token_hash != digest(token):
        raise DomainError(
            _("This link is no longer valid. Use the most recent link you received."),
            code="bad_token",
        )
    reason = referee_closed_reason(locked)
    if reason:
        raise DomainError(reason, code="closed")
    return locked


def _store(request: ReferenceRequest, data: bytes) -> ReferenceContent:
    name = f"references/{request.cycle_id}/{request.reference_id}-{uuid.uuid4().hex}.pdf"
    stored = storages["private"].save(name, ContentFile(data))
    return ReferenceContent(
        request=request,
        file_name=stored,
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _mark_received(request: ReferenceRequest, now: dt.datetime) -> None:
    request.state = ReferenceState.RECEIVED
    request.received_at = now
    request.received_late = has_passed(
        require_iteration(request.cycle), MilestoneKind.APPLICATION_DEADLINE, now
    )
    # Single use: the state closes the link (its hash is kept so that it shows a clear page).
    request.save(update_fields=["state", "received_at", "received_late"])


def _after_receipt(request: ReferenceRequest) -> None:
    from references.emails import queue_receipt_to_applicant, queue_thanks_to_referee

    queue_receipt_to_applicant(request)
    if request.referee_email:
        queue_thanks_to_referee(request)


@transaction.atomic
def reference_submit_letter(*, request: ReferenceRequest, token: str, uploaded_file: Any) -> None:
    """The referee uploads a narrative letter (PDF, checked and cleaned)."""
    request = _lock_for_referee(request, token)
    if request.kind != ReferenceKind.NARRATIVE:
        raise DomainError(_("This reference is a form to fill in online."), code="kind")
    data = clean_letter(uploaded_file)
    now = timezone.now()
    content = _store(request, data)
    content.submitted_at = now
    content.save()
    _mark_received(request, now)
    audit(
        actor=None,
        action="references.letter.received",
        target=request,
        data={"by": "referee", "size": len(data)},
    )
    _after_receipt(request)


def clean_answers(questions: list[q.Question], answers: dict[str, Any]) -> dict[str, Any]:
    """Answers keyed by question, checked against the questions (ratings 1–5, text length)."""
    cleaned: dict[str, Any] = {}
    for question in questions:
        key = question["key"]
        value = answers.get(key)
        if question["type"] == "rating":
            try:
                rating = int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                rating = 0
            if not 1 <= rating <= 5:
                raise DomainError(
                    _("Give a rating from 1 to 5 for “%(question)s”.")
                    % {"question": q.label(question)},
                    code="rating",
                )
            cleaned[key] = rating
        else:
            text = str(value or "").strip()
            if not text:
                raise DomainError(
                    _("Answer “%(question)s”.") % {"question": q.label(question)}, code="text"
                )
            if len(text) > q.TEXT_MAX_LENGTH:
                raise DomainError(
                    _("The answer to “%(question)s” is longer than %(n)s characters.")
                    % {"question": q.label(question), "n": q.TEXT_MAX_LENGTH},
                    code="text",
                )
            cleaned[key] = text
    return cleaned


@transaction.atomic
def reference_submit_form(
    *,
    request: ReferenceRequest,
    token: str,
    answers: dict[str, Any],
    form: StructuredForm | None,
    questions: list[q.Question],
) -> None:
    """The referee submits a structured letter or a support form filled online."""
    request = _lock_for_referee(request, token)
    if request.kind == ReferenceKind.NARRATIVE:
        raise DomainError(_("This reference is a letter to upload as PDF."), code="kind")
    cleaned = clean_answers(questions, answers)
    now = timezone.now()
    ReferenceContent.objects.create(
        request=request, answers=cleaned, form=form, questions=questions, submitted_at=now
    )
    _mark_received(request, now)
    audit(
        actor=None,
        action="references.form.received",
        target=request,
        data={"by": "referee"},
    )
    _after_receipt(request)


# --- Early letters ----------------------------------------------------------------------------


@transaction.atomic
def reference_placeholder_create(
    *,
    actor: Any,
    cycle: Cycle,
    referee_name: str,
    referee_email: str,
    intended_matching_id: str,
    uploaded_file: Any,
    kind: str = ReferenceKind.NARRATIVE,
) -> ReferenceRequest:
    """An early letter received before the match opened (by the match administrator): stored
    under a placeholder request whose ID the applicant later enters to claim it."""
    if not referee_name.strip():
        raise DomainError(_("Enter the referee's name."), code="referee_name")
    if not intended_matching_id.strip():
        raise DomainError(
            _("Enter the match identifier of the applicant the letter is for."),
            code="matching_id",
        )
    data = clean_letter(uploaded_file)
    now = timezone.now()
    request = ReferenceRequest.objects.create(
        reference_id=_new_reference_id(),
        applicant=None,
        cycle=cycle,
        kind=kind,
        referee_name=referee_name.strip(),
        referee_email=referee_email.strip(),
        delivery=Delivery.COVER_SHEET,
        state=ReferenceState.SENT,
        is_placeholder=True,
        intended_matching_id=intended_matching_id.strip().upper(),
        sent_at=now,
    )
    content = _store(request, data)
    content.submitted_at = now
    content.submitted_by_admin = actor
    content.save()
    request.state = ReferenceState.RECEIVED
    request.received_at = now
    request.save(update_fields=["state", "received_at"])
    audit(actor=actor, action="references.placeholder.created", target=request)
    return request


@transaction.atomic
def reference_claim_placeholder(
    *, applicant: ApplicantProfile, cycle: Cycle, reference_id: str
) -> ReferenceRequest:
    """Attach an early letter to the applicant's account by its reference ID. The letter must
    have been recorded for the applicant's match identifier."""
    _requests_window(cycle, _("Adding an early letter"))
    wanted = reference_id.strip().upper()
    request = (
        ReferenceRequest.objects.select_for_update()
        .filter(cycle=cycle, reference_id=wanted, is_placeholder=True)
        .first()
    )
    if request is not None and request.applicant_id == applicant.pk:
        return request
    if (
        request is None
        or request.applicant_id is not None
        or request.intended_matching_id.upper() != applicant.matching_id.upper()
    ):
        raise DomainError(
            _(
                "No early letter with the ID “%(id)s” is waiting for your match identifier. "
                "Check the ID (REF- and six characters) or contact the match administrator."
            )
            % {"id": wanted},
            code="unknown_placeholder",
        )
    request.applicant = applicant
    request.save(update_fields=["applicant"])
    audit(actor=applicant.user, action="references.placeholder.claimed", target=request)
    return request


# --- Assignments to programs ------------------------------------------------------------------


@transaction.atomic
def reference_assign(
    *, applicant: ApplicantProfile, request: ReferenceRequest, application: Application
) -> ReferenceAssignment:
    """Send a reference to a program (even before it arrives). After the application deadline
    the assignment is accepted until ranking opens and marked late."""
    _require_owner(applicant, request)
    request = (
        ReferenceRequest.objects.select_for_update().select_related("cycle").get(pk=request.pk)
    )
    if application.applicant_id != applicant.pk:
        raise DomainError(_("This application is not yours."), code="forbidden")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(
            _("You withdrew this application; references cannot be assigned to it."),
            code="withdrawn",
        )
    if request.state == ReferenceState.WITHDRAWN:
        raise DomainError(_("This request was withdrawn."), code="withdrawn")
    if application.program.cycle_id != request.cycle_id:
        raise DomainError(_("This application belongs to another match cycle."), code="cycle")
    iteration = require_iteration(request.cycle)
    require_window(
        iteration,
        opens=MilestoneKind.PROGRAM_SELECTION,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Assigning references to programs"),
    )
    assignment, created = ReferenceAssignment.objects.get_or_create(
        request=request,
        application=application,
        defaults={"is_late": has_passed(iteration, MilestoneKind.APPLICATION_DEADLINE)},
    )
    if created:
        audit(
            actor=applicant.user,
            action="references.assignment.created",
            target=assignment,
            data={"late": assignment.is_late},
        )
    return assignment


@transaction.atomic
def reference_unassign(*, applicant: ApplicantProfile, assignment: ReferenceAssignment) -> None:
    """Take a reference back from a program, until the application deadline."""
    request = assignment.request
    _require_owner(applicant, request)
    require_window(
        require_iteration(request.cycle),
        opens=None,
        closes=MilestoneKind.APPLICATION_DEADLINE,
        what=_("Unassigning a reference"),
    )
    audit(actor=applicant.user, action="references.assignment.removed", target=assignment)
    assignment.delete()


@transaction.atomic
def reference_content_opened(*, actor: Any, request: ReferenceRequest) -> None:
    """Record who opened a reference's content (the caller checked ``reference.read_content``)."""
    audit(actor=actor, action="references.content.opened", target=request)
