from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import Province, TrainingLanguage
from programs.models import DESCRIPTION_SECTIONS, SECTION_KEYS, SECTION_MAX_LENGTH, Discipline


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


class DescriptionForm(forms.Form):
    """Every section of the description in English and French, and the language of training.
    Empty sections may be saved in a draft; submitting needs them all (the service says which
    are missing)."""

    training_language = forms.ChoiceField(
        label=_("Language of training"), choices=TrainingLanguage.choices
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key in SECTION_KEYS:
            for lang, label in (("en", _("English")), ("fr", _("French"))):
                self.fields[f"{key}_{lang}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=SECTION_MAX_LENGTH,
                    strip=True,
                    widget=forms.Textarea(attrs={"rows": 4, "lang": lang}),
                )

    def sections(self) -> list[tuple[str, object, forms.BoundField, forms.BoundField]]:
        """``(key, title, English field, French field)`` in the order of the description."""
        return [
            (key, title, self[f"{key}_en"], self[f"{key}_fr"])
            for key, title in DESCRIPTION_SECTIONS
        ]

    def content(self) -> dict[str, str]:
        return {
            f"{key}_{lang}": self.cleaned_data.get(f"{key}_{lang}", "")
            for key, _title in DESCRIPTION_SECTIONS
            for lang in ("en", "fr")
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the program change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)


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


class StreamsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


ACCESS_CHOICES = [
    ("full", _("Full access: read, score and note files")),
    ("read_only", _("Read only: read files, never score or note")),
]


class ReviewerAccessForm(forms.Form):
    access = forms.ChoiceField(
        label=_("Access"), choices=ACCESS_CHOICES, widget=forms.RadioSelect, initial="full"
    )
    streams = StreamsField(
        label=_("Streams (none ticked: every stream of the program)"), required=False
    )

    def __init__(self, *args: object, streams: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["streams"].choices = streams

    @property
    def read_only(self) -> bool:
        return self.cleaned_data["access"] == "read_only"


class ReviewerInviteForm(ReviewerAccessForm):
    email = forms.EmailField(label=_("E-mail address of the reviewer"))

    field_order = ["email", "access", "streams"]
