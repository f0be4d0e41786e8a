"""E-mails of the programs domain, queued in the outbox (``notifications.notify``) inside the
service's transaction, each in its recipient's language:

- to the program's director(s), and whoever submitted, when the PGME office publishes a
  description or sends it back with a comment;
- to an invited file reviewer, with the single-use link (only its SHA-256 is stored; the link
  alone opens nothing: it must be opened signed in with the invited address).
"""

from __future__ import annotations

from typing import Any

from cycles.deadlines import format_toronto
from notifications.services import absolute_url, notify, recipient_language


def _program_people(working: Any) -> list[Any]:
    from accounts.models import Role, RoleAssignment

    people = {
        a.user.pk: a.user
        for a in RoleAssignment.objects.filter(
            role=Role.PROGRAM_DIRECTOR, program_id=working.program_id, user__is_active=True
        ).select_related("user")
    }
    submitter = working.submitted_by
    if submitter is not None and submitter.is_active:
        people.setdefault(submitter.pk, submitter)
    return list(people.values())


def queue_description_decision(working: Any, *, published: Any = None) -> None:
    """Tell the program that its description was published (as ``published``) or, without
    it, sent back with the office's comment."""
    approved = published is not None
    template = "description_published" if approved else "description_returned"
    program = working.program
    moment = published.approved_at if approved else working.returned_at
    version = published.version if approved else None
    for user in _program_people(working):
        language = recipient_language(user)
        url = absolute_url(
            "programs:detail" if approved else "programs:edit",
            language=language,
            args=(program.code,),
        )
        notify(
            kind=f"programs.{template}",
            to_user=user,
            language=language,
            dedupe_key=f"programs.{template}:{program.pk}:{moment.isoformat()}:user-{user.pk}",
            subject_template=f"programs/email/{template}_subject.txt",
            body_template=f"programs/email/{template}.txt",
            context={"program": program, "working": working, "version": version, "url": url},
        )


def queue_reviewer_invitation(invitation: Any, token: str) -> None:
    """The invitation to review a program's files, with its link, in ``invitation.language``."""
    from accounts.models import User

    account = User.objects.filter(email__iexact=invitation.email).first()
    language = invitation.language or "en"
    notify(
        kind="programs.reviewer_invitation",
        to_user=account,
        to_email=invitation.email,
        language=language,
        dedupe_key=f"programs.reviewer_invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        subject_template="programs/email/reviewer_invitation_subject.txt",
        body_template="programs/email/reviewer_invitation.txt",
        context={
            "invitation": invitation,
            "program": invitation.program,
            "inviter": invitation.invited_by,
            "url": absolute_url("programs:invitation", language=language, args=(token,)),
            "expires": format_toronto(invitation.expires_at),
        },
    )
