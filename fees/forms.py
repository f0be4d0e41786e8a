from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.forms import ApplicantByMatchingIdField


class RecordPaymentForm(forms.Form):
    matching_id = ApplicantByMatchingIdField()
    amount = forms.DecimalField(
        label=_("Amount received (CAD)"), min_value=Decimal("0.01"), max_digits=9, decimal_places=2
    )
    reference = forms.CharField(label=_("Reference (cheque or transfer number)"), max_length=100)
