"""Reads about cycles: which one is current, the phase the server clock is in, what is next."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from cycles.models import MILESTONE_ORDER, Cycle, Iteration, IterationKind, Milestone, MilestoneKind

TORONTO = ZoneInfo("America/Toronto")
BEFORE_OPENING = "before_opening"


def current_cycle() -> Cycle | None:
    return Cycle.objects.filter(is_current=True).first()


def iteration_of(cycle: Cycle, kind: str = IterationKind.FIRST) -> Iteration | None:
    return Iteration.objects.filter(cycle=cycle, kind=kind).first()


def current_iteration() -> Iteration | None:
    """The first iteration of the current cycle (the one applicants and programs work in)."""
    return (
        Iteration.objects.select_related("cycle")
        .filter(cycle__is_current=True, kind=IterationKind.FIRST)
        .first()
    )


def milestones_of(iteration: Iteration) -> dict[str, dt.datetime]:
    """Milestone kind -> aware datetime; cached on the iteration instance."""
    cached: dict[str, dt.datetime] | None = getattr(iteration, "_milestones", None)
    if cached is None:
        cached = dict(
            Milestone.objects.filter(iteration=iteration).values_list("kind", "at").order_by("at")
        )
        iteration._milestones = cached  # type: ignore[attr-defined]
    return cached


def milestone_at(iteration: Iteration, kind: str) -> dt.datetime | None:
    return milestones_of(iteration).get(kind)


def has_passed(iteration: Iteration, kind: str, now: dt.datetime | None = None) -> bool:
    """Whether milestone ``kind`` has been reached. A milestone not set has not passed."""
    at = milestone_at(iteration, kind)
    return at is not None and (now or timezone.now()) >= at


def phase(iteration: Iteration, now: dt.datetime | None = None) -> str:
    """The latest milestone reached by the server clock (``before_opening`` if none)."""
    now = now or timezone.now()
    reached = BEFORE_OPENING
    marks = milestones_of(iteration)
    for kind in MILESTONE_ORDER:
        at = marks.get(kind)
        if at is not None and at <= now:
            reached = kind
    return reached


def next_milestone(
    iteration: Iteration, now: dt.datetime | None = None
) -> tuple[str, dt.datetime] | None:
    """The next milestone still to come, as (kind, at)."""
    now = now or timezone.now()
    upcoming = sorted((at, kind) for kind, at in milestones_of(iteration).items() if at > now)
    if not upcoming:
        return None
    at, kind = upcoming[0]
    return kind, at


def results_release_at(iteration: Iteration) -> dt.datetime | None:
    """Noon, Toronto time, on match day: results are never shown before."""
    match_day = milestone_at(iteration, MilestoneKind.MATCH_DAY)
    if match_day is None:
        return None
    local = match_day.astimezone(TORONTO)
    return local.replace(hour=12, minute=0, second=0, microsecond=0)


def results_released(iteration: Iteration, now: dt.datetime | None = None) -> bool:
    release = results_release_at(iteration)
    return release is not None and (now or timezone.now()) >= release
