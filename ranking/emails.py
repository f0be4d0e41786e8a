"""E-mails of the ranking domain (couples; PGME approval of program lists), queued in the
outbox (``notifications.notify``) inside the service's transaction, in the recipient's
language."""

from __future__ import annotations

from typing import Any

from applicants.models import ApplicantProfile, Couple
from notifications.services import absolute_url, notify, recipient_language


def _queue(recipient: ApplicantProfile, couple: Couple, template: str) -> None:
    user = recipient.user
    language = recipient_language(user)
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


# --- Program lists: PGME approval ---------------------------------------------------------------


def _approval(approval_id: int) -> Any:
    from ranking.models import RankListApproval

    return RankListApproval.objects.select_related(
        "rank_list__quota__program__school", "submitted_by", "decided_by"
    ).get(pk=approval_id)


def queue_approval_requested(approval: Any) -> None:
    """Tell the school's PGME office, each in their language, that a program list awaits its
    approval."""
    from accounts.models import Role, RoleAssignment

    approval = _approval(approval.pk)
    quota = approval.rank_list.quota
    offices = RoleAssignment.objects.filter(
        role=Role.PGME_OFFICE, school_id=quota.program.school_id, user__is_active=True
    ).select_related("user")
    for assignment in offices:
        user = assignment.user
        language = recipient_language(user)
        notify(
            kind="ranking.approval_requested",
            to_user=user,
            language=language,
            dedupe_key=f"ranking.approval_requested:{approval.pk}:user-{user.pk}",
            subject_template="ranking/email/approval_requested_subject.txt",
            body_template="ranking/email/approval_requested.txt",
            context={
                "approval": approval,
                "quota": quota,
                "url": absolute_url("ranking:approval", language=language, args=(approval.pk,)),
            },
        )


def queue_approval_decided(approval: Any) -> None:
    """Tell the program's directors (and whoever submitted the list, if not a director), each
    in their language, that the PGME office approved the list or returned it with a comment."""
    from accounts.models import Role, RoleAssignment
    from ranking.models import ApprovalState

    approval = _approval(approval.pk)
    quota = approval.rank_list.quota
    template = (
        "approval_approved" if approval.state == ApprovalState.APPROVED else "approval_returned"
    )
    recipients = {
        a.user.pk: a.user
        for a in RoleAssignment.objects.filter(
            role=Role.PROGRAM_DIRECTOR, program_id=quota.program_id, user__is_active=True
        ).select_related("user")
    }
    submitter = approval.submitted_by
    if (
        submitter is not None
        and submitter.is_active
        and RoleAssignment.objects.filter(
            user=submitter,
            program_id=quota.program_id,
            role__in=(Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR),
        ).exists()
    ):
        recipients.setdefault(submitter.pk, submitter)
    for user in recipients.values():
        language = recipient_language(user)
        notify(
            kind=f"ranking.{template}",
            to_user=user,
            language=language,
            dedupe_key=f"ranking.{template}:{approval.pk}:user-{user.pk}",
            subject_template=f"ranking/email/{template}_subject.txt",
            body_template=f"ranking/email/{template}.txt",
            context={
                "approval": approval,
                "quota": quota,
                "url": absolute_url("ranking:program", language=language, args=(quota.pk,)),
            },
        )
