"""Background jobs of applications: e-mails to a program's director(s), each in their language.

One small sender (``_mail_directors``); the outbox being built elsewhere will replace it."""

from __future__ import annotations

from typing import Any

from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import db_task

from applications.models import Application, ApplicationNote


def _mail_directors(application: Application, template: str, context: dict[str, Any]) -> None:
    from accounts.models import Role, RoleAssignment

    directors = RoleAssignment.objects.filter(
        role=Role.PROGRAM_DIRECTOR, program_id=application.program_id
    ).select_related("user")
    domain = Site.objects.get_current().domain
    for assignment in directors:
        user = assignment.user
        if not user.is_active:
            continue
        with translation.override(user.language or "en"):
            full = {
                **context,
                "application": application,
                "program": application.program,
                "url": f"https://{domain}{reverse('applications:read', args=[application.pk])}",
            }
            subject = " ".join(
                render_to_string(f"applications/email/{template}_subject.txt", full).split()
            )
            body = render_to_string(f"applications/email/{template}.txt", full)
        send_mail(subject, body, None, [user.email])


@db_task()
def send_note_to_directors(note_id: int) -> None:
    """Tell the program's director(s) that an applicant sent a note with their application."""
    note = ApplicationNote.objects.select_related(
        "application__applicant", "application__program"
    ).get(pk=note_id)
    _mail_directors(note.application, "note", {"note": note})


@db_task()
def send_late_assignment(application_id: int, kind: str, item_id: int) -> None:
    """Tell the program's director(s) that a document, reference or personal letter was
    assigned after the application deadline (``kind``: document, reference or letter)."""
    from documents.models import Document, PersonalLetter
    from references.models import ReferenceRequest

    application = Application.objects.select_related("applicant", "program").get(pk=application_id)
    model = {"document": Document, "reference": ReferenceRequest, "letter": PersonalLetter}[kind]
    _mail_directors(application, "late", {"kind": kind, "item": model.objects.get(pk=item_id)})
