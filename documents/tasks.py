"""Background jobs of the documents domain: e-mails in the recipient's language."""

from __future__ import annotations

from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import db_task

from documents.models import Document


@db_task()
def send_document_rejected(document_id: int) -> None:
    """Tell the applicant, in their language, that a document was rejected and why."""
    document = Document.objects.select_related("applicant__user").get(pk=document_id)
    user = document.applicant.user
    with translation.override(user.language or "en"):
        domain = Site.objects.get_current().domain
        context = {
            "document": document,
            "recipient": document.applicant,
            "url": f"https://{domain}{reverse('documents:mine')}",
        }
        subject = " ".join(
            render_to_string("documents/email/rejected_subject.txt", context).split()
        )
        body = render_to_string("documents/email/rejected.txt", context)
    send_mail(subject, body, None, [user.email])
