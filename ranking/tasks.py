"""Background jobs of the ranking domain: couple e-mails, in the recipient's language."""

from __future__ import annotations

from django.contrib.sites.models import Site
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import db_task

from applicants.models import ApplicantProfile, Couple


def _send(recipient: ApplicantProfile, couple: Couple, template: str) -> None:
    user = recipient.user
    with translation.override(user.language or "en"):
        domain = Site.objects.get_current().domain
        context = {
            "couple": couple,
            "recipient": recipient,
            "url": f"https://{domain}{reverse('ranking:couple')}",
        }
        subject = " ".join(
            render_to_string(f"ranking/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"ranking/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email])


@db_task()
def send_couple_invitation(couple_id: int) -> None:
    """Tell the invited partner, in their language, that someone wants to rank with them."""
    couple = Couple.objects.select_related("inviter__user", "partner__user").get(pk=couple_id)
    _send(couple.partner, couple, "couple_invitation")


@db_task()
def send_couple_answer(couple_id: int) -> None:
    """Tell the inviter, in their language, whether the partner accepted."""
    couple = Couple.objects.select_related("inviter__user", "partner__user").get(pk=couple_id)
    _send(couple.inviter, couple, "couple_answer")
