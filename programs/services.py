"""Writes to programs and quotas (program director, administrator, PGME office)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import MilestoneKind
from programs.models import Program, Quota


@transaction.atomic
def program_update(
    *,
    actor: Any,
    program: Program,
    description_en: str,
    description_fr: str,
    sites: str,
    language: str,
) -> Program:
    """Update a program's bilingual description, sites and language of training."""
    quota = program.quotas.select_related("iteration").first()
    if quota is not None:
        require_window(
            quota.iteration,
            opens=None,
            closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
            what=_("Changing the program description"),
        )
    if not description_en.strip() or not description_fr.strip():
        raise DomainError(
            _("Give the description in both English and French; nothing was changed."),
            code="bilingual",
        )
    program = Program.objects.select_for_update().get(pk=program.pk)
    program.description_en = description_en.strip()
    program.description_fr = description_fr.strip()
    program.sites = sites.strip()
    program.language = language
    program.save(update_fields=["description_en", "description_fr", "sites", "language"])
    audit(actor=actor, action="programs.program.updated", target=program)
    return program


@transaction.atomic
def quota_update(*, actor: Any, quota: Quota, positions: int, reverts_to: Quota | None) -> Quota:
    """Change a quota's positions and reversion target, before the program ROL deadline."""
    require_window(
        quota.iteration,
        opens=None,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Changing quotas"),
    )
    if positions < 0:
        raise DomainError(_("The number of positions cannot be negative."), code="positions")
    if reverts_to is not None:
        if reverts_to.pk == quota.pk:
            raise DomainError(_("A quota cannot revert to itself."), code="reversion")
        if reverts_to.program.school_id != quota.program.school_id:
            raise DomainError(
                _("Unfilled positions can only revert to a quota of the same school."),
                code="reversion",
            )
        seen = {quota.pk}
        target: Quota | None = reverts_to
        while target is not None:
            if target.pk in seen:
                raise DomainError(
                    _("This reversion would make a loop of quotas; choose another target."),
                    code="reversion",
                )
            seen.add(target.pk)
            target = target.reverts_to
    quota = Quota.objects.select_for_update().get(pk=quota.pk)
    quota.positions = positions
    quota.reverts_to = reverts_to
    quota.save(update_fields=["positions", "reverts_to"])
    audit(
        actor=actor,
        action="programs.quota.updated",
        target=quota,
        data={"positions": positions, "reverts_to": reverts_to.pk if reverts_to else None},
    )
    return quota


# --- Requirements -----------------------------------------------------------------------------


def _requirements_window(program: Program) -> None:
    quota = program.quotas.select_related("iteration").first()
    if quota is not None:
        require_window(
            quota.iteration,
            opens=None,
            closes=MilestoneKind.APPLICATION_DEADLINE,
            what=_("Changing what the program requires"),
        )


@transaction.atomic
def requirement_add(
    *, actor: Any, program: Program, what: str, required: bool, count: int, language: str
) -> Any:
    """Add a line to what the program requires. The first line added starts from the defaults
    (so a program edits the default list rather than starting from nothing)."""
    from programs.models import ProgramRequirement
    from programs.selectors import requirement_choices, requirements_of

    _requirements_window(program)
    if what not in dict(requirement_choices()):
        raise DomainError(_("Choose what the program requires from the list."), code="what")
    kind, _sep, code = what.partition(":")
    if kind != "reference":
        count = 1
    if not 1 <= count <= 10:
        raise DomainError(_("The number of references must be between 1 and 10."), code="count")
    if language not in ("", "en", "fr"):
        raise DomainError(_("Choose English, French or either language."), code="language")
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not program.requirements.exists():
        for position, row in enumerate(requirements_of(program)):
            row.position = position
            row.save()
    if program.requirements.filter(kind=kind, code=code, language=language).exists():
        raise DomainError(
            _("This requirement is already listed: remove it first to change it."),
            code="duplicate",
        )
    row = ProgramRequirement.objects.create(
        program=program,
        kind=kind,
        code=code,
        required=required,
        count=count,
        language=language,
        position=program.requirements.count(),
    )
    audit(actor=actor, action="programs.requirement.added", target=row, data={"what": what})
    return row


@transaction.atomic
def requirement_remove(*, actor: Any, requirement: Any) -> None:
    """Remove a line. A program whose last line is removed asks for the defaults again."""
    _requirements_window(requirement.program)
    audit(
        actor=actor,
        action="programs.requirement.removed",
        target=requirement.program,
        data={"kind": requirement.kind, "code": requirement.code},
    )
    requirement.delete()
