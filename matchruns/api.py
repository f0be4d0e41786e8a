"""JSON API endpoints of the matchruns domain."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from core.permissions import can, roles_of
from cycles.selectors import current_iteration
from matchruns import selectors

router = Router(tags=["matchruns"])


class MyResultOut(Schema):
    matched: bool
    quota: str | None = None
    stream: str | None = None
    program_code: str | None = None
    program_name: str | None = None
    school_name: str | None = None
    city: str | None = None
    instance_sha256: str


@router.get("/my-result", response=MyResultOut)
def my_result(request: HttpRequest) -> MyResultOut:
    """The signed-in applicant's result: 403 for non-applicants, 404 before release (noon
    Toronto time on match day) or when there is none."""
    if not can(request.user, "applicant.act"):
        raise HttpError(403, "Only applicants have a match result.")
    iteration = current_iteration()
    run = selectors.released_run(iteration) if iteration is not None else None
    if run is None:
        raise HttpError(404, "Results are not released.")
    assignment = selectors.assignment_of(run, roles_of(request.user).applicant_id or 0)
    if assignment is None:
        raise HttpError(404, "You did not take part in this match.")
    quota = assignment.quota
    if quota is None:
        return MyResultOut(matched=False, instance_sha256=run.snapshot_sha256)
    return MyResultOut(
        matched=True,
        quota=quota.code,
        stream=quota.stream,
        program_code=quota.program.code,
        program_name=quota.program.name,
        school_name=quota.program.school.name,
        city=quota.program.school.city,
        instance_sha256=run.snapshot_sha256,
    )
