"""Payment providers. A provider turns "the applicant paid" into a ledger entry.

Only the offline provider exists: the match administrator records a payment received by
cheque or wire transfer. An online provider would implement the same protocol (start a
payment, then confirm it from the provider's signed callback) and register itself by name.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _


class PaymentProvider(Protocol):
    name: str
    label: Any

    def may_record(self, actor: Any) -> bool:
        """Whether ``actor`` may record a payment through this provider."""


class OfflineProvider:
    """Payments received outside the platform (cheque, wire), recorded by the administrator."""

    name = "offline"
    label = _("Offline payment (cheque or wire transfer), recorded by the match administrator")

    def may_record(self, actor: Any) -> bool:
        from core.permissions import can

        return can(actor, "match.administer")


PROVIDERS: dict[str, PaymentProvider] = {OfflineProvider.name: OfflineProvider()}


def provider(name: str) -> PaymentProvider:
    return PROVIDERS[name]
