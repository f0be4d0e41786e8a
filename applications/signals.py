"""Late assignments: whatever the path (one by one in documents/ or references/, or the bulk
page), an assignment flagged late tells the program's director(s): the e-mail is queued in the
outbox inside the same transaction, and leaves only if it commits."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from documents.models import DocumentAssignment, PersonalLetter
from references.models import ReferenceAssignment


def _notify(application_id: int, kind: str, item_id: int) -> None:
    from applications.emails import queue_late_assignment

    queue_late_assignment(application_id, kind, item_id)


@receiver(post_save, sender=DocumentAssignment, dispatch_uid="applications.late_document")
def _late_document(sender: Any, instance: DocumentAssignment, created: bool, **kwargs: Any) -> None:
    if created and instance.late:
        _notify(instance.application_id, "document", instance.document_id)


@receiver(post_save, sender=ReferenceAssignment, dispatch_uid="applications.late_reference")
def _late_reference(
    sender: Any, instance: ReferenceAssignment, created: bool, **kwargs: Any
) -> None:
    if created and instance.is_late:
        _notify(instance.application_id, "reference", instance.request_id)


@receiver(post_save, sender=PersonalLetter, dispatch_uid="applications.late_letter")
def _late_letter(sender: Any, instance: PersonalLetter, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields") or ()
    if instance.late and instance.assigned_at and "assigned_at" in fields:
        from applications.models import Application, ApplicationStatus

        application = (
            Application.objects.filter(
                applicant_id=instance.applicant_id, program_id=instance.program_id
            )
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .first()
        )
        if application is not None:
            _notify(application.pk, "letter", instance.pk)
