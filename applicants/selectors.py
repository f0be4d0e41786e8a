"""Reads about applicants: participation, the dashboard summary, provincial lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applicants.models import (
    ApplicantProfile,
    ContractVersion,
    Couple,
    CoupleStatus,
    FileEntry,
    Participation,
    ProvincialEligibility,
    ProvincialListImport,
    SectionWaiver,
)
from applicants.sections import GROUPS, Group, Section, is_valid_data, sections_of
from core.choices import Stream
from cycles.models import Cycle


def participation_of(applicant: ApplicantProfile, cycle: Cycle) -> Participation | None:
    return (
        Participation.objects.filter(applicant=applicant, cycle=cycle)
        .select_related("contract")
        .first()
    )


def participation_active(applicant: ApplicantProfile, cycle: Cycle | int) -> bool:
    """Contract accepted and not withdrawn (``cycle``: the cycle or its id)."""
    return Participation.objects.filter(
        applicant=applicant, cycle=cycle, withdrawn_at__isnull=True
    ).exists()


def current_contract(cycle: Cycle) -> ContractVersion | None:
    return ContractVersion.objects.filter(cycle=cycle).order_by("-version").first()


def active_couple_of(applicant: ApplicantProfile, cycle: Cycle) -> Couple | None:
    return (
        Couple.objects.filter(cycle=cycle, status=CoupleStatus.ACTIVE)
        .filter(Q(inviter=applicant) | Q(partner=applicant))
        .select_related("inviter__user", "partner__user")
        .first()
    )


def provincial_list(*, cycle: Cycle, province: str) -> QuerySet[ProvincialEligibility]:
    return (
        ProvincialEligibility.objects.filter(cycle=cycle, province=province)
        .select_related("applicant__user")
        .order_by("applicant__last_name", "applicant__first_name")
    )


# --- My Information: the file and its completeness ------------------------------------------


@dataclass
class SectionStatus:
    section: Section
    waived: bool
    entries: dict[str, list[FileEntry]]  # language -> entries (chosen languages only)
    hidden_count: int  # entries kept in a language no longer chosen
    complete: bool
    missing: list[str]  # translated sentences: what is left to do

    @property
    def key(self) -> str:
        return self.section.key


@dataclass
class GroupStatus:
    group: Group
    sections: list[SectionStatus]

    @property
    def complete_count(self) -> int:
        return sum(1 for s in self.sections if s.complete)

    @property
    def percent(self) -> int:
        return round(100 * self.complete_count / len(self.sections)) if self.sections else 100


@dataclass
class FileStatus:
    applicant: ApplicantProfile
    languages: list[str]
    groups: list[GroupStatus]
    profile_missing: list[str]

    @property
    def sections(self) -> list[SectionStatus]:
        return [s for g in self.groups for s in g.sections]

    @property
    def complete_count(self) -> int:
        return sum(g.complete_count for g in self.groups) + (0 if self.profile_missing else 1)

    @property
    def total(self) -> int:
        return len(self.sections) + 1  # + the identity facts of the profile (names, MCC ID)

    @property
    def percent(self) -> int:
        return round(100 * self.complete_count / self.total)

    @property
    def complete(self) -> bool:
        return self.complete_count == self.total

    def section(self, key: str) -> SectionStatus:
        return next(s for s in self.sections if s.key == key)


def language_names() -> dict[str, str]:
    """Names of the application languages as written inside a sentence ("in English")."""
    return {
        "en": pgettext("language inside a sentence", "English"),
        "fr": pgettext("language inside a sentence", "French"),
        "bi": pgettext("language inside a sentence", "English and French"),
    }


def profile_missing(applicant: ApplicantProfile) -> list[str]:
    """What the profile itself still lacks (the MCC ID of an IMG, a given name)."""
    missing = []
    if not applicant.single_name and not applicant.first_name:
        missing.append(_("Give your given name, or tick “I have only one name”."))
    if applicant.stream == Stream.IMG and not applicant.mcc_id:
        missing.append(_("International medical graduates must give their MCC ID."))
    return missing


def file_status(applicant: ApplicantProfile) -> FileStatus:
    """Every section of the file with its entries and completeness: two queries."""
    languages = applicant.languages
    entries: dict[str, list[FileEntry]] = {}
    for entry in FileEntry.objects.filter(applicant=applicant).order_by(
        "section", "language", "position", "pk"
    ):
        entries.setdefault(entry.section, []).append(entry)
    waived = set(
        SectionWaiver.objects.filter(applicant=applicant).values_list("section", flat=True)
    )
    names = language_names()
    groups = []
    for group in GROUPS:
        statuses = []
        for spec in sections_of(group.key):
            mine = entries.get(spec.key, [])
            by_language = {lang: [e for e in mine if e.language == lang] for lang in languages}
            hidden = sum(1 for e in mine if e.language not in languages)
            missing = []
            is_waived = spec.key in waived and not spec.required
            if not is_waived:
                for lang in languages:
                    if not any(is_valid_data(spec, e.data) for e in by_language[lang]):
                        if spec.required:
                            missing.append(
                                _("Add at least one entry in %(language)s.")
                                % {"language": names[lang]}
                            )
                        else:
                            missing.append(
                                _(
                                    "Add an entry in %(language)s, or mark the section "
                                    "“does not apply to me”."
                                )
                                % {"language": names[lang]}
                            )
            statuses.append(
                SectionStatus(
                    section=spec,
                    waived=is_waived,
                    entries=by_language,
                    hidden_count=hidden,
                    complete=not missing,
                    missing=missing,
                )
            )
        groups.append(GroupStatus(group=group, sections=statuses))
    return FileStatus(
        applicant=applicant,
        languages=languages,
        groups=groups,
        profile_missing=profile_missing(applicant),
    )


def provincial_imports(*, cycle: Cycle, province: str) -> QuerySet[ProvincialListImport]:
    return ProvincialListImport.objects.filter(cycle=cycle, province=province).select_related(
        "uploaded_by", "organisation"
    )
