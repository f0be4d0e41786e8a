"""Forms of file review: the list's filters, scores, notes, criteria, masking, assignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.selectors import COMPLETE, OPTIONAL_MISSING, REQUIRED_MISSING
from core.choices import Province
from interviews.models import InterviewStatus
from review.models import MASK_UNTIL, SCALE_LIMIT, WEIGHT_LIMIT, Criterion, MaskedItem
from review.selectors import (
    EXAMS,
    OUTSIDE_CANADA,
    Filters,
    Reviewer,
    ReviewList,
    review_list,
    stream_label,
    team_of,
)

ANY = ("", _("Any"))

SORT_CHOICES = [
    ("name", _("Name (A to Z)")),
    ("-name", _("Name (Z to A)")),
    ("submitted", _("Submitted (earliest first)")),
    ("-submitted", _("Submitted (latest first)")),
    ("score", _("Mean score (highest first)")),
    ("-score", _("Mean score (lowest first)")),
    ("my_score", _("My score (highest first)")),
    ("-my_score", _("My score (lowest first)")),
]


class FilterForm(forms.Form):
    """The list's filters (GET). Every field is optional; an invalid one is reported and left
    out, the others still apply."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, match identifier, MCC ID or e-mail address."),
    )
    stream = forms.ChoiceField(label=_("Stream"), required=False)
    late = forms.ChoiceField(
        label=_("Late"),
        required=False,
        choices=[
            ANY,
            ("yes", _("Late application")),
            ("additions", _("Late additions (documents, references, letter)")),
            ("no", _("On time, nothing late")),
        ],
    )
    exam = forms.ChoiceField(
        label=_("Examination"),
        required=False,
        choices=[ANY, *[(k, label) for k, (_s, _v, label) in EXAMS.items()]],
        help_text=_("Applicants whose file records this examination."),
    )
    min_score = forms.FloatField(
        label=_("Minimum score"), required=False, min_value=0, max_value=1000
    )
    language = forms.ChoiceField(
        label=_("Language of the application"),
        required=False,
        choices=[
            ANY,
            ("en", _("English")),
            ("fr", _("French")),
            ("both", _("English and French")),
        ],
    )
    province = forms.ChoiceField(
        label=_("Province of study"),
        required=False,
        choices=[ANY, *Province.choices, (OUTSIDE_CANADA, _("Outside Canada"))],
    )
    completeness = forms.ChoiceField(
        label=_("Checklist"),
        required=False,
        choices=[
            ANY,
            (COMPLETE, _("Complete")),
            ("incomplete", _("Something missing")),
            (OPTIONAL_MISSING, _("Optional item missing")),
            (REQUIRED_MISSING, _("Required item missing")),
        ],
    )
    interview = forms.ChoiceField(
        label=_("Interview status"),
        required=False,
        choices=[ANY, ("none", _("No status yet")), *InterviewStatus.choices],
    )
    assigned = forms.ChoiceField(label=_("Assigned reviewer"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, streams: list[str], team: list[Reviewer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stream"].choices = [ANY, *[(s, stream_label(s)) for s in streams]]
        self.fields["assigned"].choices = [
            ("", _("Anyone or no one")),
            ("me", _("Assigned to me")),
            ("none", _("Not assigned")),
            *[(str(r.user_id), r.name) for r in team],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("min_score") is not None and not data.get("exam"):
            self.add_error("min_score", _("Choose the examination the minimum score is for."))
        return data

    def filters(self) -> Filters:
        """The valid fields as ``Filters`` (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        return Filters(
            q=data.get("q") or "",
            stream=data.get("stream") or "",
            late=data.get("late") or "",
            exam=data.get("exam") or "",
            min_score=data.get("min_score"),
            language=data.get("language") or "",
            province=data.get("province") or "",
            completeness=data.get("completeness") or "",
            interview=data.get("interview") or "",
            assigned=data.get("assigned") or "",
            sort=data.get("sort") or "name",
        )


def list_from_query(
    program: Any, quotas: list[Any], data: Any, *, viewer: Any
) -> tuple[FilterForm, ReviewList]:
    """The filter form bound to ``data`` (a query dict) and the list it selects: the page, the
    exports and the API all go through here."""
    team = list(team_of(program).values())
    form = FilterForm(data, streams=[q.stream for q in quotas], team=team)
    form.is_valid()
    listing = review_list(program, viewer=viewer, filters=form.filters(), quotas=quotas)
    return form, listing


class ScoreForm(forms.Form):
    """One integer field per criterion of the program, from 0 to its scale (empty = no score)."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"criterion-{c.pk}"] = forms.IntegerField(
                label=c.name,
                required=False,
                min_value=0,
                max_value=c.scale_max,
                help_text=_("From 0 to %(max)s") % {"max": c.scale_max},
            )

    def values(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"criterion-{c.pk}") for c in self.criteria}


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    shared = forms.BooleanField(
        label=_("Share with the program team"),
        required=False,
        help_text=_(
            "Unticked, only you read these notes. Ticked, the program's director, "
            "administrators and file reviewers who read this file see them too."
        ),
    )


class CriterionForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=100)
    scale_max = forms.IntegerField(
        label=_("Highest score"), min_value=1, max_value=SCALE_LIMIT, initial=5
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=WEIGHT_LIMIT, initial=1)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)


NOT_HIDDEN = "shown"
ALWAYS = "always"


class MaskingForm(forms.Form):
    """One choice per maskable item: not hidden, hidden always, or hidden until a milestone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (NOT_HIDDEN, _("Shown")),
            (ALWAYS, _("Hidden always")),
            *[
                (k.value, _("Hidden until “%(milestone)s”") % {"milestone": k.label})
                for k in MASK_UNTIL
            ],
        ]
        for item in MaskedItem:
            self.fields[item.value] = forms.ChoiceField(
                label=item.label, choices=choices, required=False, initial=NOT_HIDDEN
            )

    def rules(self) -> dict[str, str | None]:
        """Item -> the milestone it is hidden until ("" = always), None when shown; an item
        left out of the form is shown."""
        out: dict[str, str | None] = {}
        for item in MaskedItem:
            value = self.cleaned_data.get(item.value) or NOT_HIDDEN
            out[item.value] = None if value == NOT_HIDDEN else "" if value == ALWAYS else value
        return out


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of this filter"), max_length=80)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
