"""Forms of references: the applicant's request, claiming an early letter, the referee's upload
and online forms, the administrator's early letter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from references import questions as q
from references.models import ReferenceKind, ReferenceRequest


class RequestForm(forms.ModelForm):
    class Meta:
        model = ReferenceRequest
        fields = [
            "kind",
            "referee_name",
            "referee_email",
            "referee_language",
            "discipline",
            "message",
            "delivery",
        ]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "delivery": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discipline"].empty_label = _("No specific discipline")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "referee_name": data["referee_name"],
            "referee_email": data.get("referee_email") or "",
            "referee_language": data["referee_language"],
            "discipline": data.get("discipline"),
            "message": data.get("message") or "",
            "delivery": data["delivery"],
        }


class ClaimForm(forms.Form):
    reference_id = forms.CharField(
        label=_("Reference ID of the early letter"),
        max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "REF-XXXXXX"}),
    )


class UploadForm(forms.Form):
    letter = forms.FileField(
        label=_("Your letter (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class PlaceholderForm(forms.Form):
    referee_name = forms.CharField(label=_("Referee's name"), max_length=200)
    referee_email = forms.EmailField(label=_("Referee's e-mail"), required=False)
    intended_matching_id = forms.CharField(label=_("Applicant's match identifier"), max_length=20)
    kind = forms.ChoiceField(label=_("Type of reference"), choices=ReferenceKind.choices)
    letter = forms.FileField(label=_("The letter (PDF)"))


RATINGS = [(str(i), str(i)) for i in range(1, 6)]


def answers_form(questions: list[q.Question], data: Any = None) -> forms.Form:
    """A form with one field per question (ratings 1 to 5 as radio buttons, text areas)."""
    form = forms.Form(data)
    for question in questions:
        key = question["key"]
        if question["type"] == "rating":
            form.fields[key] = forms.ChoiceField(
                label=q.label(question),
                choices=RATINGS,
                widget=forms.RadioSelect,
                help_text=_("1 = poor, 5 = outstanding"),
            )
        else:
            form.fields[key] = forms.CharField(
                label=q.label(question),
                max_length=q.TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
    return form
