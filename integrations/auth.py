"""django-ninja authentication for trusted third parties.

``auth=OrganisationToken(OrganisationKind.MCC)`` on an endpoint accepts
``Authorization: Bearer <token>`` of an active organisation of that kind; ``request.auth`` is
then the :class:`~integrations.models.Organisation`. Any other token gets 401.
"""

from __future__ import annotations

from typing import Any

from ninja.security import HttpBearer

from integrations.models import Organisation
from integrations.selectors import organisation_for_token


class OrganisationToken(HttpBearer):
    def __init__(self, *kinds: str) -> None:
        super().__init__()
        self.kinds = frozenset(kinds)

    def authenticate(self, request: Any, token: str) -> Organisation | None:
        organisation = organisation_for_token(token)
        if organisation is None or (self.kinds and organisation.kind not in self.kinds):
            return None
        return organisation
