"""Reads of programs: the directory, a program's page, who may apply to which quota."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.choices import PROVINCES_WITH_IMG_LIST, Province, Stream
from cycles.models import Cycle
from programs.models import Program, Quota


def eligible_provinces_of(applicant: Any, cycle: Cycle) -> set[str]:
    """Provinces whose IMG list names ``applicant`` in ``cycle``."""
    from applicants.models import ProvincialEligibility

    return set(
        ProvincialEligibility.objects.filter(applicant=applicant, cycle=cycle).values_list(
            "province", flat=True
        )
    )


def quota_open_to(
    applicant: Any, quota: Quota, *, eligible_provinces: set[str]
) -> tuple[bool, str]:
    """Whether ``applicant`` may apply to ``quota``, and if not, why (a translated sentence).

    CMG quotas are open to CMGs; IMG quotas to IMGs, and in Alberta, British Columbia and Quebec
    only to IMGs on that province's list; competitive quotas to both. IMGs of Québec's
    particular contingent apply to the faculties directly, never through the match.
    """
    province = quota.program.school.province
    if (
        province == Province.QC
        and applicant.stream == Stream.IMG
        and getattr(applicant, "quebec_contingent", "") == "particular"
    ):
        return False, _(
            "You were approved for Québec's particular contingent: apply directly to the "
            "postgraduate office of the faculty, not through the match."
        )
    if quota.stream == Stream.COMPETITIVE:
        return True, ""
    if quota.stream != applicant.stream:
        if quota.stream == Stream.CMG:
            return False, _("These positions are reserved for Canadian medical graduates.")
        return False, _("These positions are reserved for international medical graduates.")
    restricted = quota.stream == Stream.IMG and province in PROVINCES_WITH_IMG_LIST
    if restricted and province not in eligible_provinces:
        return False, _(
            "IMG positions in %(province)s are open only to IMGs on the list of the "
            "%(body)s; you are not on it for this cycle."
        ) % {"province": Province(province).label, "body": PROVINCES_WITH_IMG_LIST[province]}
    return True, ""


def program_queryset(cycle: Cycle) -> QuerySet[Program]:
    return (
        Program.objects.filter(cycle=cycle)
        .select_related("school", "discipline")
        .prefetch_related(
            Prefetch("quotas", queryset=Quota.objects.select_related("reverts_to__program"))
        )
        .order_by("school__code", "code")
    )


def program_directory(
    *,
    cycle: Cycle,
    text: str = "",
    discipline: str = "",
    province: str = "",
    language: str = "",
    page: int | str = 1,
    per_page: int = 25,
) -> Page[Program]:
    """One page of the directory, filtered; a fixed number of queries whatever its size."""
    programs = program_queryset(cycle)
    if text:
        programs = programs.filter(
            Q(name_en__icontains=text)
            | Q(name_fr__icontains=text)
            | Q(code__icontains=text)
            | Q(school__name_en__icontains=text)
            | Q(school__name_fr__icontains=text)
        )
    if discipline:
        programs = programs.filter(discipline__code=discipline)
    if province:
        programs = programs.filter(school__province=province)
    if language:
        programs = programs.filter(language=language)
    return Paginator(programs, per_page).get_page(page)


def program_by_code(cycle: Cycle, code: str) -> Program | None:
    return program_queryset(cycle).filter(code=code).first()


def programs_of_staff(roles: Any, cycle: Cycle) -> QuerySet[Program]:
    """Programs a staff member works on: by program role or by their school's PGME office."""
    ids: set[int] = set()
    for values in roles.program_ids.values():
        ids |= set(values)
    return program_queryset(cycle).filter(Q(pk__in=ids) | Q(school_id__in=roles.school_ids))


# --- What a program requires in an application --------------------------------------------

#: Asked for by a program that has not listed its own requirements (see docs/applications.md).
DEFAULT_REQUIREMENTS: tuple[tuple[str, str, int], ...] = (
    ("document", "cv", 1),
    ("document", "mspr", 1),
    ("document", "transcript", 1),
    ("letter", "", 1),
    ("reference", "", 3),
)


def requirements_of(program: Program) -> list[Any]:
    """The program's requirement lines, or the defaults (unsaved lines) when it has none.

    Uses ``program.requirements`` prefetched when available."""
    from programs.models import ProgramRequirement

    rows = list(program.requirements.all())
    if rows:
        return rows
    return [
        ProgramRequirement(program=program, kind=kind, code=code, required=True, count=count)
        for kind, code, count in DEFAULT_REQUIREMENTS
    ]


def requirement_choices() -> list[tuple[str, str]]:
    """``kind:code`` values for the requirement form, with their labels."""
    from applicants.sections import SECTIONS
    from documents.models import DocumentType
    from references.models import ReferenceKind

    return [
        *[(f"document:{value}", str(label)) for value, label in DocumentType.choices],
        ("reference:", _("References (any kind)")),
        *[(f"reference:{value}", str(label)) for value, label in ReferenceKind.choices],
        ("letter:", _("Personal letter")),
        *[(f"section:{s.key}", _("My Information: %(s)s") % {"s": s.title}) for s in SECTIONS],
    ]


def requirement_label(requirement: Any) -> str:
    """What a requirement line asks for, as a translated phrase."""
    labels = dict(requirement_choices())
    label = labels.get(f"{requirement.kind}:{requirement.code}", requirement.code)
    if requirement.kind == "reference":
        label = _("%(what)s: %(n)s") % {"what": label, "n": requirement.count}
    if requirement.language:
        label = _("%(what)s (in %(language)s)") % {
            "what": label,
            "language": requirement.get_language_display(),
        }
    return str(label)
