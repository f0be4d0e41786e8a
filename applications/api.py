"""The applicant's applications over the API: the checklist of one application."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from applicants.models import ApplicantProfile
from applications import selectors
from applications.models import Application, ApplicationStatus
from core.permissions import require, roles_of
from cycles.selectors import current_cycle

router = Router(tags=["applications"])


class ItemOut(Schema):
    label: str
    status: str  # complete | optional_missing | required_missing
    symbol: str
    detail: str


@router.get("/mine/{code}/checklist", response=list[ItemOut])
def checklist(request: HttpRequest, code: str) -> list[ItemOut]:
    """What the program ``code`` requires and whether the signed-in applicant's application
    to it has it."""
    require(request.user, "applicant.act")
    applicant = ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)
    application = (
        Application.objects.filter(
            applicant=applicant, program__cycle=current_cycle(), program__code=code
        )
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("program", "applicant")
        .first()
    )
    if application is None:
        raise Http404(_("You have no application to this program."))
    return [
        ItemOut(label=i.label, status=i.status, symbol=i.symbol, detail=i.detail)
        for i in selectors.application_checklist(application)
    ]
