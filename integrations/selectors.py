"""Reads: the organisation behind a presented token."""

from __future__ import annotations

from django.utils import timezone

from core.tokens import digest
from integrations.models import ApiToken, Organisation


def organisation_for_token(raw: str) -> Organisation | None:
    """The active organisation holding the unrevoked token ``raw``, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(digest=digest(raw), revoked_at__isnull=True, organisation__active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.organisation
