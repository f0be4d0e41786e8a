"""The sections of "My Information", declared once.

Four groups as in the CaRMS guide (Profile, Education, Examinations, Experience); each section is
required or to fill "if it applies", repeatable or not, and lists its fields with their types.
Forms, pages, the completeness meter and the API are all built from this registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REQUIRED = "required"
IF_APPLIES = "if_applies"

TEXT = "text"
TEXTAREA = "textarea"
DATE = "date"
YEAR = "year"
CHOICE = "choice"
BOOL = "bool"
URL = "url"


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise
    kind: str = TEXT
    required: bool = True
    choices: tuple[tuple[str, Promise], ...] = ()
    max_length: int = 200
    help_text: Promise | str = ""


@dataclass(frozen=True)
class Section:
    key: str
    group: str
    title: Promise
    requirement: str
    fields: tuple[Field, ...]
    repeatable: bool = True
    summary: tuple[str, ...] = field(default=())  # field keys shown in lists

    @property
    def required(self) -> bool:
        return self.requirement == REQUIRED

    def summary_keys(self) -> tuple[str, ...]:
        return self.summary or tuple(f.key for f in self.fields[:2])


@dataclass(frozen=True)
class Group:
    key: str
    title: Promise


GROUPS = (
    Group("profile", _("Profile")),
    Group("education", _("Education")),
    Group("examinations", _("Examinations")),
    Group("experience", _("Experience")),
)

LEVELS = (
    ("basic", _("Basic")),
    ("intermediate", _("Intermediate")),
    ("advanced", _("Advanced")),
    ("native", _("Native or bilingual")),
)
SPOKEN = (("en", _("English")), ("fr", _("French")), ("other", _("Another language")))
RESULTS = (("pass", _("Pass")), ("fail", _("Fail")), ("pending", _("Result pending")))


def _dates(required_end: bool = False) -> tuple[Field, Field]:
    return (
        Field("start", _("Start date"), DATE),
        Field(
            "end",
            _("End date"),
            DATE,
            required=required_end,
            help_text=_("Leave empty if it is ongoing."),
        ),
    )


def _description(required: bool = False) -> Field:
    return Field("description", _("Description"), TEXTAREA, required=required, max_length=3000)


SECTIONS: tuple[Section, ...] = (
    # --- Profile --------------------------------------------------------------------------
    Section(
        "personal",
        "profile",
        _("Personal information"),
        REQUIRED,
        (
            Field("date_of_birth", _("Date of birth"), DATE),
            Field("phone", _("Telephone"), max_length=40),
            Field("address", _("Mailing address"), TEXTAREA, max_length=500),
            Field("country", _("Country of residence"), max_length=100),
            Field("pronouns", _("Pronouns"), required=False, max_length=40),
        ),
        repeatable=False,
        summary=("phone", "country"),
    ),
    Section(
        "language_skills",
        "profile",
        _("Language skills"),
        REQUIRED,
        (
            Field("language", _("Language"), CHOICE, choices=SPOKEN),
            Field("other_language", _("Other language (name it)"), required=False),
            Field("speaking", _("Speaking"), CHOICE, choices=LEVELS),
            Field("reading", _("Reading"), CHOICE, choices=LEVELS),
            Field("writing", _("Writing"), CHOICE, choices=LEVELS),
        ),
        summary=("language", "speaking"),
    ),
    Section(
        "licensure",
        "profile",
        _("Licensure"),
        REQUIRED,
        (
            Field("jurisdiction", _("Jurisdiction (country, province or state)")),
            Field("licence_type", _("Type of licence")),
            Field("number", _("Licence number"), required=False, max_length=60),
            *_dates(),
        ),
    ),
    # --- Education ------------------------------------------------------------------------
    Section(
        "non_medical_education",
        "education",
        _("Non-medical education"),
        REQUIRED,
        (
            Field("institution", _("Institution")),
            Field("degree", _("Degree or diploma")),
            Field("field", _("Field of study"), required=False),
            Field("country", _("Country"), max_length=100),
            *_dates(),
        ),
    ),
    Section(
        "medical_education",
        "education",
        _("Medical education"),
        REQUIRED,
        (
            Field("school", _("Medical school")),
            Field("country", _("Country"), max_length=100),
            Field("degree", _("Degree")),
            *_dates(),
        ),
    ),
    Section(
        "clinical_electives",
        "education",
        _("Clinical electives"),
        IF_APPLIES,
        (
            Field("institution", _("Institution")),
            Field("discipline", _("Discipline")),
            Field("supervisor", _("Supervisor"), required=False),
            *_dates(required_end=True),
        ),
    ),
    Section(
        "postgraduate_training",
        "education",
        _("Postgraduate training"),
        IF_APPLIES,
        (
            Field("institution", _("Institution")),
            Field("discipline", _("Program or discipline")),
            Field("country", _("Country"), max_length=100),
            *_dates(),
            Field("completed", _("Completed"), BOOL, required=False),
        ),
    ),
    Section(
        "residency_electives",
        "education",
        _("Residency electives"),
        IF_APPLIES,
        (
            Field("institution", _("Institution")),
            Field("discipline", _("Discipline")),
            *_dates(required_end=True),
        ),
    ),
    Section(
        "non_clinical_training",
        "education",
        _("Non-clinical training"),
        REQUIRED,
        (
            Field("title", _("Title")),
            Field("institution", _("Institution")),
            *_dates(),
            _description(),
        ),
    ),
    # --- Examinations ---------------------------------------------------------------------
    Section(
        "mcc_exams",
        "examinations",
        _("MCC examinations"),
        REQUIRED,
        (
            Field(
                "exam",
                _("Examination"),
                CHOICE,
                choices=(
                    ("mccqe1", _("MCC Qualifying Examination Part I")),
                    ("nac", _("National Assessment Collaboration (NAC) examination")),
                    ("other", _("Another MCC examination")),
                ),
            ),
            Field("date", _("Date taken"), DATE),
            Field("result", _("Result"), CHOICE, choices=RESULTS),
            Field("score", _("Score"), required=False, max_length=20),
        ),
    ),
    Section(
        "usmle",
        "examinations",
        _("United States Medical Licensing Examinations (USMLE)"),
        IF_APPLIES,
        (
            Field(
                "step",
                _("Step"),
                CHOICE,
                choices=(
                    ("step1", _("Step 1")),
                    ("step2ck", _("Step 2 CK")),
                    ("step3", _("Step 3")),
                ),
            ),
            Field("date", _("Date taken"), DATE),
            Field("result", _("Result"), CHOICE, choices=RESULTS),
            Field("score", _("Score"), required=False, max_length=20),
        ),
    ),
    Section(
        "language_tests",
        "examinations",
        _("Language tests"),
        IF_APPLIES,
        (
            Field(
                "test",
                _("Test"),
                CHOICE,
                choices=(
                    ("ielts", _("IELTS")),
                    ("celpip", _("CELPIP")),
                    ("tef", _("TEF")),
                    ("oqlf", _("OQLF examination")),
                    ("other", _("Another test")),
                ),
            ),
            Field("date", _("Date taken"), DATE),
            Field("score", _("Overall score or result"), max_length=40),
        ),
    ),
    Section(
        "certificates",
        "examinations",
        _("Certificates"),
        IF_APPLIES,
        (
            Field("name", _("Certificate (e.g. ACLS, BLS)")),
            Field("issuer", _("Issued by")),
            Field("date", _("Date obtained"), DATE),
            Field("expires", _("Expiry date"), DATE, required=False),
        ),
    ),
    Section(
        "situational_judgement",
        "examinations",
        _("Situational judgement tests"),
        IF_APPLIES,
        (
            Field(
                "test",
                _("Test"),
                CHOICE,
                choices=(("casper", _("Casper")), ("other", _("Another test"))),
            ),
            Field("date", _("Date taken"), DATE),
        ),
    ),
    # --- Experience -----------------------------------------------------------------------
    Section(
        "work",
        "experience",
        _("Work experience"),
        REQUIRED,
        (
            Field("employer", _("Employer")),
            Field("role", _("Position held")),
            *_dates(),
            _description(),
        ),
    ),
    Section(
        "research",
        "experience",
        _("Research and scholarly activity"),
        REQUIRED,
        (
            Field("title", _("Project")),
            Field("institution", _("Institution")),
            Field("supervisor", _("Supervisor"), required=False),
            *_dates(),
            _description(),
        ),
    ),
    Section(
        "volunteer",
        "experience",
        _("Volunteer experience"),
        REQUIRED,
        (
            Field("organisation", _("Organisation")),
            Field("role", _("Role")),
            *_dates(),
            _description(),
        ),
    ),
    Section(
        "clinical_experience",
        "experience",
        _("Clinical experience"),
        IF_APPLIES,
        (
            Field("institution", _("Institution")),
            Field("role", _("Role")),
            *_dates(),
            _description(),
        ),
    ),
    Section(
        "fellowships",
        "experience",
        _("Fellowships"),
        IF_APPLIES,
        (
            Field("name", _("Fellowship")),
            Field("institution", _("Institution")),
            *_dates(),
        ),
    ),
    Section(
        "publications",
        "experience",
        _("Publications and presentations"),
        REQUIRED,
        (
            Field(
                "kind",
                _("Kind"),
                CHOICE,
                choices=(
                    ("article", _("Article")),
                    ("presentation", _("Presentation")),
                    ("poster", _("Poster")),
                    ("other", _("Other")),
                ),
            ),
            Field("title", _("Title"), max_length=300),
            Field("citation", _("Citation or venue"), TEXTAREA, max_length=1000),
            Field("year", _("Year"), YEAR),
            Field("url", _("Link"), URL, required=False),
        ),
        summary=("title", "year"),
    ),
    Section(
        "achievements",
        "experience",
        _("Achievements and interests"),
        REQUIRED,
        (
            Field("title", _("Achievement or interest")),
            Field("year", _("Year"), YEAR, required=False),
            _description(),
        ),
    ),
)

BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}


def section(key: str) -> Section | None:
    return BY_KEY.get(key)


def sections_of(group: str) -> list[Section]:
    return [s for s in SECTIONS if s.group == group]


def _form_field(spec: Field) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required,
        "help_text": spec.help_text,
    }
    if spec.kind == TEXTAREA:
        return forms.CharField(
            max_length=spec.max_length, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if spec.kind == DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind == YEAR:
        return forms.IntegerField(min_value=1950, max_value=2100, **common)
    if spec.kind == CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *spec.choices], **common)
    if spec.kind == BOOL:
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind == URL:
        return forms.URLField(max_length=spec.max_length, assume_scheme="https", **common)
    return forms.CharField(max_length=spec.max_length, **common)


class SectionForm(forms.Form):
    """A form built from a section's fields; ``cleaned_json`` is what is stored."""

    section: Section

    def __init__(self, *args: Any, section: Section, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        for spec in section.fields:
            self.fields[spec.key] = _form_field(spec)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("end", _("The end date is before the start date."))
        if data.get("language") == "other" and not data.get("other_language"):
            self.add_error("other_language", _("Name the language."))
        return data

    def cleaned_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if isinstance(value, dt.date):
                out[key] = value.isoformat()
            elif value in (None, ""):
                continue
            else:
                out[key] = value
        return out


def form_for(section: Section, data: dict[str, Any] | None = None, **kwargs: Any) -> SectionForm:
    return SectionForm(data, section=section, **kwargs)


def is_valid_data(section: Section, data: dict[str, Any]) -> bool:
    """Whether stored ``data`` still satisfies the section (its definition may have changed)."""
    return form_for(section, {k: ("on" if v is True else v) for k, v in data.items()}).is_valid()


def display_value(section: Section, key: str, value: Any) -> str:
    """A stored value as shown to people (choice labels translated)."""
    spec = next((f for f in section.fields if f.key == key), None)
    if spec is None or value in (None, ""):
        return ""
    if spec.kind == CHOICE:
        return str(dict(spec.choices).get(value, value))
    if spec.kind == BOOL:
        return str(_("Yes") if value else _("No"))
    if spec.kind == DATE:
        from django.utils import formats

        try:
            return str(formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT"))
        except (TypeError, ValueError):
            return str(value)
    return str(value)
