"""File review over the JSON API (session auth; the same rules as the pages): the program's
list with its filters, the scores of an application, and putting my scores."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from applications.models import Application
from core.errors import DomainError
from core.permissions import require
from cycles.selectors import current_cycle
from programs.models import Program
from review import selectors, services
from review.forms import list_from_query

router = Router(tags=["review"])


class ErrorOut(Schema):
    detail: str
    code: str = "invalid"


class ReviewFiltersIn(Schema):
    """The list's filters; each is optional (the same meanings as on the page)."""

    q: str = Field("", description="Search in name, match identifier, MCC ID, e-mail address")
    stream: str = Field("", description="A quota stream of the program: CMG, IMG, ALL")
    late: str = Field("", description="yes (late application), additions, no")
    exam: str = Field("", description="mccqe1, nac, step1, step2ck, step3")
    min_score: float | None = Field(None, description="Minimum score in `exam`")
    language: str = Field("", description="Language of the application: en, fr, both")
    province: str = Field("", description="Province of study (AB, BC, …) or `outside`")
    completeness: str = Field(
        "", description="complete, incomplete, optional_missing, required_missing"
    )
    interview: str = Field("", description="none, selected, not_selected, waitlisted, …")
    assigned: str = Field("", description="me, none, or a reviewer's user id")
    sort: str = Field("name", description="name, submitted, score, my_score; `-` reverses")


class ExamOut(Schema):
    exam: str
    label: str
    result: str
    score: float | None = Field(description="Null when not a number or masked")


class ReviewerOut(Schema):
    id: int
    name: str


class ReviewRowOut(Schema):
    id: int
    applicant_name: str
    matching_id: str
    email: str
    stream: str
    submitted_at: dt.datetime | None
    is_late: bool
    late_additions: bool
    language: str
    province_of_study: str = Field(description="Province code, `outside`, or empty if unknown")
    exams: list[ExamOut]
    checklist: str = Field(description="complete, optional_missing or required_missing")
    interview_status: str | None
    assigned: list[ReviewerOut]
    mean_score: float | None = Field(description="Reviewers' weighted mean, % of each scale")
    reviews: int = Field(description="Reviewers who scored")
    my_score: float | None


class ReviewListOut(Schema):
    program: str
    total: int = Field(description="Applications you may review, before filters")
    count: int
    masked: list[str] = Field(description="Items the program hides from you now")
    ignored: list[str] = Field(description="Filters not applied, and why")
    rows: list[ReviewRowOut]


class CriterionOut(Schema):
    id: int
    name: str
    name_en: str
    name_fr: str
    scale_max: int
    weight: int
    position: int
    mine: int | None
    mean: float | None
    count: int


class ScoreValueOut(Schema):
    criterion_id: int
    value: int | None


class ReviewerScoresOut(Schema):
    reviewer: str
    scores: list[ScoreValueOut]
    total: float | None


class ScoresOut(Schema):
    application_id: int
    criteria: list[CriterionOut]
    my_total: float | None
    total: float | None
    reviews: int
    can_write: bool
    reviewers: list[ReviewerScoresOut] | None = Field(
        description="Each reviewer's scores: for the director and administrators only"
    )


class ScoreIn(Schema):
    criterion_id: int
    value: int | None = Field(description="From 0 to the criterion's scale; null clears it")


class ScoresIn(Schema):
    scores: list[ScoreIn]


@router.get(
    "/programs/{code}/applications",
    response={200: ReviewListOut, 400: ErrorOut},
)
def review_list(request: HttpRequest, code: str, filters: Query[ReviewFiltersIn]):  # type: ignore[no-untyped-def]
    """The program's submitted applications you may review, filtered and sorted."""
    cycle = current_cycle()
    if cycle is None:
        raise Http404
    program = get_object_or_404(Program.objects.select_related("school"), cycle=cycle, code=code)
    require(request.user, "program.view_applications", program)
    quotas = selectors.visible_quotas(program, request.user)
    if not quotas:
        raise PermissionDenied("application.review")
    data = {k: "" if v is None else str(v) for k, v in filters.dict().items()}
    form, listing = list_from_query(program, quotas, data, viewer=request.user)
    if form.errors:
        return Status(
            400,
            ErrorOut(
                detail=" ".join(f"{k}: {e}" for k, errs in form.errors.items() for e in errs),
                code="invalid_filter",
            ),
        )
    team = listing.team
    # Written as JSON directly, in the shape of ReviewListOut (the OpenAPI schema, checked by
    # review/tests/test_list.py): validating 1,500 rows through pydantic on every request
    # costs more than building the whole list.
    body = {
        "program": program.code,
        "total": listing.total,
        "count": len(listing.rows),
        "masked": list(listing.masked),
        "ignored": listing.ignored,
        "rows": [
            {
                "id": r.pk,
                "applicant_name": r.name,
                "matching_id": r.matching_id,
                "email": r.email,
                "stream": r.stream,
                "submitted_at": r.submitted_at,
                "is_late": r.is_late,
                "late_additions": r.late_additions,
                "language": r.language,
                "province_of_study": r.province,
                "exams": [
                    {"exam": e.exam, "label": e.label, "result": e.result, "score": e.score}
                    for e in r.exams.values()
                ],
                "checklist": r.completeness,
                "interview_status": r.interview or None,
                "assigned": [{"id": u, "name": team[u].name} for u in r.assigned if u in team],
                "mean_score": r.score,
                "reviews": r.reviews,
                "my_score": r.my_score,
            }
            for r in listing.rows
        ],
    }
    return JsonResponse(body, encoder=DjangoJSONEncoder)


def _scores_out(application: Application, request: HttpRequest) -> ScoresOut:
    panel = selectors.reader_panel(application, viewer=request.user)
    return ScoresOut(
        application_id=application.pk,
        criteria=[
            CriterionOut(
                id=line.criterion.pk,
                name=line.criterion.name,
                name_en=line.criterion.name_en,
                name_fr=line.criterion.name_fr,
                scale_max=line.criterion.scale_max,
                weight=line.criterion.weight,
                position=line.criterion.position,
                mine=line.mine,
                mean=line.mean,
                count=line.count,
            )
            for line in panel.criteria
        ],
        my_total=panel.my_total,
        total=panel.total,
        reviews=panel.reviews,
        can_write=panel.can_write,
        reviewers=[
            ReviewerScoresOut(
                reviewer=r.name,
                scores=[
                    ScoreValueOut(criterion_id=line.criterion.pk, value=v)
                    for line, v in zip(panel.criteria, r.values, strict=True)
                ],
                total=r.total,
            )
            for r in panel.per_reviewer
        ]
        if panel.per_reviewer is not None
        else None,
    )


@router.get("/applications/{application_id}/scores", response=ScoresOut)
def scores(request: HttpRequest, application_id: int) -> ScoresOut:
    """The program's criteria with my scores and the reviewers' means (each reviewer's scores
    for the director and administrators)."""
    return _scores_out(selectors.readable_application(request.user, application_id), request)


@router.put(
    "/applications/{application_id}/scores/mine",
    response={200: ScoresOut, 400: ErrorOut},
)
def put_my_scores(request: HttpRequest, application_id: int, payload: ScoresIn):  # type: ignore[no-untyped-def]
    """Set my scores of the application (the criteria named; null clears one). All or
    nothing: one bad value and nothing is saved."""
    application = selectors.readable_application(request.user, application_id)
    require(request.user, "review.write", application)
    values = {s.criterion_id: s.value for s in payload.scores}
    if len(values) != len(payload.scores):
        return Status(
            400,
            ErrorOut(detail=_("Each criterion may appear once; nothing was saved."), code="twice"),
        )
    try:
        services.scores_save(reviewer=request.user, application=application, values=values)
    except DomainError as exc:
        return Status(400, ErrorOut(detail=exc.message, code=exc.code))
    return Status(200, _scores_out(application, request))
