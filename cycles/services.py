"""Writes to the match calendar. Only the match administrator calls these (or the demo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import DomainError
from cycles.models import MILESTONE_ORDER, Iteration, Milestone, MilestoneKind
from cycles.selectors import BEFORE_OPENING, TORONTO

#: Days between consecutive milestones in a shifted calendar (realistic CaRMS spacing).
_SPACING_DAYS = {
    MilestoneKind.OPENING: 0,
    MilestoneKind.PROGRAM_SELECTION: 30,
    MilestoneKind.APPLICATION_DEADLINE: 30,
    MilestoneKind.INTERVIEWS_START: 20,
    MilestoneKind.INTERVIEWS_END: 50,
    MilestoneKind.RANKING_OPENS: 17,
    MilestoneKind.PROGRAM_ROL_DEADLINE: 13,
    MilestoneKind.APPLICANT_ROL_DEADLINE: 1,
    MilestoneKind.MATCH_DAY: 14,
}
#: Local time of day of each milestone (deadlines at noon, match day at noon).
_TIME_OF_DAY = {kind: dt.time(12, 0) for kind in MilestoneKind}


def check_milestone_order(marks: dict[str, dt.datetime]) -> None:
    previous: tuple[str, dt.datetime] | None = None
    for kind in MILESTONE_ORDER:
        at = marks.get(kind)
        if at is None:
            continue
        if previous is not None and at < previous[1]:
            raise DomainError(
                _(
                    "“%(later)s” cannot come before “%(earlier)s”. "
                    "Put the milestones in calendar order."
                )
                % {"later": MilestoneKind(kind).label, "earlier": MilestoneKind(previous[0]).label},
                code="order",
            )
        previous = (kind, at)


@transaction.atomic
def milestone_set(*, actor: Any, iteration: Iteration, kind: str, at: dt.datetime) -> Milestone:
    """Set one milestone, keeping the calendar in order."""
    marks = dict(Milestone.objects.filter(iteration=iteration).values_list("kind", "at"))
    marks[kind] = at
    check_milestone_order(marks)
    milestone, _created = Milestone.objects.update_or_create(
        iteration=iteration, kind=kind, defaults={"at": at}
    )
    if hasattr(iteration, "_milestones"):
        del iteration._milestones
    audit(actor=actor, action="cycles.milestone.set", target=milestone, data={"at": at.isoformat()})
    return milestone


@transaction.atomic
def calendar_shift_to_phase(
    *, actor: Any, iteration: Iteration, phase: str, now: dt.datetime | None = None
) -> None:
    """Rewrite every milestone of ``iteration`` so that ``now`` falls in ``phase``.

    The milestone named ``phase`` is placed at noon (Toronto) on the day before ``now`` (or earlier
    that day when ``now`` is past noon), the others keep the realistic spacing of
    ``_SPACING_DAYS`` around it, all at noon Toronto time. ``before_opening`` puts opening tomorrow.
    """
    if phase != BEFORE_OPENING and phase not in MILESTONE_ORDER:
        raise DomainError(_("Unknown phase “%(phase)s”.") % {"phase": phase}, code="phase")
    now = now or timezone.now()
    local_now = now.astimezone(TORONTO)
    noon_today = local_now.replace(hour=12, minute=0, second=0, microsecond=0)
    anchor_at = noon_today if noon_today <= local_now else noon_today - dt.timedelta(days=1)
    if phase == BEFORE_OPENING:
        anchor_index, anchor_at = 0, noon_today + dt.timedelta(days=1)
    else:
        anchor_index = MILESTONE_ORDER.index(phase)
    offsets: list[int] = []
    total = 0
    for kind in MILESTONE_ORDER:
        total += _SPACING_DAYS[MilestoneKind(kind)]
        offsets.append(total)
    base = offsets[anchor_index]
    for index, kind in enumerate(MILESTONE_ORDER):
        day = (anchor_at + dt.timedelta(days=offsets[index] - base)).date()
        at = dt.datetime.combine(day, _TIME_OF_DAY[MilestoneKind(kind)], tzinfo=TORONTO)
        Milestone.objects.update_or_create(iteration=iteration, kind=kind, defaults={"at": at})
    if hasattr(iteration, "_milestones"):
        del iteration._milestones
    audit(actor=actor, action="cycles.calendar.shifted", target=iteration, data={"phase": phase})
