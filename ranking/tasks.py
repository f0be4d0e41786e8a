"""Background jobs of the ranking domain (huey)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from huey.contrib.djhuey import db_task


@db_task()
def send_couple_invitation(couple_id: int) -> None:
    """Tell the invited partner, in their own language."""
    from applicants.models import Couple

    couple = Couple.objects.select_related("inviter", "partner__user").get(pk=couple_id)
    with translation.override(couple.partner.user.language or "en"):
        subject = render_to_string(
            "ranking/email/couple_invitation_subject.txt", {"couple": couple}
        ).strip()
        body = render_to_string("ranking/email/couple_invitation_body.txt", {"couple": couple})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [couple.partner.user.email])
