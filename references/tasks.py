"""Background jobs of references: e-mails to referees (in the language the applicant chose for
them) and to applicants (in their own language)."""

from __future__ import annotations

from typing import Any

from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import db_task

from cycles.deadlines import format_toronto
from references.models import ReferenceRequest, ReferenceState


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = " ".join(
        render_to_string(f"references/email/{template}_subject.txt", context).split()
    )
    body = render_to_string(f"references/email/{template}.txt", context)
    return subject, body


def _site() -> str:
    return f"https://{Site.objects.get_current().domain}"


def _load(request_id: int) -> ReferenceRequest:
    return ReferenceRequest.objects.select_related("applicant__user", "discipline", "cycle").get(
        pk=request_id
    )


@db_task()
def send_reference_request(request_id: int) -> None:
    """Issue a fresh single-use link and e-mail it to the referee. The raw token exists only
    here and in the e-mail: the database keeps its SHA-256."""
    from references.services import issue_link

    with transaction.atomic():
        request = _load(request_id)
        if request.state != ReferenceState.SENT or not request.referee_email:
            return
        request = ReferenceRequest.objects.select_for_update().get(pk=request.pk)
        token = issue_link(request)
        request = _load(request_id)
    with translation.override(request.referee_language):
        context = {
            "request": request,
            "applicant": request.applicant,
            "url": _site() + reverse("references:referee", args=[token]),
            "expires": format_toronto(request.token_expires_at),
        }
        subject, body = _render("request", context)
    send_mail(subject, body, None, [request.referee_email])


@db_task()
def send_receipt_to_applicant(request_id: int) -> None:
    """Tell the applicant, in their language, that a reference arrived (never what it says)."""
    request = _load(request_id)
    if request.applicant is None:
        return
    user = request.applicant.user
    with translation.override(user.language or "en"):
        context = {
            "request": request,
            "applicant": request.applicant,
            "received": format_toronto(request.received_at) if request.received_at else "",
            "url": _site() + reverse("references:mine"),
        }
        subject, body = _render("receipt", context)
    send_mail(subject, body, None, [user.email])


@db_task()
def send_thanks_to_referee(request_id: int) -> None:
    """Thank the referee, in the language of their request e-mail."""
    request = _load(request_id)
    if not request.referee_email:
        return
    with translation.override(request.referee_language):
        subject, body = _render("thanks", {"request": request, "applicant": request.applicant})
    send_mail(subject, body, None, [request.referee_email])
