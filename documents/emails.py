"""E-mails of the documents domain, queued in the outbox (``notifications.notify``) inside the
service's transaction, in the applicant's language. One e-mail per status change."""

from __future__ import annotations

from documents.models import Document, DocumentStatusChange, TranslationRequest
from notifications.services import absolute_url, notify, recipient_language


def _queue(document: Document, template: str) -> None:
    document = Document.objects.select_related("applicant__user", "organisation").get(
        pk=document.pk
    )
    user = document.applicant.user
    language = recipient_language(user)
    change = (
        DocumentStatusChange.objects.filter(document=document)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    url = absolute_url("documents:mine", language=language)
    notify(
        kind=f"document.{template}",
        to_user=user,
        language=language,
        dedupe_key=f"document.{template}:{document.pk}:{change or 0}",
        subject_template=f"documents/email/{template}_subject.txt",
        body_template=f"documents/email/{template}.txt",
        context={"document": document, "recipient": document.applicant, "url": url},
    )


def queue_document_rejected(document: Document) -> None:
    """Tell the applicant, in their language, that a document was rejected and why."""
    _queue(document, "rejected")


def queue_document_received(document: Document) -> None:
    """Tell the applicant, in their language, that a school, a third party or the translation
    service sent a document to their file."""
    _queue(document, "received")


def queue_reference_translation_delivered(request: TranslationRequest) -> None:
    """Tell the applicant, in their language, that the translation of a reference arrived (its
    state only: the applicant never reads a reference or its translation)."""
    request = TranslationRequest.objects.select_related("reference__applicant__user").get(
        pk=request.pk
    )
    reference = request.reference
    assert reference is not None
    user = reference.applicant.user
    language = recipient_language(user)
    url = absolute_url("references:mine", language=language)
    notify(
        kind="document.reference_translation",
        to_user=user,
        language=language,
        dedupe_key=f"document.reference_translation:{request.pk}",
        subject_template="documents/email/reference_translation_subject.txt",
        body_template="documents/email/reference_translation.txt",
        context={
            "translation": request,
            "reference": reference,
            "recipient": reference.applicant,
            "url": url,
        },
    )
