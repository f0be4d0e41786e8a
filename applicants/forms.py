from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.models import ApplicantProfile


class RegisterForm(forms.ModelForm):
    class Meta:
        model = ApplicantProfile
        fields = [
            "first_name",
            "last_name",
            "medical_school_region",
            "medical_school_name",
            "graduation_year",
            "citizenship",
        ]

    def clean_graduation_year(self) -> int:
        year = self.cleaned_data["graduation_year"]
        if not 1950 <= year <= 2030:
            raise forms.ValidationError(_("Enter the year you graduated, e.g. 2024."))
        return int(year)


class AcceptContractForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the applicant contract and I accept it."),
        error_messages={"required": _("Tick the box to accept the contract.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give the reason for your withdrawal.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that I will take no further part in this match."),
        error_messages={"required": _("Tick the box to confirm your withdrawal.")},
    )


class ApplicantByMatchingIdField(forms.CharField):
    """An applicant, typed by their match identifier (e.g. A000123); cleans to the profile."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Applicant's match identifier"))
        super().__init__(max_length=20, **kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> ApplicantProfile:  # type: ignore[override]
        text = str(super().clean(value)).strip().upper()
        applicant = ApplicantProfile.objects.filter(matching_id=text).first()
        if applicant is None:
            raise forms.ValidationError(_("No applicant has this match identifier."))
        return applicant


class ProvincialListAddForm(forms.Form):
    matching_id = ApplicantByMatchingIdField()
