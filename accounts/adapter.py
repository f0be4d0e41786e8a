"""django-allauth adapter: e-mails go out in the recipient's language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = user.language if user is not None else translation.get_language()
        with translation.override(language or "en"):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        """Remember the language the person signed up in, for later e-mails."""
        user.language = (translation.get_language() or "en")[:2]
        return super().save_user(request, user, form, commit)
