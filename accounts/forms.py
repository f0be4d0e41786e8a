from __future__ import annotations

from django import forms

from accounts.models import User


class LanguageForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
