"""E-mails of references, queued in the outbox (``notifications.notify``) inside the service's
transaction: to referees in the language the applicant chose for them, to applicants in their
own language.

The referee's request carries the single-use link, so its raw token is part of the stored body
until the mail server accepts the message; the outbox then blanks that body, and never shows it
(``notifications.models.SENSITIVE_KINDS``). The database otherwise keeps only the token's
SHA-256 (docs/notifications.md).
"""

from __future__ import annotations

from django.utils import translation

from cycles.deadlines import format_toronto
from notifications.services import absolute_url, notify, recipient_language
from references.models import ReferenceRequest


def _templates(name: str) -> dict[str, str]:
    return {
        "subject_template": f"references/email/{name}_subject.txt",
        "body_template": f"references/email/{name}.txt",
    }


def _load(request_id: int) -> ReferenceRequest:
    return ReferenceRequest.objects.select_related("applicant__user", "discipline", "cycle").get(
        pk=request_id
    )


def queue_reference_request(request: ReferenceRequest, token: str) -> None:
    """E-mail the referee the link just issued (one e-mail per link)."""
    request = _load(request.pk)
    if not request.referee_email:
        return
    language = request.referee_language
    url = absolute_url("references:referee", language=language, args=(token,))
    with translation.override(language):
        expires = format_toronto(request.token_expires_at) if request.token_expires_at else ""
    notify(
        kind="reference.request",
        to_email=request.referee_email,
        language=language,
        # The link's version: a prefix of its hash (which the database already stores).
        dedupe_key=f"reference.request:{request.reference_id}:{request.token_hash[:16]}",
        context={
            "request": request,
            "applicant": request.applicant,
            "url": url,
            "expires": expires,
        },
        **_templates("request"),
    )


def queue_receipt_to_applicant(request: ReferenceRequest) -> None:
    """Tell the applicant, in their language, that a reference arrived (never what it says)."""
    request = _load(request.pk)
    if request.applicant is None:
        return
    user = request.applicant.user
    language = recipient_language(user)
    with translation.override(language):
        received = format_toronto(request.received_at) if request.received_at else ""
    url = absolute_url("references:mine", language=language)
    notify(
        kind="reference.receipt",
        to_user=user,
        language=language,
        dedupe_key=f"reference.receipt:{request.reference_id}",
        context={
            "request": request,
            "applicant": request.applicant,
            "received": received,
            "url": url,
        },
        **_templates("receipt"),
    )


def queue_thanks_to_referee(request: ReferenceRequest) -> None:
    """Thank the referee, in the language of their request e-mail."""
    request = _load(request.pk)
    if not request.referee_email:
        return
    notify(
        kind="reference.thanks",
        to_email=request.referee_email,
        language=request.referee_language,
        dedupe_key=f"reference.thanks:{request.reference_id}",
        context={"request": request, "applicant": request.applicant},
        **_templates("thanks"),
    )
