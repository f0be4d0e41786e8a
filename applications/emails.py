"""E-mails of the applications domain to a program's director(s), queued in the outbox
(``notifications.notify``) inside the service's transaction, each in the director's language."""

from __future__ import annotations

from typing import Any

from applications.models import Application, ApplicationNote
from notifications.services import absolute_url, notify, recipient_language


def _queue_for_directors(
    application: Application, template: str, key: str, context: dict[str, Any]
) -> None:
    from accounts.models import Role, RoleAssignment

    directors = RoleAssignment.objects.filter(
        role=Role.PROGRAM_DIRECTOR, program_id=application.program_id, user__is_active=True
    ).select_related("user")
    for assignment in directors:
        user = assignment.user
        language = recipient_language(user)
        url = absolute_url("review:reader", language=language, args=(application.pk,))
        notify(
            kind=f"applications.{template}",
            to_user=user,
            language=language,
            dedupe_key=f"applications.{template}:{key}:user-{user.pk}",
            subject_template=f"applications/email/{template}_subject.txt",
            body_template=f"applications/email/{template}.txt",
            context={
                **context,
                "application": application,
                "program": application.program,
                "url": url,
            },
        )


def queue_note_to_directors(note: ApplicationNote) -> None:
    """Tell the program's director(s) that an applicant sent a note with their application."""
    note = ApplicationNote.objects.select_related(
        "application__applicant", "application__program"
    ).get(pk=note.pk)
    _queue_for_directors(note.application, "note", f"note-{note.pk}", {"note": note})


def queue_late_assignment(application_id: int, kind: str, item_id: int) -> None:
    """Tell the program's director(s) that a document, reference or personal letter was
    assigned after the application deadline (``kind``: document, reference or letter)."""
    from documents.models import Document, PersonalLetter
    from references.models import ReferenceRequest

    application = Application.objects.select_related("applicant", "program").get(pk=application_id)
    model = {"document": Document, "reference": ReferenceRequest, "letter": PersonalLetter}[kind]
    _queue_for_directors(
        application,
        "late",
        f"{kind}-{item_id}:application-{application_id}",
        {"kind": kind, "item": model.objects.get(pk=item_id)},
    )
