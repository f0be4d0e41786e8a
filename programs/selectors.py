"""Reads of programs: the directory, a program's page, who may apply to which quota."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.choices import PROVINCES_WITH_IMG_LIST, Province, Stream
from core.tokens import digest
from cycles.models import Cycle
from programs.models import (
    DESCRIPTION_SECTIONS,
    SECTION_KEYS,
    DescriptionState,
    Program,
    ProgramDescription,
    PublishedDescription,
    Quota,
    ReviewerInvitation,
)


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


def current_program_or_404(code: str, *, with_quotas: bool = False) -> Program:
    """The program of the current cycle with this code (its school and cycle loaded; with
    ``with_quotas``, as ``program_queryset`` loads it for the directory and program pages);
    HTTP 404 with a translated message otherwise."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    from cycles.selectors import current_cycle

    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    programs = program_queryset(cycle) if with_quotas else Program.objects.filter(cycle=cycle)
    found = programs.select_related("school", "cycle").filter(code=code).first()
    if found is None:
        raise Http404(_("No program has this code."))
    return found


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


# --- Descriptions -------------------------------------------------------------------------------


def latest_published(program: Program) -> PublishedDescription | None:
    """The version applicants read (None for a program that never had one published)."""
    return (
        PublishedDescription.objects.filter(program=program)
        .select_related("approved_by", "submitted_by")
        .order_by("-version")
        .first()
    )


def published_versions(program: Program) -> list[PublishedDescription]:
    """Every published version, newest first, with who submitted and approved it."""
    return list(
        PublishedDescription.objects.filter(program=program)
        .select_related("approved_by", "submitted_by")
        .order_by("-version")
    )


def initial_content(program: Program) -> dict[str, str]:
    """What a new working copy starts from: the latest published version, or for a program
    that has none, the description and sites it had before descriptions had versions."""
    published = latest_published(program)
    if published is not None:
        return {**published.content(), "training_language": published.training_language}
    return {
        **{f"{key}_{lang}": "" for key in SECTION_KEYS for lang in ("en", "fr")},
        "goals_en": program.description_en,
        "goals_fr": program.description_fr,
        "sites_en": program.sites,
        "sites_fr": program.sites,
        "training_language": program.language or "en",
    }


def description_working_copy(program: Program) -> ProgramDescription:
    """The program's working copy; an unsaved one built from :func:`initial_content` if the
    program has never saved a draft."""
    found = (
        ProgramDescription.objects.filter(program=program)
        .select_related("updated_by", "submitted_by", "returned_by")
        .first()
    )
    if found is not None:
        return found
    published = latest_published(program)
    return ProgramDescription(
        program=program,
        state=DescriptionState.PUBLISHED if published else DescriptionState.DRAFT,
        published_version=published.version if published else None,
        **initial_content(program),
    )


def missing_sections_sentence(missing: list[tuple[str, str]]) -> str:
    """The sections still empty, e.g. "Selection criteria (French), Training sites (English)"."""
    labels = dict(DESCRIPTION_SECTIONS)
    return ", ".join(
        (_("%(section)s (English)") if lang == "en" else _("%(section)s (French)"))
        % {"section": labels[key]}
        for key, lang in missing
    )


def programs_for_approval(roles: Any, cycle: Cycle) -> list[Program]:
    """The programs whose descriptions and quotas the PGME office (or the match administrator)
    approves, those awaiting approval first; each with ``working`` (its working copy or None)
    and ``latest_version`` (number or None). A fixed number of queries."""
    from django.db.models import Max

    programs = Program.objects.filter(cycle=cycle).select_related("school", "discipline")
    if not roles.match_admin:
        programs = programs.filter(school_id__in=roles.school_ids)
    programs = programs.annotate(latest_version=Max("published_descriptions__version"))
    found = list(programs.order_by("school__code", "code"))
    working = {
        d.program_id: d
        for d in ProgramDescription.objects.filter(program__in=[p.pk for p in found]).only(
            "program_id", "state", "submitted_at", "updated_at", "revision"
        )
    }
    for program in found:
        program.working = working.get(program.pk)  # type: ignore[attr-defined]
    found.sort(
        key=lambda p: (
            not (p.working is not None and p.working.state == DescriptionState.SUBMITTED),  # type: ignore[attr-defined]
            p.school.code,
            p.code,
        )
    )
    return found


# --- Quotas and reversion ----------------------------------------------------------------------


def reversion_chain(quota: Quota, quotas_by_pk: dict[int, Quota] | None = None) -> list[Quota]:
    """The quotas that unfilled positions of ``quota`` go to, in order: its target, then the
    target's target, and so on (a chain never loops: :func:`programs.services.quota_update`
    refuses loops; a loop in old data stops the chain where it would repeat)."""
    if quotas_by_pk is None:
        quotas_by_pk = {
            q.pk: q
            for q in Quota.objects.filter(
                program__school_id=quota.program.school_id, iteration_id=quota.iteration_id
            ).select_related("program")
        }
    chain: list[Quota] = []
    seen = {quota.pk}
    target_id = quota.reverts_to_id
    while target_id is not None and target_id not in seen and target_id in quotas_by_pk:
        target = quotas_by_pk[target_id]
        chain.append(target)
        seen.add(target_id)
        target_id = target.reverts_to_id
    return chain


def reversion_chains(program: Program) -> dict[int, list[Quota]]:
    """Quota id -> its whole reversion chain, for every quota of ``program`` (two queries)."""
    quotas = list(program.quotas.all())
    if not quotas:
        return {}
    by_pk = {
        q.pk: q
        for q in Quota.objects.filter(
            program__school_id=program.school_id,
            iteration_id__in={q.iteration_id for q in quotas},
        ).select_related("program")
    }
    return {q.pk: reversion_chain(q, by_pk) for q in quotas}


# --- File reviewers ----------------------------------------------------------------------------


def invitation_for_hash(token_hash: str) -> ReviewerInvitation | None:
    """The invitation whose current link has this SHA-256 (None for an unknown or replaced
    link: "Send again" replaces it)."""
    if not token_hash or len(token_hash) != 64:
        return None
    return (
        ReviewerInvitation.objects.select_related("program__school", "program__cycle", "invited_by")
        .filter(token_hash=token_hash)
        .first()
    )


def invitation_for_token(token: str) -> ReviewerInvitation | None:
    """The invitation whose current link is ``token``."""
    if not token or len(token) > 200:
        return None
    return invitation_for_hash(digest(token))


def verified_addresses(user: Any) -> set[str]:
    """The e-mail addresses ``user`` proved they own (allauth's verified addresses), lowercased."""
    from allauth.account.models import EmailAddress

    return {
        e.lower()
        for e in EmailAddress.objects.filter(user_id=user.pk, verified=True).values_list(
            "email", flat=True
        )
    }


def reviewers_of(program: Program) -> dict[str, list[Any]]:
    """The program's file reviewers for its "Reviewers" page: ``active`` (role assignments,
    each with ``invitation`` or None for a reviewer added another way), ``pending`` (open
    invitations, expired ones included) and ``removed`` (cancelled invitations and removed
    reviewers, newest first). A fixed number of queries."""
    from accounts.models import Role, RoleAssignment

    invitations = list(
        ReviewerInvitation.objects.filter(program=program).select_related(
            "invited_by", "accepted_by", "removed_by"
        )
    )
    by_user = {
        i.accepted_by_id: i for i in invitations if i.removed_at is None and i.accepted_by_id
    }
    active = list(
        RoleAssignment.objects.filter(program=program, role=Role.FILE_REVIEWER)
        .select_related("user")
        .order_by("user__email")
    )
    for assignment in active:
        assignment.invitation = by_user.get(assignment.user_id)  # type: ignore[attr-defined]
    return {
        "active": active,
        "pending": [i for i in invitations if i.removed_at is None and i.accepted_at is None],
        "removed": sorted(
            (i for i in invitations if i.removed_at is not None),
            key=lambda i: i.removed_at,  # type: ignore[arg-type, return-value]
            reverse=True,
        ),
    }


def program_streams(program: Program) -> list[tuple[str, str]]:
    """``(stream, label)`` of the program's quotas, for the reviewers' stream choices."""
    streams = sorted({q.stream for q in program.quotas.all()})
    return [(s, str(Stream(s).label)) for s in streams]
