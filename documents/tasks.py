"""Background jobs of the documents domain: e-mails in the recipient's language."""

from __future__ import annotations

from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import db_task

from documents.models import Document


def _send(document_id: int, template: str) -> None:
    document = Document.objects.select_related("applicant__user", "organisation").get(
        pk=document_id
    )
    user = document.applicant.user
    with translation.override(user.language or "en"):
        domain = Site.objects.get_current().domain
        context = {
            "document": document,
            "recipient": document.applicant,
            "url": f"https://{domain}{reverse('documents:mine')}",
        }
        subject = " ".join(
            render_to_string(f"documents/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"documents/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email])


@db_task()
def send_document_rejected(document_id: int) -> None:
    """Tell the applicant, in their language, that a document was rejected and why."""
    _send(document_id, "rejected")


@db_task()
def send_document_received(document_id: int) -> None:
    """Tell the applicant, in their language, that a school, a third party or the translation
    service sent a document to their file."""
    _send(document_id, "received")


@db_task()
def send_reference_translation_delivered(translation_id: int) -> None:
    """Tell the applicant, in their language, that the translation of a reference arrived (its
    state only: the applicant never reads a reference or its translation)."""
    from documents.models import TranslationRequest

    request = TranslationRequest.objects.select_related("reference__applicant__user").get(
        pk=translation_id
    )
    reference = request.reference
    user = reference.applicant.user
    with translation.override(user.language or "en"):
        domain = Site.objects.get_current().domain
        context = {
            "translation": request,
            "reference": reference,
            "recipient": reference.applicant,
            "url": f"https://{domain}{reverse('references:mine')}",
        }
        subject = " ".join(
            render_to_string("documents/email/reference_translation_subject.txt", context).split()
        )
        body = render_to_string("documents/email/reference_translation.txt", context)
    send_mail(subject, body, None, [user.email])
