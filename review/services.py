"""Writes of file review: scores, reviewers' notes, criteria, masking rules, assignments, saved
filters and the log of openings. Callers checked who may (``review.write``,
``program.manage_review``); these check when (the calendar) and what (the domain's rules)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import PROGRAM_ROLES, User
from applications.models import Application, ApplicationStatus
from core.audit import audit
from core.errors import DomainError
from core.permissions import can, forget_roles
from cycles.deadlines import require_window
from cycles.models import Iteration, MilestoneKind
from programs.models import Program
from review.models import (
    MASK_UNTIL,
    SCALE_LIMIT,
    WEIGHT_LIMIT,
    AccessKind,
    Criterion,
    FileAccess,
    MaskedItem,
    MaskingRule,
    ReviewAssignment,
    ReviewNote,
    SavedFilter,
    Score,
)
from review.selectors import iteration_of_program, on_team

#: Saved filters a user may keep per program.
SAVED_FILTER_LIMIT = 50
#: Query parameters that are not filters (never stored in a saved filter).
_NOT_FILTERS = {"csrfmiddlewaretoken", "name", "page", "format"}


def _program_iteration(program: Program) -> Iteration:
    iteration = iteration_of_program(program)
    if iteration is None:
        raise DomainError(
            _("This program has no quota in the match yet; nothing was changed."),
            code="no_quota",
        )
    return iteration


def _locked_application(application: Application) -> Application:
    locked = (
        Application.objects.select_for_update()
        .select_related("program__school", "quota__iteration")
        .get(pk=application.pk)
    )
    if locked.status != ApplicationStatus.SUBMITTED:
        raise DomainError(
            _("This application is no longer submitted (it was withdrawn); nothing was saved."),
            code="not_submitted",
        )
    return locked


# --- Scores and notes -------------------------------------------------------------------------


@transaction.atomic
def scores_save(
    *, reviewer: User, application: Application, values: dict[int, int | None]
) -> list[Score]:
    """Set ``reviewer``'s scores of ``application``: criterion id -> score (None clears it).
    Every value is checked first; one bad value and nothing is saved."""
    application = _locked_application(application)
    require_window(
        application.quota.iteration,
        opens=MilestoneKind.APPLICATION_DEADLINE,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Scoring files"),
    )
    criteria = {c.pk: c for c in Criterion.objects.filter(program_id=application.program_id)}
    problems = []
    for criterion_id, value in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            problems.append(
                _("Criterion %(id)s is not one of this program's criteria.") % {"id": criterion_id}
            )
        elif value is not None and not 0 <= value <= criterion.scale_max:
            problems.append(
                _("“%(criterion)s” is scored from 0 to %(max)s, not %(value)s.")
                % {"criterion": criterion.name, "max": criterion.scale_max, "value": value}
            )
    if problems:
        raise DomainError(
            " ".join([*problems, _("Nothing was saved.")]),
            code="invalid_score",
        )
    saved = []
    for criterion_id, value in values.items():
        if value is None:
            Score.objects.filter(
                application=application, criterion_id=criterion_id, reviewer=reviewer
            ).delete()
            continue
        score, _created = Score.objects.update_or_create(
            application=application,
            criterion_id=criterion_id,
            reviewer=reviewer,
            defaults={"value": value},
        )
        saved.append(score)
    audit(
        actor=reviewer,
        action="review.scores.saved",
        target=application,
        data={"scores": {str(k): v for k, v in values.items()}},
    )
    return saved


@transaction.atomic
def note_save(
    *, author: User, application: Application, text: str, shared: bool
) -> ReviewNote | None:
    """Write ``author``'s notes on ``application`` (empty text deletes them). ``shared``: the
    program team reads them too; otherwise only their author does."""
    application = _locked_application(application)
    require_window(
        application.quota.iteration,
        opens=MilestoneKind.APPLICATION_DEADLINE,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Writing notes on files"),
    )
    text = text.strip()
    limit = ReviewNote._meta.get_field("text").max_length or 5000
    if len(text) > limit:
        raise DomainError(
            _("Notes are limited to %(n)s characters; shorten them. Nothing was saved.")
            % {"n": limit},
            code="too_long",
        )
    existing = ReviewNote.objects.filter(application=application, author=author).first()
    if not text:
        if existing is not None:
            existing.delete()
            audit(actor=author, action="review.note.deleted", target=application)
        return None
    if existing is None:
        note = ReviewNote.objects.create(
            application=application, author=author, text=text, shared=shared
        )
    else:
        existing.text, existing.shared = text, shared
        existing.save(update_fields=["text", "shared", "updated_at"])
        note = existing
    # the text is private: the audit trail records that notes changed, never what they say
    audit(
        actor=author,
        action="review.note.saved",
        target=application,
        data={"shared": shared, "length": len(text)},
    )
    return note


# --- Criteria and masking (the director and administrators) -----------------------------------


@transaction.atomic
def criterion_save(
    *,
    actor: User,
    program: Program,
    criterion: Criterion | None = None,
    name_en: str,
    name_fr: str,
    scale_max: int,
    weight: int,
    position: int | None = None,
) -> Criterion:
    """Create a criterion of ``program`` (``criterion`` None) or change one. A scale cannot go
    below a score already given on it."""
    require_window(
        _program_iteration(program),
        opens=None,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Changing the scoring criteria"),
    )
    name_en, name_fr = name_en.strip(), name_fr.strip()
    if not name_en or not name_fr:
        raise DomainError(
            _("Give the criterion's name in English and in French; nothing was saved."),
            code="name_missing",
        )
    if not 1 <= scale_max <= SCALE_LIMIT or not 1 <= weight <= WEIGHT_LIMIT:
        raise DomainError(
            _(
                "The highest score must be from 1 to %(scale)s and the weight from 1 to "
                "%(weight)s; nothing was saved."
            )
            % {"scale": SCALE_LIMIT, "weight": WEIGHT_LIMIT},
            code="out_of_range",
        )
    if criterion is None:
        if position is None:
            last = Criterion.objects.filter(program=program).aggregate(m=Max("position"))["m"]
            position = 0 if last is None else last + 1
        criterion = Criterion.objects.create(
            program=program,
            name_en=name_en,
            name_fr=name_fr,
            scale_max=scale_max,
            weight=weight,
            position=position,
        )
        audit(actor=actor, action="review.criterion.created", target=criterion)
        return criterion
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk, program=program)
    highest = Score.objects.filter(criterion=criterion).aggregate(m=Max("value"))["m"]
    if highest is not None and scale_max < highest:
        raise DomainError(
            _(
                "A reviewer already gave %(highest)s on this criterion: the highest score "
                "cannot go below it. Nothing was saved."
            )
            % {"highest": highest},
            code="scale_below_scores",
        )
    criterion.name_en, criterion.name_fr = name_en, name_fr
    criterion.scale_max, criterion.weight = scale_max, weight
    if position is not None:
        criterion.position = position
    criterion.save()
    audit(actor=actor, action="review.criterion.changed", target=criterion)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    """Delete a criterion nobody scored yet."""
    require_window(
        _program_iteration(criterion.program),
        opens=None,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Changing the scoring criteria"),
    )
    if Score.objects.filter(criterion=criterion).exists():
        raise DomainError(
            _(
                "Reviewers already scored files on this criterion; it cannot be deleted "
                "(their scores would be lost). Nothing was changed."
            ),
            code="criterion_scored",
        )
    audit(
        actor=actor,
        action="review.criterion.deleted",
        target=criterion.program,
        data={"criterion": criterion.name_en},
    )
    criterion.delete()


@transaction.atomic
def masking_save(*, actor: User, program: Program, rules: dict[str, str | None]) -> None:
    """Set the program's masking rules: item -> the milestone it stays hidden until ("" for
    always), or None when it is not hidden. Items not named keep their rule."""
    until_choices = {"", *MASK_UNTIL}
    for item, until in rules.items():
        if item not in MaskedItem.values or (until is not None and until not in until_choices):
            raise DomainError(
                _("Unknown masking rule %(item)s; nothing was changed.") % {"item": item},
                code="unknown_mask",
            )
    for item, until in rules.items():
        if until is None:
            MaskingRule.objects.filter(program=program, item=item).delete()
        else:
            MaskingRule.objects.update_or_create(
                program=program, item=item, defaults={"until": until}
            )
    audit(
        actor=actor,
        action="review.masking.changed",
        target=program,
        data={"rules": {k: v for k, v in rules.items()}},
    )


# --- Assignments -------------------------------------------------------------------------------


def _assignable(reviewer: User, program: Program, applications: list[Application]) -> set[int]:
    """Ids of the ``applications`` that ``reviewer`` may be given: they are on the program's
    team and ``application.review`` lets them read it (asked once per quota: the rule depends on
    the program and the quota's stream)."""
    forget_roles(reviewer)
    if not on_team(reviewer, program):
        return set()
    by_quota: dict[int, bool] = {}
    out = set()
    for a in applications:
        if a.status != ApplicationStatus.SUBMITTED:
            continue
        if a.quota_id not in by_quota:
            by_quota[a.quota_id] = can(reviewer, "application.review", a)
        if by_quota[a.quota_id]:
            out.add(a.pk)
    return out


@transaction.atomic
def assignments_change(
    *,
    actor: User,
    program: Program,
    applications: list[Application],
    reviewer: User,
    remove: bool = False,
) -> int:
    """Give ``applications`` to ``reviewer`` to read (or take them back with ``remove``): all
    or nothing. A reviewer gets only files they may read (their program, their streams).
    Returns the number of assignments made or removed."""
    require_window(
        _program_iteration(program),
        opens=None,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Assigning files to reviewers"),
    )
    if not applications:
        raise DomainError(_("Select at least one application; nothing was changed."), "empty")
    foreign = [a for a in applications if a.program_id != program.pk]
    if foreign:
        raise DomainError(
            _("Some applications are not to this program; nothing was changed."), code="foreign"
        )
    ids = [a.pk for a in applications]
    if remove:
        deleted, _rows = ReviewAssignment.objects.filter(
            application_id__in=ids, reviewer=reviewer
        ).delete()
        audit(
            actor=actor,
            action="review.assignment.removed",
            target=program,
            data={"reviewer": reviewer.pk, "applications": ids},
        )
        return deleted
    allowed = _assignable(reviewer, program, applications)
    refused = [a for a in applications if a.pk not in allowed]
    if refused:
        raise DomainError(
            _(
                "%(reviewer)s may not read %(n)s of the selected files (another stream than "
                "theirs, or not a reviewer of this program): %(ids)s. Nothing was changed."
            )
            % {
                "reviewer": reviewer.get_full_name() or reviewer.email,
                "n": len(refused),
                "ids": ", ".join(a.applicant.matching_id for a in refused[:20]),
            },
            code="not_allowed",
        )
    existing = set(
        ReviewAssignment.objects.filter(application_id__in=ids, reviewer=reviewer).values_list(
            "application_id", flat=True
        )
    )
    new = [
        ReviewAssignment(application_id=pk, reviewer=reviewer, assigned_by=actor)
        for pk in ids
        if pk not in existing
    ]
    ReviewAssignment.objects.bulk_create(new)
    audit(
        actor=actor,
        action="review.assignment.added",
        target=program,
        data={"reviewer": reviewer.pk, "applications": [a.application_id for a in new]},
    )
    return len(new)


# --- Saved filters ------------------------------------------------------------------------------


def clean_query(query: str) -> str:
    """A filter query string without empty values and what is not a filter, in a stable order."""
    pairs = [(k, v) for k, v in parse_qsl(query) if v.strip() and k not in _NOT_FILTERS]
    return urlencode(sorted(pairs))


@transaction.atomic
def saved_filter_save(*, user: User, program: Program, name: str, query: str) -> SavedFilter:
    """Save the list's current filters under ``name`` (replacing a saved filter of that name)."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the filter a name; nothing was saved."), code="name_missing")
    if len(name) > 80:
        raise DomainError(_("Use a name of 80 characters or fewer; nothing was saved."), "long")
    query = clean_query(query)
    if len(query) > 1000:
        raise DomainError(_("These filters are too long to save; nothing was saved."), "long")
    mine = SavedFilter.objects.filter(user=user, program=program)
    if not mine.filter(name=name).exists() and mine.count() >= SAVED_FILTER_LIMIT:
        raise DomainError(
            _("You already keep %(n)s saved filters here; delete one first. Nothing was saved.")
            % {"n": SAVED_FILTER_LIMIT},
            code="too_many",
        )
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, program=program, name=name, defaults={"query": query}
    )
    audit(actor=user, action="review.filter.saved", target=saved, data={"query": query})
    return saved


@transaction.atomic
def saved_filter_delete(*, user: User, saved: SavedFilter) -> None:
    if saved.user_id != user.pk:
        raise DomainError(_("This saved filter is not yours; nothing was changed."), "forbidden")
    audit(
        actor=user, action="review.filter.deleted", target=saved.program, data={"name": saved.name}
    )
    saved.delete()


# --- Openings of files ---------------------------------------------------------------------------


def document_download_record(*, user: Any, document: Any) -> int:
    """Log a document downloaded by id (``documents:download``) by someone of a program's side:
    one opening of each submitted application of theirs the document is assigned to (as the
    reader's own download link does). The applicant and the match administrator are not
    logged. Returns the number of rows written."""
    from core.permissions import roles_of

    roles = roles_of(user)
    if roles.match_admin or roles.applicant_id == document.applicant_id:
        return 0
    if not roles.programs_with(*PROGRAM_ROLES) and not roles.school_ids:
        return 0
    from documents.selectors import applications_reaching

    applications = list(applications_reaching(document, roles))
    FileAccess.objects.bulk_create(
        FileAccess(
            application=a, user=user, email=user.email, what=AccessKind.DOCUMENT, document=document
        )
        for a in applications
    )
    return len(applications)


def file_access_record(
    *, user: Any, application: Application, what: str, document: Any = None
) -> FileAccess:
    """Log one opening of ``application`` (the reader, its PDF, a document). The log is the
    record; it is never changed, so no audit entry is written beside it."""
    if what not in AccessKind.values:
        raise ValueError(what)
    return FileAccess.objects.create(
        application=application, user=user, email=user.email, what=what, document=document
    )
