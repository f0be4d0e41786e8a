"""Writes of the programs domain: descriptions and their approval, quotas and reversion,
requirements, file reviewers invited by e-mail (docs/programs.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.choices import TrainingLanguage
from core.errors import DomainError
from core.tokens import digest, new_secret
from cycles.deadlines import format_toronto, require_iteration, require_window
from cycles.models import MilestoneKind
from programs import emails, selectors
from programs.models import (
    SECTION_KEYS,
    SECTION_MAX_LENGTH,
    DescriptionState,
    Program,
    ProgramDescription,
    PublishedDescription,
    Quota,
    ReviewerInvitation,
)

#: Days an invitation link to review files stays valid (``REVIEWER_INVITATION_DAYS``).
DEFAULT_INVITATION_DAYS = 14
#: Longest comment the PGME office may give when it sends a description back.
RETURN_COMMENT_MAX = 2000


@transaction.atomic
def quota_update(*, actor: Any, quota: Quota, positions: int, reverts_to: Quota | None) -> Quota:
    """Change a quota's positions and reversion target (the PGME office of the program's
    school; callers check ``program.approve``). Open until ranking opens: from then on
    programs and applicants build their rank order lists against these positions, so they
    stay as they are until the match (docs/programs.md, "Quotas and reversion")."""
    require_window(
        quota.iteration,
        opens=None,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Changing quotas and reversion"),
    )
    if positions < 0:
        raise DomainError(_("The number of positions cannot be negative."), code="positions")
    if reverts_to is not None:
        if reverts_to.pk == quota.pk:
            raise DomainError(_("A quota cannot revert to itself."), code="reversion")
        if reverts_to.program.school_id != quota.program.school_id:
            raise DomainError(
                _("Unfilled positions can only revert to a quota of the same school."),
                code="reversion",
            )
        if reverts_to.iteration_id != quota.iteration_id:
            raise DomainError(
                _("Unfilled positions can only revert to a quota of the same iteration."),
                code="reversion",
            )
        seen = {quota.pk}
        target: Quota | None = reverts_to
        while target is not None:
            if target.pk in seen:
                raise DomainError(
                    _("This reversion would make a loop of quotas; choose another target."),
                    code="reversion",
                )
            seen.add(target.pk)
            target = target.reverts_to
    quota = Quota.objects.select_for_update().get(pk=quota.pk)
    quota.positions = positions
    quota.reverts_to = reverts_to
    quota.save(update_fields=["positions", "reverts_to"])
    audit(
        actor=actor,
        action="programs.quota.updated",
        target=quota,
        data={"positions": positions, "reverts_to": reverts_to.pk if reverts_to else None},
    )
    return quota


# --- Requirements -----------------------------------------------------------------------------


def _requirements_window(program: Program) -> None:
    quota = program.quotas.select_related("iteration").first()
    if quota is not None:
        require_window(
            quota.iteration,
            opens=None,
            closes=MilestoneKind.APPLICATION_DEADLINE,
            what=_("Changing what the program requires"),
        )


@transaction.atomic
def requirement_add(
    *, actor: Any, program: Program, what: str, required: bool, count: int, language: str
) -> Any:
    """Add a line to what the program requires. The first line added starts from the defaults
    (so a program edits the default list rather than starting from nothing)."""
    from programs.models import ProgramRequirement
    from programs.selectors import requirement_choices, requirements_of

    _requirements_window(program)
    if what not in dict(requirement_choices()):
        raise DomainError(_("Choose what the program requires from the list."), code="what")
    kind, _sep, code = what.partition(":")
    if kind != "reference":
        count = 1
    if not 1 <= count <= 10:
        raise DomainError(_("The number of references must be between 1 and 10."), code="count")
    if language not in ("", "en", "fr"):
        raise DomainError(_("Choose English, French or either language."), code="language")
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not program.requirements.exists():
        for position, row in enumerate(requirements_of(program)):
            row.position = position
            row.save()
    if program.requirements.filter(kind=kind, code=code, language=language).exists():
        raise DomainError(
            _("This requirement is already listed: remove it first to change it."),
            code="duplicate",
        )
    row = ProgramRequirement.objects.create(
        program=program,
        kind=kind,
        code=code,
        required=required,
        count=count,
        language=language,
        position=program.requirements.count(),
    )
    audit(actor=actor, action="programs.requirement.added", target=row, data={"what": what})
    return row


@transaction.atomic
def requirement_remove(*, actor: Any, requirement: Any) -> None:
    """Remove a line. A program whose last line is removed asks for the defaults again."""
    _requirements_window(requirement.program)
    audit(
        actor=actor,
        action="programs.requirement.removed",
        target=requirement.program,
        data={"kind": requirement.kind, "code": requirement.code},
    )
    requirement.delete()


# --- Descriptions and approval ------------------------------------------------------------------


def _description_window(program: Program, what: str) -> None:
    """Descriptions change (and are approved) up to the program ROL deadline of the cycle's
    calendar, as before versions existed: applicants read them while they rank."""
    require_window(
        require_iteration(program.cycle),
        opens=None,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=what,
    )


def _lock_working_copy(program: Program) -> ProgramDescription:
    """Lock the program, then its working copy (created from the latest published version, or
    from the description in place before versions, the first time)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    found = ProgramDescription.objects.select_for_update().filter(program=program).first()
    if found is not None:
        return found
    latest = selectors.latest_published(program)
    return ProgramDescription.objects.create(
        program=program,
        state=DescriptionState.PUBLISHED if latest else DescriptionState.DRAFT,
        published_version=latest.version if latest else None,
        **selectors.initial_content(program),
    )


def _check_revision(working: ProgramDescription, revision: int | None) -> None:
    if revision is not None and revision != working.revision:
        raise DomainError(
            _(
                "The description was changed by someone else since you opened this page: "
                "reload it to see the latest text. Nothing was changed."
            ),
            code="stale",
        )


def _require_complete(working: ProgramDescription, *, what: str) -> None:
    missing = working.missing()
    if missing:
        raise DomainError(
            _(
                "%(what)s needs every section in both English and French. Still empty: "
                "%(missing)s. Fill them in, then try again."
            )
            % {"what": what, "missing": selectors.missing_sections_sentence(missing)},
            code="bilingual",
        )


@transaction.atomic
def description_save(
    *,
    actor: Any,
    program: Program,
    content: Mapping[str, str],
    training_language: str,
    revision: int | None = None,
) -> ProgramDescription:
    """Save the working copy of the description (the director or program administrator;
    callers check ``program.describe``). Applicants keep reading the latest published version.
    A description waiting for approval is locked until it is withdrawn, approved or sent back.
    ``revision`` is the one the editor opened: a save over someone else's newer save is refused."""
    _description_window(program, _("Changing the program description"))
    unknown = set(content) - {f"{key}_{lang}" for key in SECTION_KEYS for lang in ("en", "fr")}
    if unknown:
        raise DomainError(_("Unknown section of the description."), code="section")
    if training_language not in TrainingLanguage.values:
        raise DomainError(
            _("Choose the language of training from the list; nothing was changed."),
            code="language",
        )
    if any(len(text) > SECTION_MAX_LENGTH for text in content.values()):
        raise DomainError(
            _("A section is longer than %(n)s characters: shorten it; nothing was changed.")
            % {"n": SECTION_MAX_LENGTH},
            code="too_long",
        )
    working = _lock_working_copy(program)
    if working.state == DescriptionState.SUBMITTED:
        raise DomainError(
            _(
                "The description is waiting for the PGME office's approval: withdraw the "
                "submission to change it. Nothing was changed."
            ),
            code="submitted",
        )
    _check_revision(working, revision)
    for field, text in content.items():
        setattr(working, field, text.strip().replace("\r\n", "\n"))
    working.training_language = training_language
    latest = selectors.latest_published(program)
    if latest is not None and working.same_content_as(latest):
        working.state = DescriptionState.PUBLISHED  # back to the published text
    else:
        working.state = DescriptionState.DRAFT  # a returned one keeps its comment in view
    working.revision += 1
    working.updated_by = actor
    working.save()
    audit(
        actor=actor,
        action="programs.description.saved",
        target=program,
        data={"revision": working.revision},
    )
    return working


@transaction.atomic
def description_submit(*, actor: Any, program: Program, revision: int | None) -> ProgramDescription:
    """Submit the working copy to the school's PGME office. Every section is required in both
    English and French; the message names what is missing."""
    _description_window(program, _("Submitting the program description"))
    working = _lock_working_copy(program)
    _check_revision(working, revision)
    if working.state == DescriptionState.SUBMITTED:
        raise DomainError(
            _("The description was already submitted: it is waiting for the PGME office."),
            code="submitted",
        )
    if working.state == DescriptionState.PUBLISHED:
        raise DomainError(
            _(
                "There is nothing to submit: the description is the published version, "
                "unchanged. Change it first."
            ),
            code="unchanged",
        )
    _require_complete(working, what=_("Submitting the description"))
    working.state = DescriptionState.SUBMITTED
    working.submitted_at = timezone.now()
    working.submitted_by = actor
    working.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    audit(
        actor=actor,
        action="programs.description.submitted",
        target=program,
        data={"revision": working.revision},
    )
    return working


@transaction.atomic
def description_withdraw(*, actor: Any, program: Program) -> ProgramDescription:
    """Take a submitted description back to change it (before the office acts on it)."""
    _description_window(program, _("Withdrawing the submitted description"))
    working = _lock_working_copy(program)
    if working.state != DescriptionState.SUBMITTED:
        raise DomainError(
            _("The description is not waiting for approval; nothing was changed."),
            code="not_submitted",
        )
    working.state = DescriptionState.DRAFT
    working.save(update_fields=["state", "updated_at"])
    audit(actor=actor, action="programs.description.withdrawn", target=program)
    return working


def _submitted_for_office(program: Program, revision: int) -> ProgramDescription:
    working = _lock_working_copy(program)
    if working.state != DescriptionState.SUBMITTED:
        raise DomainError(
            _(
                "This description is no longer waiting for approval (it was withdrawn, "
                "approved or sent back): reload the page. Nothing was changed."
            ),
            code="not_submitted",
        )
    _check_revision(working, revision)
    return working


def _published_text(published: PublishedDescription, language: str) -> str:
    """The whole published description as plain text in ``language``: the goals first, then
    each other section under its title (``Program.description_en``/``_fr``, read by the API,
    the directory and printed pages)."""
    with translation.override(language):
        parts = []
        for key, title, text in published.sections(language):
            if text:
                parts.append(text if key == "goals" else f"{title}\n{text}")
        return "\n\n".join(parts)


@transaction.atomic
def description_approve(*, actor: Any, program: Program, revision: int) -> PublishedDescription:
    """Publish the submitted description as the next version (the school's PGME office or the
    match administrator; callers check ``program.approve``). ``revision`` is the one the office
    read. The program page, the directory and the API show it at once."""
    _description_window(program, _("Approving the program description"))
    working = _submitted_for_office(program, revision)
    _require_complete(working, what=_("Publishing the description"))
    latest = PublishedDescription.objects.filter(program=program).order_by("-version").first()
    now = timezone.now()
    published = PublishedDescription.objects.create(
        program=program,
        version=(latest.version if latest else 0) + 1,
        submitted_at=working.submitted_at,
        submitted_by=working.submitted_by,
        approved_at=now,
        approved_by=actor,
        training_language=working.training_language,
        **working.content(),
    )
    locked = Program.objects.select_for_update().get(pk=program.pk)
    locked.description_en = _published_text(published, "en")
    locked.description_fr = _published_text(published, "fr")
    locked.language = published.training_language
    sites = published.sites_fr if published.training_language == "fr" else published.sites_en
    locked.sites = " ".join(sites.split())[:300]
    locked.save(update_fields=["description_en", "description_fr", "language", "sites"])
    working.state = DescriptionState.PUBLISHED
    working.published_version = published.version
    working.returned_at, working.returned_by, working.return_comment = None, None, ""
    working.save()
    audit(
        actor=actor,
        action="programs.description.approved",
        target=program,
        data={"version": published.version, "revision": revision},
    )
    emails.queue_description_decision(working, published=published)
    return published


@transaction.atomic
def description_return(
    *, actor: Any, program: Program, revision: int, comment: str
) -> ProgramDescription:
    """Send the submitted description back to the program with a comment saying what to change
    (the PGME office; callers check ``program.approve``). The director sees the comment and is
    e-mailed in their language; the published version stays as it is."""
    _description_window(program, _("Sending the description back"))
    comment = comment.strip()
    if not comment:
        raise DomainError(
            _("Say what the program should change in a comment; nothing was changed."),
            code="comment",
        )
    if len(comment) > RETURN_COMMENT_MAX:
        raise DomainError(
            _("The comment is longer than %(n)s characters: shorten it; nothing was changed.")
            % {"n": RETURN_COMMENT_MAX},
            code="comment",
        )
    working = _submitted_for_office(program, revision)
    working.state = DescriptionState.RETURNED
    working.returned_at = timezone.now()
    working.returned_by = actor
    working.return_comment = comment
    working.save()
    audit(
        actor=actor,
        action="programs.description.returned",
        target=program,
        data={"revision": revision, "comment": comment},
    )
    emails.queue_description_decision(working)
    return working


# --- File reviewers ----------------------------------------------------------------------------


def invitation_days() -> int:
    return int(getattr(settings, "REVIEWER_INVITATION_DAYS", DEFAULT_INVITATION_DAYS))


def _clean_streams(program: Program, streams: Iterable[str]) -> list[str]:
    allowed = {code for code, _label in selectors.program_streams(program)}
    chosen = sorted(set(streams))
    if not set(chosen) <= allowed:
        raise DomainError(
            _("Choose streams among the program's quotas; nothing was changed."), code="streams"
        )
    if set(chosen) == allowed:
        return []  # every stream: stays so when a quota is added later
    return chosen


def _account_for(email: str) -> Any:
    """The user whose verified address (or account address) is ``email``, if any."""
    from allauth.account.models import EmailAddress

    from accounts.models import User

    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).first()


def _takes_part_as_applicant(user: Any, program: Program) -> bool:
    from applicants.models import Participation

    return Participation.objects.filter(
        applicant__user_id=user.pk, cycle_id=program.cycle_id
    ).exists()


def _new_token(invitation: ReviewerInvitation) -> str:
    token = new_secret()
    invitation.token_hash = digest(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + dt.timedelta(days=invitation_days())
    return token


@transaction.atomic
def reviewer_invite(
    *,
    actor: Any,
    program: Program,
    email: str,
    read_only: bool,
    streams: Iterable[str],
    language: str,
) -> ReviewerInvitation:
    """Invite someone by e-mail to review the program's files (the director or program
    administrator; callers check ``program.manage_review``), with full or read-only access to
    the applications of the given streams (none = every stream). The e-mail goes out in the
    invitee's language if they have an account, else in ``language`` (the inviter's)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            _("Give a valid e-mail address; nothing was sent."), code="email"
        ) from None
    from accounts.models import Role, RoleAssignment

    program = Program.objects.select_for_update().get(pk=program.pk)
    streams = _clean_streams(program, streams)
    existing = ReviewerInvitation.objects.filter(
        program=program, email=email, removed_at__isnull=True
    ).first()
    if existing is not None and existing.accepted_at is None:
        raise DomainError(
            _(
                "%(email)s was already invited: use “Send again” in the list of invitations "
                "to send a new link. Nothing was changed."
            )
            % {"email": email},
            code="already_invited",
        )
    account = _account_for(email)
    if account is not None:
        roles = set(
            RoleAssignment.objects.filter(user=account, program=program).values_list(
                "role", flat=True
            )
        )
        if Role.FILE_REVIEWER in roles or existing is not None:
            raise DomainError(
                _(
                    "%(email)s already reviews this program's files: change their access in "
                    "the list of reviewers instead. Nothing was changed."
                )
                % {"email": email},
                code="already_reviewer",
            )
        if roles:
            raise DomainError(
                _(
                    "%(email)s already works on this program as its director or administrator; "
                    "nothing was changed."
                )
                % {"email": email},
                code="already_staff",
            )
        if _takes_part_as_applicant(account, program):
            raise DomainError(
                _(
                    "%(email)s takes part in this cycle's match as an applicant: an applicant "
                    "may not review other applicants' files. Nothing was sent."
                )
                % {"email": email},
                code="applicant",
            )
    invitation = ReviewerInvitation(
        program=program,
        email=email,
        read_only=read_only,
        streams=streams,
        invited_by=actor,
        language=(getattr(account, "language", "") or language or "en")[:2],
    )
    token = _new_token(invitation)
    invitation.save()
    audit(
        actor=actor,
        action="programs.reviewer.invited",
        target=invitation,
        data={"email": email, "read_only": read_only, "streams": streams},
    )
    emails.queue_reviewer_invitation(invitation, token)
    return invitation


def _lock_open_invitation(invitation: ReviewerInvitation) -> ReviewerInvitation:
    locked = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.removed_at is not None or locked.accepted_at is not None:
        raise DomainError(
            _("This invitation is no longer waiting for an answer; nothing was changed."),
            code="not_pending",
        )
    return locked


@transaction.atomic
def reviewer_invitation_resend(
    *, actor: Any, invitation: ReviewerInvitation, language: str
) -> ReviewerInvitation:
    """Send a pending (or expired) invitation again with a new link, valid for the full period
    again; the previous link stops working."""
    invitation = _lock_open_invitation(invitation)
    account = _account_for(invitation.email)
    invitation.language = (getattr(account, "language", "") or language or "en")[:2]
    token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "language"])
    audit(actor=actor, action="programs.reviewer.invitation_resent", target=invitation)
    emails.queue_reviewer_invitation(invitation, token)
    return invitation


@transaction.atomic
def reviewer_invitation_cancel(*, actor: Any, invitation: ReviewerInvitation) -> None:
    """Cancel an invitation not yet accepted: its link stops working at once."""
    invitation = _lock_open_invitation(invitation)
    invitation.removed_at = timezone.now()
    invitation.removed_by = actor
    invitation.save(update_fields=["removed_at", "removed_by"])
    audit(actor=actor, action="programs.reviewer.invitation_cancelled", target=invitation)


@transaction.atomic
def reviewer_invitation_accept(*, user: Any, token_hash: str) -> ReviewerInvitation:
    """Accept an invitation by its link, signed in as the invited address: the user becomes a
    file reviewer of the program with the access and streams of the invitation. The link works
    once; a cancelled, expired or replaced link is refused with a message saying what to do.
    ``token_hash`` is the SHA-256 of the link's token (``core.tokens.digest``)."""
    from accounts.models import Role, RoleAssignment
    from core.permissions import forget_roles

    found = selectors.invitation_for_hash(token_hash)
    if found is None:
        raise DomainError(
            _(
                "This invitation link is not valid: it may have been replaced by a newer "
                "e-mail. Use the link of the latest e-mail, or ask the program to send the "
                "invitation again."
            ),
            code="unknown",
        )
    invitation = ReviewerInvitation.objects.select_for_update().get(pk=found.pk)
    if invitation.removed_at is not None:
        raise DomainError(
            _(
                "This invitation was cancelled by the program; nothing was changed. Ask the "
                "program director to invite you again."
            ),
            code="removed",
        )
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.pk:
            raise DomainError(_("You already accepted this invitation."), code="already")
        raise DomainError(
            _("This invitation was already used; ask the program director for your own."),
            code="used",
        )
    if timezone.now() >= invitation.expires_at:
        raise DomainError(
            _(
                "This invitation expired on %(when)s (Toronto time): ask the program director "
                "to send it again."
            )
            % {"when": format_toronto(invitation.expires_at)},
            code="expired",
        )
    if invitation.email not in selectors.verified_addresses(user):
        raise DomainError(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as "
                "%(current)s. Sign out, then sign in with %(invited)s (or create an account "
                "with it) and open the link again. Nothing was changed."
            )
            % {"invited": invitation.email, "current": user.email},
            code="wrong_account",
        )
    program = found.program
    if _takes_part_as_applicant(user, program):
        raise DomainError(
            _(
                "You take part in this cycle's match as an applicant: an applicant may not "
                "review other applicants' files. Nothing was changed."
            ),
            code="applicant",
        )
    assignment = (
        RoleAssignment.objects.select_for_update()
        .filter(user=user, role=Role.FILE_REVIEWER, program=program)
        .first()
    )
    if assignment is None:
        assignment = RoleAssignment(user=user, role=Role.FILE_REVIEWER, program=program)
    assignment.read_only = invitation.read_only
    assignment.streams = list(invitation.streams)
    assignment.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        actor=user,
        action="programs.reviewer.accepted",
        target=invitation,
        data={"read_only": invitation.read_only, "streams": invitation.streams},
    )
    forget_roles(user)
    return invitation


def _lock_reviewer(program: Program, reviewer_id: int) -> Any:
    from accounts.models import Role, RoleAssignment

    assignment = (
        RoleAssignment.objects.select_for_update()
        .select_related("user")
        .filter(program=program, role=Role.FILE_REVIEWER, user_id=reviewer_id)
        .first()
    )
    if assignment is None:
        raise DomainError(
            _("This person is no longer a reviewer of the program; nothing was changed."),
            code="not_reviewer",
        )
    return assignment


@transaction.atomic
def reviewer_update(
    *, actor: Any, program: Program, reviewer_id: int, read_only: bool, streams: Iterable[str]
) -> Any:
    """Change a reviewer's access (full or read-only) and streams; it applies from their next
    request."""
    assignment = _lock_reviewer(program, reviewer_id)
    assignment.read_only = read_only
    assignment.streams = _clean_streams(program, streams)
    assignment.save(update_fields=["read_only", "streams"])
    ReviewerInvitation.objects.filter(
        program=program, accepted_by_id=reviewer_id, removed_at__isnull=True
    ).update(read_only=assignment.read_only, streams=assignment.streams)
    audit(
        actor=actor,
        action="programs.reviewer.updated",
        target=program,
        data={"reviewer": reviewer_id, "read_only": read_only, "streams": assignment.streams},
    )
    return assignment


@transaction.atomic
def reviewer_remove(*, actor: Any, program: Program, reviewer_id: int) -> None:
    """Remove a file reviewer: their role assignment is deleted, so their next request is
    refused (roles are read from the database on every request). They may be invited again."""
    assignment = _lock_reviewer(program, reviewer_id)
    email = assignment.user.email
    assignment.delete()
    ReviewerInvitation.objects.filter(
        program=program, accepted_by_id=reviewer_id, removed_at__isnull=True
    ).update(removed_at=timezone.now(), removed_by=actor)
    audit(
        actor=actor,
        action="programs.reviewer.removed",
        target=program,
        data={"reviewer": reviewer_id, "email": email},
    )
