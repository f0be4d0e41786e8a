"""JSON API endpoints of the cycles domain."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from cycles.selectors import current_cycle, milestones_of, phase

router = Router(tags=["cycles"])


class MilestoneOut(Schema):
    kind: str
    at: dt.datetime


class IterationOut(Schema):
    kind: str
    phase: str
    milestones: list[MilestoneOut]


class CycleOut(Schema):
    name: str
    slug: str
    year: int
    iterations: list[IterationOut]


@router.get("/current", response=CycleOut, auth=None)
def current(request: HttpRequest) -> CycleOut:
    """The current cycle's calendar (Toronto time, ISO 8601 with offset) and phases."""
    cycle = current_cycle()
    if cycle is None:
        raise HttpError(404, "No match cycle is open.")
    return CycleOut(
        name=cycle.name,
        slug=cycle.slug,
        year=cycle.year,
        iterations=[
            IterationOut(
                kind=iteration.kind,
                phase=phase(iteration),
                milestones=[
                    MilestoneOut(kind=kind, at=at)
                    for kind, at in sorted(milestones_of(iteration).items(), key=lambda i: i[1])
                ],
            )
            for iteration in cycle.iterations.all()
        ],
    )
