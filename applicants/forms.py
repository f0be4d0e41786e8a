from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.models import ApplicantProfile, ApplicationLanguages, QuebecContingent


class RegisterForm(forms.ModelForm):
    class Meta:
        model = ApplicantProfile
        fields = [
            "first_name",
            "last_name",
            "single_name",
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


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=100)
    single_name = forms.BooleanField(
        label=_("I have only one name"),
        required=False,
        help_text=_("Your one name goes in “family name”; leave “given name” empty."),
    )
    mcc_id = forms.CharField(
        label=_("MCC ID"),
        max_length=20,
        required=False,
        help_text=_("6 to 8 digits, from your physiciansapply.ca account. Required for IMGs."),
    )
    quebec_contingent = forms.ChoiceField(
        label=_("Québec contingent (CMQ approval)"),
        choices=QuebecContingent.choices,
        required=False,
    )


class LanguagesForm(forms.Form):
    languages = forms.ChoiceField(
        label=_("Language of your application"),
        choices=ApplicationLanguages.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "In a bilingual application you fill in each section in English and in French. "
            "Entries of a language you stop using are kept, hidden, in case you choose it again."
        ),
    )


class ProvincialListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("List (CSV file)"),
        help_text=_(
            "UTF-8 CSV, first line: matching_id,family_name (optionally province). At most 2 MB."
        ),
    )
