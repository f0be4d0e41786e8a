"""JSON API of the documents domain.

* ``GET /mine``: the signed-in applicant's own documents and statuses (session auth).
* ``/third-party/...``: trusted organisations, authenticated by their bearer token
  (``integrations.auth.OrganisationToken``): the MCC shares the identity validity period;
  schools, the MCC, Casper/FMProC providers and provincial bodies transfer documents (each only
  its own types); the translation service reads open requests and delivers translations.
"""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from applicants.models import ApplicantProfile
from core.errors import DomainError
from core.permissions import require, require_translator_for_reference, roles_of
from cycles.selectors import current_cycle
from documents import selectors, services
from documents.models import Document, TranslationRequest
from integrations.auth import OrganisationToken
from integrations.models import OrganisationKind

router = Router(tags=["documents"])

TRANSFER_KINDS = (
    OrganisationKind.SCHOOL,
    OrganisationKind.MCC,
    OrganisationKind.CASPER,
    OrganisationKind.FMPROC,
    OrganisationKind.PROVINCIAL_BODY,
)


class ErrorOut(Schema):
    detail: str
    code: str = ""


class DocumentOut(Schema):
    id: int
    type: str
    type_label: str
    source: str
    language: str
    title: str
    status: str
    status_label: str
    rejected_reason: str
    cycle: str | None
    uploaded_at: dt.datetime | None
    translation_of: int | None
    assigned_to: list[str]


class MineOut(Schema):
    citizenship_verified: bool
    citizenship_valid_until: dt.date | None
    documents: list[DocumentOut]


def _document_out(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.pk,
        type=document.type,
        type_label=str(document.get_type_display()),
        source=document.source,
        language=document.language,
        title=document.display_title,
        status=document.status,
        status_label=str(document.get_status_display()),
        rejected_reason=document.rejected_reason,
        cycle=document.cycle.slug if document.cycle else None,
        uploaded_at=document.uploaded_at,
        translation_of=document.translation_of_id,
        assigned_to=[a.application.program.code for a in document.assignments.all()],
    )


@router.get("/mine", response=MineOut)
def mine(request: HttpRequest) -> MineOut:
    """The signed-in applicant's own documents of the current cycle (and the proof of status),
    with their tracking status and the reason of a rejection."""
    require(request.user, "applicant.act")
    me = ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)
    verified = selectors.verified_status(me)
    return MineOut(
        citizenship_verified=verified is not None,
        citizenship_valid_until=verified.valid_until if verified else None,
        documents=[_document_out(d) for d in selectors.documents_of(me, current_cycle())],
    )


# --- Third parties ----------------------------------------------------------------------------


def _applicant(matching_id: str) -> ApplicantProfile:
    applicant = ApplicantProfile.objects.filter(matching_id=(matching_id or "").strip()).first()
    if applicant is None:
        raise HttpError(404, "No applicant has this match identifier.")
    return applicant


class McStatusIn(Schema):
    matching_id: str
    valid_until: dt.date


class StatusOut(Schema):
    matching_id: str
    verified: bool
    valid_until: dt.date | None


@router.post(
    "/third-party/mcc/status",
    response={200: StatusOut, 400: ErrorOut, 404: ErrorOut},
    auth=OrganisationToken(OrganisationKind.MCC),
)
def mcc_status(request: HttpRequest, payload: McStatusIn):  # type: ignore[no-untyped-def]
    """The MCC shares an applicant's verified identity validity period (IVP): their
    citizenship or legal status is then verified until ``valid_until``."""
    applicant = _applicant(payload.matching_id)
    try:
        verification = services.status_share_from_mcc(
            organisation=request.auth,  # type: ignore[attr-defined]
            applicant=applicant,
            valid_until=payload.valid_until,
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, code=error.code))
    return Status(
        200,
        StatusOut(
            matching_id=applicant.matching_id, verified=True, valid_until=verification.valid_until
        ),
    )


class TransferOut(Schema):
    id: int
    status: str
    sha256: str
    created: bool


@router.post(
    "/third-party/documents",
    response={200: TransferOut, 201: TransferOut, 400: ErrorOut, 404: ErrorOut},
    auth=OrganisationToken(*TRANSFER_KINDS),
)
def transfer(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    matching_id: Form[str],
    type: Form[str],
    language: Form[str],
    file: File[UploadedFile],
):
    """A school (MSPR, transcript), the MCC (exam results), Casper or FMProC (their result), a
    provincial body (MMI result, final CAP report) sends a document (multipart). It goes through
    the same checks as an applicant's upload and is "received". Sending the same file again
    returns the same document (200) instead of a new one (201)."""
    applicant = _applicant(matching_id)
    try:
        document, created = services.document_transfer(
            organisation=request.auth,  # type: ignore[attr-defined]
            applicant=applicant,
            cycle=current_cycle(),
            doc_type=type,
            language=language,
            upload=file,
            filename=file.name or "",
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, code=error.code))
    return Status(
        201 if created else 200,
        TransferOut(
            id=document.pk, status=document.status, sha256=document.sha256, created=created
        ),
    )


class TranslationOut(Schema):
    id: int
    state: str
    from_language: str
    to_language: str
    due_at: dt.datetime
    document_type: str
    reference_kind: str | None = None


def _translation_out(request: TranslationRequest) -> TranslationOut:
    """What a translator sees of a request: never the applicant's name nor, for a reference,
    its content (that is behind ``original``, once taken)."""
    return TranslationOut(
        id=request.pk,
        state=request.state,
        from_language=request.from_language,
        to_language=request.to_language,
        due_at=request.due_at,
        document_type=request.document.type if request.document_id else "reference",
        reference_kind=request.reference.kind if request.reference_id else None,
    )


TRANSLATOR = OrganisationToken(OrganisationKind.TRANSLATOR)


def _translation_for(request: HttpRequest, request_id: int) -> TranslationRequest:
    translation = get_object_or_404(
        TranslationRequest.objects.select_related("document", "reference"), pk=request_id
    )
    if translation.translator_id not in (None, request.auth.pk):  # type: ignore[attr-defined]
        raise HttpError(404, "No such open translation request.")
    return translation


@router.get("/third-party/translations", response=list[TranslationOut], auth=TRANSLATOR)
def translations(request: HttpRequest) -> list[TranslationOut]:
    """Open translation requests (not yet taken, or taken by this translator), soonest due first."""
    return [
        _translation_out(t)
        for t in selectors.open_translations(request.auth.pk)  # type: ignore[attr-defined]
    ]


@router.get("/third-party/translations/{request_id}/original", auth=TRANSLATOR)
def translation_original(request: HttpRequest, request_id: int) -> HttpResponse:
    """The file to translate (attachment). For a reference (letter PDF, or a PDF of the answers
    of a form), only the translator that took the request: take it first."""
    translation = _translation_for(request, request_id)
    if translation.reference_id is not None:
        require_translator_for_reference(request.auth, translation)
        content, extension = selectors.reference_original(translation)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="original-{translation.pk}.{extension}"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store, private"
        return response
    document = translation.document
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"original-{translation.pk}.{document.file.name.rsplit('.', 1)[-1]}",
        content_type=document.mime or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/third-party/translations/{request_id}/start",
    response={200: TranslationOut, 400: ErrorOut},
    auth=TRANSLATOR,
)
def translation_start(request: HttpRequest, request_id: int):  # type: ignore[no-untyped-def]
    """Take the request: it is "in progress" and no other translator sees it."""
    translation = _translation_for(request, request_id)
    try:
        translation = services.translation_start(
            organisation=request.auth,  # type: ignore[attr-defined]
            request=translation,
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, code=error.code))
    return Status(200, _translation_out(translation))


@router.post(
    "/third-party/translations/{request_id}/delivery",
    response={200: TranslationOut, 400: ErrorOut},
    auth=TRANSLATOR,
)
def translation_deliver(  # type: ignore[no-untyped-def]
    request: HttpRequest, request_id: int, file: File[UploadedFile]
):
    """Upload the translation (PDF, same checks as every upload); the applicant sees it
    "received"."""
    translation = _translation_for(request, request_id)
    try:
        translation = services.translation_deliver(
            organisation=request.auth,  # type: ignore[attr-defined]
            request=translation,
            upload=file,
            filename=file.name or "",
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, code=error.code))
    return Status(200, _translation_out(translation))


# --- Translations of references (program staff, the administrator) -----------------------------


class ReferenceTranslationOut(Schema):
    id: int
    reference_id: str
    from_language: str
    to_language: str
    state: str
    state_label: str
    requested_at: dt.datetime
    due_at: dt.datetime
    delivered_at: dt.datetime | None
    fee_cents: int


@router.get("/reference-translations/mine", response=list[ReferenceTranslationOut])
def my_reference_translations(request: HttpRequest) -> list[ReferenceTranslationOut]:
    """The signed-in applicant's translation requests of references: their state only, never
    the translation (the applicant never reads a reference)."""
    require(request.user, "applicant.act")
    return [
        ReferenceTranslationOut(
            id=t.pk,
            reference_id=t.reference.reference_id,
            from_language=t.from_language,
            to_language=t.to_language,
            state=t.state,
            state_label=str(t.get_state_display()),
            requested_at=t.requested_at,
            due_at=t.due_at,
            delivered_at=t.delivered_at,
            fee_cents=t.fee_cents,
        )
        for t in selectors.reference_translations_of(roles_of(request.user).applicant_id)
    ]


@router.get("/reference-translations/{translation_id}/file")
def reference_translation_file(request: HttpRequest, translation_id: int) -> HttpResponse:
    """A delivered translation of a reference (application/pdf): where the reference's content
    is readable (``reference.read_content``) — never the applicant."""
    from references.services import reference_content_opened

    translation = get_object_or_404(
        TranslationRequest.objects.select_related("reference"),
        pk=translation_id,
        reference__isnull=False,
    )
    require(request.user, "reference.read_content", translation.reference)
    if not translation.file:
        raise HttpError(404, "This translation has not been delivered yet.")
    reference_content_opened(actor=request.user, request=translation.reference)
    with translation.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{translation.reference.reference_id}-{translation.to_language}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
