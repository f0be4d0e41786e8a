"""JSON API of references (session auth). The applicant's endpoints return states only; the
content endpoint is behind ``reference.read_content``, which the applicant never holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.storage import storages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from applicants.models import ApplicantProfile
from core.errors import DomainError
from core.permissions import require, roles_of
from cycles.selectors import current_cycle
from programs.models import Discipline
from references import selectors, services
from references.models import Delivery, ReferenceRequest

router = Router(tags=["references"])


class RequestOut(Schema):
    reference_id: str
    kind: str
    referee_name: str
    discipline: str | None
    delivery: str
    state: str
    sent_at: dt.datetime | None
    received_at: dt.datetime | None
    received_late: bool
    assigned_to: list[str]


class RequestIn(Schema):
    kind: str
    referee_name: str
    referee_email: str = ""
    referee_language: str = "en"
    discipline: str | None = None
    message: str = ""
    delivery: str = Delivery.EMAIL


class ErrorOut(Schema):
    detail: str


class AnswerOut(Schema):
    key: str
    type: str
    label_en: str
    label_fr: str
    value: Any


class ContentOut(Schema):
    reference_id: str
    kind: str
    submitted_at: dt.datetime
    answers: list[AnswerOut]


def _out(reference: ReferenceRequest) -> RequestOut:
    return RequestOut(
        reference_id=reference.reference_id,
        kind=reference.kind,
        referee_name=reference.referee_name,
        discipline=reference.discipline.code if reference.discipline else None,
        delivery=reference.delivery,
        state=reference.state,
        sent_at=reference.sent_at,
        received_at=reference.received_at,
        received_late=reference.received_late,
        assigned_to=[a.application.program.code for a in reference.assignments.all()],
    )


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.select_related("user").get(
        pk=roles_of(request.user).applicant_id
    )


def _cycle():  # type: ignore[no-untyped-def]
    cycle = current_cycle()
    if cycle is None:
        raise HttpError(404, "No current match")
    return cycle


@router.get("/mine", response=list[RequestOut])
def mine(request: HttpRequest) -> list[RequestOut]:
    """The signed-in applicant's requests and their states (never their content)."""
    return [_out(r) for r in selectors.requests_of(_me(request), _cycle())]


@router.post("/mine", response={201: RequestOut, 400: ErrorOut})
def create(request: HttpRequest, payload: RequestIn):  # type: ignore[no-untyped-def]
    """Create a draft request (finalise it on the references page)."""
    me = _me(request)
    cycle = _cycle()
    discipline = None
    if payload.discipline:
        discipline = Discipline.objects.filter(code=payload.discipline).first()
        if discipline is None:
            return Status(400, ErrorOut(detail=f"Unknown discipline {payload.discipline!r}"))
    if payload.referee_language not in ("en", "fr"):
        return Status(400, ErrorOut(detail="referee_language must be 'en' or 'fr'"))
    try:
        reference = services.reference_request_create(
            applicant=me,
            cycle=cycle,
            kind=payload.kind,
            referee_name=payload.referee_name,
            referee_email=payload.referee_email,
            referee_language=payload.referee_language,
            discipline=discipline,
            message=payload.message,
            delivery=payload.delivery,
        )
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message))
    return Status(201, _out(reference))


@router.get("/mine/{reference_id}", response=RequestOut)
def mine_one(request: HttpRequest, reference_id: str) -> RequestOut:
    """One of the applicant's own requests (403 for anyone else's)."""
    reference = get_object_or_404(
        ReferenceRequest.objects.select_related("discipline").prefetch_related(
            "assignments__application__program"
        ),
        reference_id=reference_id.upper(),
    )
    require(request.user, "reference.manage", reference)
    return _out(reference)


@router.get("/{reference_id}/content", response={200: ContentOut})
def content(request: HttpRequest, reference_id: str):  # type: ignore[no-untyped-def]
    """The letter (application/pdf) or the form's answers (JSON): match administrator, and
    staff of a program the reference is assigned to once the application is submitted."""
    reference = get_object_or_404(ReferenceRequest, reference_id=reference_id.upper())
    require(request.user, "reference.read_content", reference)
    found = selectors.content_of(reference)
    if found is None:
        raise HttpError(404, "This reference has not arrived yet.")
    services.reference_content_opened(actor=request.user, request=reference)
    if found.file_name:
        with storages["private"].open(found.file_name, "rb") as handle:
            response = HttpResponse(handle.read(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{reference.reference_id}.pdf"'
        response["Cache-Control"] = "no-store, private"
        return response
    answers = [
        AnswerOut(
            key=question["key"],
            type=question["type"],
            label_en=question.get("label_en", ""),
            label_fr=question.get("label_fr", ""),
            value=(found.answers or {}).get(question["key"]),
        )
        for question in (found.questions or [])
    ]
    return ContentOut(
        reference_id=reference.reference_id,
        kind=reference.kind,
        submitted_at=found.submitted_at,
        answers=answers,
    )
