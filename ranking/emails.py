"""E-mails of the ranking domain (couples), queued in the outbox (``notifications.notify``)
inside the service's transaction, in the recipient's language."""

from __future__ import annotations

from applicants.models import ApplicantProfile, Couple
from notifications.services import absolute_url, notify


def _queue(recipient: ApplicantProfile, couple: Couple, template: str) -> None:
    user = recipient.user
    language = user.language or "en"
    url = absolute_url("ranking:couple", language=language)
    notify(
        kind=f"ranking.{template}",
        to_user=user,
        language=language,
        dedupe_key=f"ranking.{template}:{couple.pk}",
        subject_template=f"ranking/email/{template}_subject.txt",
        body_template=f"ranking/email/{template}.txt",
        context={"couple": couple, "recipient": recipient, "url": url},
    )


def _couple(couple_id: int) -> Couple:
    return Couple.objects.select_related("inviter__user", "partner__user").get(pk=couple_id)


def queue_couple_invitation(couple: Couple) -> None:
    """Tell the invited partner, in their language, that someone wants to rank with them."""
    couple = _couple(couple.pk)
    _queue(couple.partner, couple, "couple_invitation")


def queue_couple_answer(couple: Couple) -> None:
    """Tell the inviter, in their language, whether the partner accepted (answered once)."""
    couple = _couple(couple.pk)
    _queue(couple.inviter, couple, "couple_answer")
