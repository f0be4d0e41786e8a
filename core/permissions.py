"""The one place that decides who may see and do what.

Every view and API endpoint asks ``require(user, ACTION, obj)`` (or ``can``) before it reads or
writes. Rules are plain functions registered against an action name; ``docs/permissions.md``
lists them. Role assignments are loaded once per request and cached on the user object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.models import Role

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


@dataclass(frozen=True)
class Roles:
    """What a signed-in user holds, by scope."""

    match_admin: bool = False
    applicant_id: int | None = None
    program_ids: dict[str, frozenset[int]] = field(default_factory=dict)  # role -> program ids
    school_ids: frozenset[int] = frozenset()  # PGME office
    provinces: frozenset[str] = frozenset()  # provincial assessment body
    #: file reviewers: program id -> (read-only, streams they may read; empty = every stream)
    review_scope: dict[int, tuple[bool, frozenset[str]]] = field(default_factory=dict)

    def programs_with(self, *roles: str) -> frozenset[int]:
        out: set[int] = set()
        for role in roles:
            out |= self.program_ids.get(role, frozenset())
        return frozenset(out)

    @property
    def is_program_staff(self) -> bool:
        return any(self.program_ids.values())


def roles_of(user: Any) -> Roles:
    """The roles of ``user`` (cached on the instance for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_jumelage_roles", None)
    if cached is not None:
        return cached
    from accounts.models import RoleAssignment
    from applicants.models import ApplicantProfile

    program_ids: dict[str, set[int]] = {}
    schools: set[int] = set()
    provinces: set[str] = set()
    admin = bool(user.is_superuser)
    review_scope: dict[int, tuple[bool, frozenset[str]]] = {}
    for role, program_id, school_id, province, read_only, streams in RoleAssignment.objects.filter(
        user_id=user.pk
    ).values_list("role", "program_id", "school_id", "province", "read_only", "streams"):
        if role == Role.FILE_REVIEWER and program_id:
            review_scope[program_id] = (bool(read_only), frozenset(streams or ()))
        if role == Role.MATCH_ADMINISTRATOR:
            admin = True
        elif role == Role.PGME_OFFICE and school_id:
            schools.add(school_id)
        elif role == Role.ASSESSMENT_BODY and province:
            provinces.add(province)
        elif program_id:
            program_ids.setdefault(role, set()).add(program_id)
    applicant_id = (
        ApplicantProfile.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    )
    roles = Roles(
        match_admin=admin,
        applicant_id=applicant_id,
        program_ids={k: frozenset(v) for k, v in program_ids.items()},
        school_ids=frozenset(schools),
        provinces=frozenset(provinces),
        review_scope=review_scope,
    )
    user._jumelage_roles = roles
    return roles


def forget_roles(user: Any) -> None:
    """Drop the cached roles (after a role or profile was added in the same request)."""
    if hasattr(user, "_jumelage_roles"):
        del user._jumelage_roles


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if action in _RULES:
            raise RuntimeError(f"Permission rule {action!r} defined twice")
        _RULES[action] = fn
        return fn

    return register


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may perform ``action`` (on ``obj``). Unknown actions are refused."""
    check = _RULES.get(action)
    if check is None:
        raise KeyError(f"No permission rule for {action!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(check(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` (HTTP 403) unless ``user`` may perform ``action``."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


def actions() -> list[str]:
    return sorted(_RULES)


# --- Rules -------------------------------------------------------------------------------------
# Objects are model instances; only their ids are read where possible, so no query is made.

EDITORS = (Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR)
STAFF = (Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR, Role.FILE_REVIEWER)


def _program_school_id(program: Any) -> int:
    return int(program.school_id)


@rule("match.administer")
def _administer(user: Any, obj: Any) -> bool:
    """Calendar, fees, payments, match runs, demo phases: the match administrator only."""
    return roles_of(user).match_admin


@rule("applicant.act")
def _applicant_act(user: Any, obj: Any) -> bool:
    """Applicant pages (own file, applications, rank list): any user with an applicant profile."""
    return roles_of(user).applicant_id is not None


@rule("applicant.view")
def _applicant_view(user: Any, applicant: Any) -> bool:
    """An applicant's own record; the match administrator. Programs see applicants only
    through their applications (``program.view_applications``)."""
    roles = roles_of(user)
    return roles.match_admin or roles.applicant_id == applicant.pk


@rule("couple.respond")
def _couple_respond(user: Any, couple: Any) -> bool:
    """Only the invited partner accepts or declines a couple invitation."""
    return roles_of(user).applicant_id == couple.partner_id


@rule("couple.act")
def _couple_act(user: Any, couple: Any) -> bool:
    """Either member of a linked couple edits its list or unlinks it."""
    applicant_id = roles_of(user).applicant_id
    return applicant_id is not None and applicant_id in (couple.inviter_id, couple.partner_id)


@rule("program.staff_home")
def _program_staff_home(user: Any, obj: Any) -> bool:
    roles = roles_of(user)
    return roles.is_program_staff or bool(roles.school_ids)


@rule("program.view_applications")
def _program_view_applications(user: Any, program: Any) -> bool:
    """Director, administrator and file reviewers of the program; its school's PGME office."""
    roles = roles_of(user)
    return (
        roles.match_admin
        or program.pk in roles.programs_with(*STAFF)
        or _program_school_id(program) in roles.school_ids
    )


@rule("program.edit")
def _program_edit(user: Any, program: Any) -> bool:
    """Application requirements; reading the quotas and the description's published versions:
    director and administrator; the school's PGME office. (The description itself:
    ``program.describe``; quotas and approvals: ``program.approve``.)"""
    roles = roles_of(user)
    return (
        roles.match_admin
        or program.pk in roles.programs_with(*EDITORS)
        or _program_school_id(program) in roles.school_ids
    )


@rule("quota.rank")
def _quota_rank(user: Any, quota: Any) -> bool:
    """A quota's rank order list: the program's director and administrator only."""
    return quota.program_id in roles_of(user).programs_with(*EDITORS)


@rule("program.view_results")
def _program_view_results(user: Any, program: Any) -> bool:
    """Matched applicants (once released): program staff, the school's PGME office, the admin."""
    return _program_view_applications(user, program)


@rule("province.manage_list")
def _province_manage_list(user: Any, province: Any) -> bool:
    """A province's IMG list: its assessment body; the match administrator."""
    roles = roles_of(user)
    return roles.match_admin or str(province) in roles.provinces


@rule("matchrun.view")
def _matchrun_view(user: Any, run: Any) -> bool:
    """Snapshots and results of runs: the match administrator (dry runs never leave them)."""
    return roles_of(user).match_admin


# --- references ---


@rule("reference.manage")
def _reference_manage(user: Any, request: Any) -> bool:
    """A reference request (edit, finalise, re-send, withdraw, assign, cover sheet): the
    applicant who owns it. Never its content."""
    applicant_id = roles_of(user).applicant_id
    return applicant_id is not None and request.applicant_id == applicant_id


@rule("reference.read_content")
def _reference_read_content(user: Any, request: Any) -> bool:
    """The letter or answers of a reference: the match administrator; program staff (director,
    administrator, file reviewer) of a program the reference is assigned to, once that
    application is submitted. Never the applicant it is about, whatever other role they hold."""
    roles = roles_of(user)
    if request.applicant_id is not None and roles.applicant_id == request.applicant_id:
        return False
    if roles.match_admin:
        return True
    programs = roles.programs_with(*STAFF)
    if not programs:
        return False
    from applications.models import ApplicationStatus
    from references.models import ReferenceAssignment

    return ReferenceAssignment.objects.filter(
        request_id=request.pk,
        application__program_id__in=programs,
        application__status=ApplicationStatus.SUBMITTED,
    ).exists()


# --- applicants: my information ---------------------------------------------------------------


@rule("applicant.file_entry")
def _applicant_file_entry(user: Any, entry: Any) -> bool:
    """An entry of "My Information" (change, delete): only the applicant whose file it is."""
    applicant_id = roles_of(user).applicant_id
    return applicant_id is not None and applicant_id == entry.applicant_id


# --- documents ---


@rule("document.view")
def _document_view(user: Any, document: Any) -> bool:
    """A document's file: its applicant; the match administrator; staff of a program (director,
    administrator, file reviewer) or the PGME office of a school the document was assigned to
    through an application, once that application is submitted (as for references), unless
    the program's masking rules hide it from them (``review.selectors.document_hidden_from``)."""
    roles = roles_of(user)
    if roles.match_admin or roles.applicant_id == document.applicant_id:
        return True
    programs = roles.programs_with(*STAFF)
    if not programs and not roles.school_ids:
        return False
    from documents.selectors import applications_reaching

    if not applications_reaching(document, roles).exists():
        return False
    from review.selectors import document_hidden_from

    # A program's masking rules (e.g. the photo until interviews) hold for a download by id too.
    return not document_hidden_from(user, document)


@rule("document.process")
def _document_process(user: Any, obj: Any) -> bool:
    """Processing documents, rejecting them, verifying citizenship proofs: the administrator."""
    return roles_of(user).match_admin


@rule("letter.view")
def _letter_view(user: Any, letter: Any) -> bool:
    """A personal letter: its applicant; the administrator; once assigned and the application
    to its program submitted, the staff of that program and its school's PGME office."""
    roles = roles_of(user)
    if roles.match_admin or roles.applicant_id == letter.applicant_id:
        return True
    if letter.assigned_at is None:
        return False
    if not (
        letter.program_id in roles.programs_with(*STAFF)
        or _program_school_id(letter.program) in roles.school_ids
    ):
        return False
    from applications.models import Application, ApplicationStatus

    return Application.objects.filter(
        applicant_id=letter.applicant_id,
        program_id=letter.program_id,
        status=ApplicationStatus.SUBMITTED,
    ).exists()


# --- documents: translations of references ---


def translator_may_read_reference(organisation: Any, translation: Any) -> bool:
    """The original of a reference (letter or answers) to translate: only the translator
    organisation that took that translation request, until it delivers. Not a ``@rule``: the
    caller is an API organisation (``request.auth``), never a user, and no user — the applicant
    least of all — gets a reference's content through it."""
    from integrations.models import OrganisationKind

    return bool(
        organisation is not None
        and getattr(organisation, "active", False)
        and organisation.kind == OrganisationKind.TRANSLATOR
        and translation is not None
        and translation.reference_id is not None
        and translation.translator_id == organisation.pk
        and translation.state != "delivered"
    )


def require_translator_for_reference(organisation: Any, translation: Any) -> None:
    """Raise ``PermissionDenied`` (HTTP 403) unless ``translator_may_read_reference``."""
    if not translator_may_read_reference(organisation, translation):
        raise PermissionDenied("reference.translate")


# --- the program's workspace: descriptions, quotas, file review, interviews ---
# Objects: ``application`` is an ``applications.Application`` (its ``program`` and ``quota``
# loaded), ``program`` a ``programs.Program``, ``quota`` a ``programs.Quota``.


def _reviewer_reads(roles: Roles, application: Any) -> bool:
    """A file reviewer of the application's program whose stream scope covers its quota."""
    scope = roles.review_scope.get(application.program_id)
    if scope is None:
        return False
    _read_only, streams = scope
    return not streams or application.quota.stream in streams


@rule("application.review")
def _application_review(user: Any, application: Any) -> bool:
    """A submitted application in the program's file review (list, reader, documents, export):
    the program's director and administrator; its file reviewers for the streams they were
    given; its school's PGME office; the match administrator. Never before submission."""
    from applications.models import ApplicationStatus

    if application.status != ApplicationStatus.SUBMITTED:
        return False
    roles = roles_of(user)
    return (
        roles.match_admin
        or application.program_id in roles.programs_with(*EDITORS)
        or _program_school_id(application.program) in roles.school_ids
        or _reviewer_reads(roles, application)
    )


@rule("review.write")
def _review_write(user: Any, application: Any) -> bool:
    """Scores and private notes on an application: the program's director and administrator,
    and its file reviewers with full access for their streams. Not read-only reviewers, not the
    PGME office, not the match administrator."""
    roles = roles_of(user)
    if application.program_id in roles.programs_with(*EDITORS):
        return _application_review(user, application)
    scope = roles.review_scope.get(application.program_id)
    return scope is not None and not scope[0] and _application_review(user, application)


@rule("interview.decide")
def _interview_decide(user: Any, application: Any) -> bool:
    """An applicant's interview status (selected, not selected, waitlisted, not this
    iteration): as ``review.write``."""
    return _review_write(user, application)


@rule("program.manage_review")
def _program_manage_review(user: Any, program: Any) -> bool:
    """Reviewers (invite, change, remove), file assignments, scoring criteria, masking rules,
    interview slots and their release: the program's director and administrator."""
    return program.pk in roles_of(user).programs_with(*EDITORS)


@rule("program.approve")
def _program_approve(user: Any, program: Any) -> bool:
    """Approve a submitted description or send it back; set quotas per stream and reversion:
    the PGME office of the program's school; the match administrator."""
    roles = roles_of(user)
    return roles.match_admin or _program_school_id(program) in roles.school_ids


@rule("quota.approve_rank_list")
def _quota_approve_rank_list(user: Any, quota: Any) -> bool:
    """Approve a quota's rank order list where the school requires it: its PGME office."""
    return _program_school_id(quota.program) in roles_of(user).school_ids


@rule("interview.respond")
def _interview_respond(user: Any, offer: Any) -> bool:
    """An interview invitation (pick, swap or decline a slot, download its iCalendar file):
    only the applicant it was sent to."""
    applicant_id = roles_of(user).applicant_id
    return applicant_id is not None and offer.application.applicant_id == applicant_id


# --- programs: description drafts and the PGME office's approvals ---


@rule("program.describe")
def _program_describe(user: Any, program: Any) -> bool:
    """A program's description draft (edit, submit, withdraw): the program's director and
    administrator only. The school's PGME office approves or sends it back but never writes
    the text it approves; the match administrator does not write it either."""
    return program.pk in roles_of(user).programs_with(*EDITORS)


@rule("program.approvals")
def _program_approvals(user: Any, obj: Any) -> bool:
    """The PGME office's page of its school's programs (descriptions awaiting approval,
    quotas): a PGME office; the match administrator (every school). Each program on it is
    then checked with ``program.approve``."""
    roles = roles_of(user)
    return roles.match_admin or bool(roles.school_ids)
