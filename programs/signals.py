"""Accept a reviewer invitation opened before signing in, when its invitee signs in.

An invitation link opened while signed out is remembered in the session (only the SHA-256 of
its token, which is what the database holds too). Signing in normally comes back to the link
(``?next=``); but a new account confirms its address first, and allauth then sends the person
to the sign-in page without the link. So on every sign-in, a remembered invitation whose
address is the person's verified address is accepted, and they are told so.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _

from core.errors import DomainError


def accept_remembered_invitation(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from programs import services
    from programs.views import JUST_ACCEPTED, PENDING_INVITATION

    session = getattr(request, "session", None)
    token_hash = session.pop(PENDING_INVITATION, None) if session is not None else None
    if not token_hash:
        return
    try:
        invitation = services.reviewer_invitation_accept(user=user, token_hash=token_hash)
    except DomainError:
        return  # another account, expired, cancelled...: opening the link again says why
    session[JUST_ACCEPTED] = invitation.pk
    messages.success(
        request,
        _("You now review the files of %(name)s.") % {"name": invitation.program.name},
    )
