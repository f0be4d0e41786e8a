from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType, Language
from documents.services import THIRD_PARTY_ONLY


class UploadForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type of document"),
        choices=[(v, label) for v, label in DocumentType.choices if v not in THIRD_PARTY_ONLY],
    )
    language = forms.ChoiceField(label=_("Language of the document"), choices=Language.choices)
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF (a photo: JPEG or PNG). At most 10 MB; a photo at most 2 MB."),
    )


class FileForm(forms.Form):
    file = forms.FileField(label=_("Translated file (PDF)"))


class LetterForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the letter"), choices=Language.choices)
    text = forms.CharField(
        label=_("Letter"), widget=forms.Textarea(attrs={"rows": 16}), max_length=10000
    )
