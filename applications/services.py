"""Writes of applications: choosing programs, submitting, withdrawing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.eligibility import can_apply
from applicants.models import ApplicantProfile
from applicants.selectors import participation_active
from applications.models import Application, ApplicationStatus
from core.audit import audit
from core.choices import Stream
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import has_passed, iteration_of
from fees.services import fees_charge_applications
from programs.models import Program


def _require_participating(applicant: ApplicantProfile, cycle: Cycle) -> None:
    if not participation_active(applicant, cycle):
        raise DomainError(
            _("Accept the applicant contract first (you may also have withdrawn from the match)."),
            code="not_participating",
        )


def _iteration(cycle: Cycle):  # type: ignore[no-untyped-def]
    iteration = iteration_of(cycle)
    if iteration is None:
        raise DomainError(_("This cycle has no calendar yet."), code="no_calendar")
    return iteration


@transaction.atomic
def application_select(*, applicant: ApplicantProfile, program: Program) -> Application:
    """Choose ``program``: the quota of the applicant's stream (or a competitive one)."""
    cycle = program.cycle
    iteration = _iteration(cycle)
    require_window(
        iteration,
        opens=MilestoneKind.PROGRAM_SELECTION,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Choosing programs"),
    )
    _require_participating(applicant, cycle)
    verdict = can_apply(applicant, program, iteration=iteration)
    if not verdict.allowed:
        refusal = verdict.refusals[0]
        raise DomainError(refusal.message, code=refusal.code)
    quota = verdict.quota
    application, created = Application.objects.get_or_create(
        applicant=applicant, quota=quota, defaults={"program": program}
    )
    if not created and application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(
            _("You withdrew from this program; you cannot apply to it again this cycle."),
            code="withdrawn",
        )
    if created:
        audit(
            actor=applicant.user,
            action="applications.application.selected",
            target=application,
        )
    return application


@transaction.atomic
def application_remove(*, applicant: ApplicantProfile, application: Application) -> None:
    """Take back a program chosen but not yet submitted."""
    if application.applicant_id != applicant.pk:
        raise DomainError(_("This application is not yours."), code="forbidden")
    if application.status != ApplicationStatus.SELECTED:
        raise DomainError(
            _("This application was submitted; withdraw it instead."), code="submitted"
        )
    audit(actor=applicant.user, action="applications.application.removed", target=application)
    application.delete()


@transaction.atomic
def applications_submit(*, applicant: ApplicantProfile, cycle: Cycle) -> list[Application]:
    """Submit every chosen program and charge the fee. After the application deadline the
    applications are still accepted until ranking opens, marked late."""
    iteration = _iteration(cycle)
    require_window(
        iteration,
        opens=MilestoneKind.PROGRAM_SELECTION,
        closes=MilestoneKind.RANKING_OPENS,
        what=_("Submitting applications"),
    )
    _require_participating(applicant, cycle)
    if applicant.stream == Stream.IMG and not applicant.mcc_id:
        raise DomainError(
            _(
                "International medical graduates must give their MCC ID before submitting: "
                "add it under My Information, Profile, then submit again."
            ),
            code="mcc_id",
        )
    pending = list(
        Application.objects.select_for_update().filter(
            applicant=applicant, program__cycle=cycle, status=ApplicationStatus.SELECTED
        )
    )
    if not pending:
        raise DomainError(_("Choose at least one program before submitting."), code="empty")
    now = timezone.now()
    late = has_passed(iteration, MilestoneKind.APPLICATION_DEADLINE, now)
    for application in pending:
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = now
        application.is_late = late
        application.save(update_fields=["status", "submitted_at", "is_late"])
    fees_charge_applications(applicant=applicant, cycle=cycle)
    audit(
        actor=applicant.user,
        action="applications.applications.submitted",
        target=applicant,
        data={"count": len(pending), "late": late},
    )
    return pending


@transaction.atomic
def application_withdraw(*, applicant: ApplicantProfile, application: Application) -> None:
    """Withdraw a submitted application, before file review opens."""
    if application.applicant_id != applicant.pk:
        raise DomainError(_("This application is not yours."), code="forbidden")
    require_window(
        _iteration(application.program.cycle),
        opens=None,
        closes=MilestoneKind.APPLICATION_DEADLINE,
        what=_("Withdrawing an application"),
    )
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.WITHDRAWN:
        return
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at"])
    audit(actor=applicant.user, action="applications.application.withdrawn", target=application)
