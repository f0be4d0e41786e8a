from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationState


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *NotificationState.choices],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[])

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [("", _("All kinds")), *((k, k) for k in kinds)]  # type: ignore[attr-defined]
