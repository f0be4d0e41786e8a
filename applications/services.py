"""Writes of applications: choosing programs, submitting, withdrawing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.eligibility import can_apply
from applicants.models import ApplicantProfile
from applicants.selectors import participation_active
from applications.models import Application, ApplicationNote, ApplicationStatus
from applications.selectors import required_missing
from core.audit import audit
from core.choices import Stream
from core.errors import DomainError
from cycles.deadlines import require_iteration, require_window
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import has_passed
from fees.services import fees_charge_applications
from programs.models import Program


def _require_participating(applicant: ApplicantProfile, cycle: Cycle) -> None:
    if not participation_active(applicant, cycle):
        raise DomainError(
            _("Accept the applicant contract first (you may also have withdrawn from the match)."),
            code="not_participating",
        )


@transaction.atomic
def application_select(*, applicant: ApplicantProfile, program: Program) -> Application:
    """Choose ``program``: the quota of the applicant's stream (or a competitive one)."""
    cycle = program.cycle
    iteration = require_iteration(cycle)
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
    iteration = require_iteration(cycle)
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
        Application.objects.select_for_update()
        .filter(applicant=applicant, program__cycle=cycle, status=ApplicationStatus.SELECTED)
        .select_related("program", "applicant")
    )
    if not pending:
        raise DomainError(_("Choose at least one program before submitting."), code="empty")
    problems = []
    for application in pending:
        missing = required_missing(application)
        if missing:
            problems.append(
                _("%(program)s: %(missing)s")
                % {
                    "program": application.program.code,
                    "missing": ", ".join(item.label for item in missing),
                }
            )
    if problems:
        raise DomainError(
            _(
                "Nothing was submitted: some programs are missing what they require. "
                "%(problems)s. Assign what is missing (My documents, My references or the "
                "assignment page) and submit again."
            )
            % {"problems": "; ".join(problems)},
            code="required_missing",
        )
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
        require_iteration(application.program.cycle),
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


# --- Assigning many items to many applications ------------------------------------------------


@dataclass(frozen=True)
class AssignmentChanges:
    added: int
    removed: int


def _item_label(item: Any) -> str:
    from documents.models import Document, PersonalLetter

    if isinstance(item, Document):
        return item.display_title
    if isinstance(item, PersonalLetter):
        return str(_("Personal letter"))
    return f"{item.get_kind_display()} ({item.reference_id})"


def _assign(applicant: ApplicantProfile, item: Any, application: Application) -> None:
    from documents.models import Document, PersonalLetter
    from documents.services import document_assign, personal_letter_assign
    from references.services import reference_assign

    if isinstance(item, Document):
        document_assign(applicant=applicant, document=item, application=application)
    elif isinstance(item, PersonalLetter):
        if item.program_id != application.program_id:
            raise DomainError(
                _("A personal letter goes only to the program it was written for."),
                code="letter_program",
            )
        personal_letter_assign(applicant=applicant, letter=item)
    else:
        reference_assign(applicant=applicant, request=item, application=application)


def _unassign(applicant: ApplicantProfile, item: Any, application: Application) -> bool:
    from documents.models import Document, DocumentAssignment, PersonalLetter
    from documents.services import document_unassign
    from references.models import ReferenceAssignment
    from references.services import reference_unassign

    if isinstance(item, PersonalLetter):
        raise DomainError(
            _("A personal letter stays locked once assigned; it cannot be taken back."),
            code="locked",
        )
    if isinstance(item, Document):
        assignment = DocumentAssignment.objects.filter(
            document=item, application=application
        ).first()
        if assignment is None:
            return False
        document_unassign(applicant=applicant, assignment=assignment)
        return True
    ref_assignment = (
        ReferenceAssignment.objects.filter(request=item, application=application)
        .select_related("request__cycle")
        .first()
    )
    if ref_assignment is None:
        return False
    reference_unassign(applicant=applicant, assignment=ref_assignment)
    return True


@transaction.atomic
def assignments_apply(
    *,
    applicant: ApplicantProfile,
    add: list[tuple[Any, Application]],
    remove: list[tuple[Any, Application]],
) -> AssignmentChanges:
    """Assign and unassign documents, references and personal letters to applications in one
    go, through the documents and references services (their deadline rules apply).

    All or nothing: if any change is refused, none is made and the message lists every
    refusal (item, program, reason)."""
    refused: list[str] = []
    added = removed = 0
    for item, application in add:
        try:
            with transaction.atomic():
                _assign(applicant, item, application)
            added += 1
        except DomainError as exc:
            refused.append(f"{_item_label(item)} → {application.program.code}: {exc.message}")
    for item, application in remove:
        try:
            with transaction.atomic():
                removed += int(_unassign(applicant, item, application))
        except DomainError as exc:
            refused.append(f"{_item_label(item)} → {application.program.code}: {exc.message}")
    if refused:
        raise DomainError(
            _("Nothing was changed, because %(n)s change(s) were refused: %(list)s")
            % {"n": len(refused), "list": " · ".join(refused)},
            code="refused",
        )
    audit(
        actor=applicant.user,
        action="applications.assignments.applied",
        target=applicant,
        data={"added": added, "removed": removed},
    )
    return AssignmentChanges(added=added, removed=removed)


# --- Notes to a program -----------------------------------------------------------------------


@transaction.atomic
def application_note_add(
    *, applicant: ApplicantProfile, application: Application, text: str
) -> ApplicationNote:
    """A short note to the program of a submitted application, from the opening of file review
    until the program's rank order list deadline; e-mailed to the program's director(s)."""
    if application.applicant_id != applicant.pk:
        raise DomainError(_("This application is not yours."), code="forbidden")
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(
            _("Notes can be sent only with a submitted application."), code="not_submitted"
        )
    require_window(
        require_iteration(application.program.cycle),
        opens=MilestoneKind.APPLICATION_DEADLINE,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Sending a note to a program"),
    )
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note before sending it."), code="empty")
    if len(text) > 1000:
        raise DomainError(
            _("The note is too long: at most 1,000 characters (it has %(n)s).") % {"n": len(text)},
            code="too_long",
        )
    note = ApplicationNote.objects.create(application=application, text=text)
    audit(actor=applicant.user, action="applications.note.sent", target=note)
    from applications.emails import queue_note_to_directors

    queue_note_to_directors(note)
    return note
