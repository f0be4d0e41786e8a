"""Writes about accounts: preferred language, role assignments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from core.audit import audit
from core.errors import DomainError
from core.permissions import forget_roles


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """The language of the e-mails ``user`` receives."""
    if language not in {"en", "fr"}:
        raise DomainError(_("Choose English or French."), code="language")
    user.language = language
    user.save(update_fields=["language"])
    audit(actor=user, action="accounts.user.language_set", target=user, data={"language": language})
    return user


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    program: Any = None,
    school: Any = None,
    province: str = "",
) -> RoleAssignment:
    """Give ``user`` a role with its scope (program, school, province or the whole match)."""
    if role not in Role.values:
        raise DomainError(_("Unknown role."), code="role")
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, program=program, school=school, province=province
    )
    forget_roles(user)
    audit(actor=actor, action="accounts.role.granted", target=assignment, data={"role": role})
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    audit(
        actor=actor,
        action="accounts.role.revoked",
        target=assignment.user,
        data={"role": assignment.role, "assignment": assignment.pk},
    )
    forget_roles(assignment.user)
    assignment.delete()
