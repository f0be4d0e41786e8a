"""Issuing and revoking organisation tokens."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.tokens import digest, new_secret
from integrations.models import ApiToken, Organisation

TOKEN_PREFIX = "jmlg_"


@transaction.atomic
def token_issue(*, actor: Any | None, organisation: Organisation) -> tuple[ApiToken, str]:
    """A new token for ``organisation``: the row, and the raw token (shown once, never stored)."""
    raw = TOKEN_PREFIX + new_secret()
    token = ApiToken.objects.create(
        organisation=organisation, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=digest(raw)
    )
    audit(actor=actor, action="integrations.token.issued", target=token)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any | None, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action="integrations.token.revoked", target=token)
    return token
