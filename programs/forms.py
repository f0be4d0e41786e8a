from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import Province, TrainingLanguage
from programs.models import Discipline, Program


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    discipline = forms.ChoiceField(label=_("Discipline"), required=False)
    province = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All")), *list(Province.choices)]
    )
    language = forms.ChoiceField(
        label=_("Language of training"),
        required=False,
        choices=[("", _("All")), *list(TrainingLanguage.choices)],
    )
    open_to_me = forms.BooleanField(label=_("Only positions open to me"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["discipline"].choices = [("", _("All"))] + [
            (d.code, d.name) for d in Discipline.objects.all()
        ]


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["description_en", "description_fr", "sites", "language"]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "description_fr": forms.Textarea(attrs={"rows": 6}),
        }


class QuotaForm(forms.Form):
    positions = forms.IntegerField(label=_("Positions"), min_value=0, max_value=500)
    reverts_to = forms.ChoiceField(label=_("Unfilled positions revert to"), required=False)


class RequirementForm(forms.Form):
    what = forms.ChoiceField(label=_("What the program requires"))
    required = forms.BooleanField(
        label=_("Required (unticked: optional)"), required=False, initial=True
    )
    count = forms.IntegerField(
        label=_("How many (references only)"), min_value=1, max_value=10, initial=1
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Either language")), ("en", _("English")), ("fr", _("French"))],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from programs.selectors import requirement_choices

        self.fields["what"].choices = requirement_choices()
