"""Rank order list pages: an applicant's, a couple's, a program quota's.

One page per owner; the same actions (add, remove, move, submit) post to it. With htmx the list
alone is swapped in place; without JavaScript the page redirects to itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile
from core.errors import DomainError
from core.pdf import pdf_response
from core.permissions import require, roles_of
from cycles.deadlines import require_window
from cycles.models import Iteration, MilestoneKind
from cycles.selectors import current_iteration
from programs.models import Quota
from ranking import couples as couple_services
from ranking import selectors, services
from ranking.models import RankList


def _iteration() -> Iteration:
    iteration = current_iteration()
    if iteration is None:
        raise Http404(_("No match cycle is open."))
    return iteration


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.select_related("user").get(
        pk=roles_of(request.user).applicant_id
    )


def _is_open(rank_list: RankList) -> tuple[bool, str]:
    closes = (
        MilestoneKind.PROGRAM_ROL_DEADLINE
        if rank_list.quota_id
        else MilestoneKind.APPLICANT_ROL_DEADLINE
    )
    try:
        require_window(
            rank_list.iteration,
            opens=MilestoneKind.RANKING_OPENS,
            closes=closes,
            what=_("Changing this rank order list"),
        )
    except DomainError as exc:
        return False, exc.message
    return True, ""


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _quota(value: Any, iteration: Iteration) -> Quota | None:
    pk = _int(value)
    return Quota.objects.filter(pk=pk, iteration=iteration).first() if pk else None


def _act(request: HttpRequest, rank_list: RankList) -> None:
    """Apply the posted action; a refused one becomes a message (nothing is changed)."""
    action = request.POST.get("action", "")
    entry_id = _int(request.POST.get("entry"))
    try:
        if action == "add":
            applicant = None
            applicant_id = _int(request.POST.get("applicant"))
            if applicant_id:
                applicant = ApplicantProfile.objects.filter(pk=applicant_id).first()
            services.rank_list_add(
                actor=request.user,
                rank_list=rank_list,
                quota=_quota(request.POST.get("quota"), rank_list.iteration),
                partner_quota=_quota(request.POST.get("partner_quota"), rank_list.iteration),
                applicant=applicant,
            )
        elif action == "remove" and entry_id:
            services.rank_list_remove(actor=request.user, rank_list=rank_list, entry_id=entry_id)
        elif action in {"up", "down", "move"} and entry_id:
            current = _int(request.POST.get("current")) or 1
            target = {"up": current - 1, "down": current + 1}.get(
                action, _int(request.POST.get("position"))
            )
            if target is None:
                raise DomainError(_("Enter the position to move this line to, e.g. 1 for the top."))
            services.rank_list_move(
                actor=request.user, rank_list=rank_list, entry_id=entry_id, position=target
            )
        elif action == "submit":
            version = services.rank_list_submit(actor=request.user, rank_list=rank_list)
            messages.success(
                request,
                _("Your rank order list was submitted (version %(n)s). It is binding.")
                % {"n": version.number},
            )
        else:
            raise DomainError(_("Unknown action; reload the page and try again."))
    except DomainError as exc:
        messages.error(request, exc.message)


def _page(
    request: HttpRequest, rank_list: RankList, template: str, context: dict[str, Any]
) -> HttpResponse:
    if request.method == "POST":
        _act(request, rank_list)
        if not request.htmx:
            return redirect(request.path)
    entries = selectors.entries_of(rank_list)
    is_open, closed_message = _is_open(rank_list)
    context.update(
        rank_list=rank_list,
        entries=entries,
        is_open=is_open,
        closed_message=closed_message,
        version=selectors.last_version(rank_list),
        changed=selectors.has_unsubmitted_changes(rank_list, entries),
    )
    if request.htmx:
        return render(request, "ranking/_list.html", context)
    return render(request, template, context)


@login_required
def applicant(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    rank_list = selectors.list_of_applicant(me, iteration)
    rank_list.iteration = iteration
    return _page(
        request,
        rank_list,
        "ranking/applicant.html",
        {
            "choices": selectors.applied_quotas(me, iteration),
            "couple": couple_services.couple_of(me, iteration.cycle),
            "pdf_url": "ranking:applicant_pdf",
        },
    )


@login_required
def couple(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    current = couple_services.couple_of(me, iteration.cycle)
    context: dict[str, Any] = {"me": me, "couple": current}
    if request.method == "POST" and request.POST.get("couple_action"):
        return _couple_action(request, me, current, iteration)
    if current is None or current.status != "active":
        return render(request, "ranking/couple.html", context)
    require(request.user, "couple.act", current)
    rank_list = selectors.list_of_couple(current, iteration)
    rank_list.iteration = iteration
    context.update(
        first_choices=selectors.applied_quotas(current.inviter, iteration),
        second_choices=selectors.applied_quotas(current.partner, iteration),
        pdf_url="ranking:couple_pdf",
    )
    return _page(request, rank_list, "ranking/couple.html", context)


def _couple_action(
    request: HttpRequest, me: ApplicantProfile, current: Any, iteration: Iteration
) -> HttpResponse:
    action = request.POST["couple_action"]
    try:
        if action == "invite":
            couple_services.couple_invite(
                inviter=me,
                partner_matching_id=request.POST.get("partner", ""),
                cycle=iteration.cycle,
            )
            messages.success(request, _("Invitation sent. Your partner must accept it."))
        elif action in {"accept", "decline"} and current is not None:
            require(request.user, "couple.respond", current)
            couple_services.couple_respond(partner=me, couple=current, accept=action == "accept")
        elif action == "dissolve" and current is not None:
            require(request.user, "couple.act", current)
            couple_services.couple_dissolve(member=me, couple=current)
            messages.success(request, _("You are no longer linked as a couple."))
        else:
            raise DomainError(_("Unknown action; reload the page and try again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ranking:couple")


@login_required
def program(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = get_object_or_404(
        Quota.objects.select_related("program__school", "iteration__cycle"), pk=quota_id
    )
    require(request.user, "quota.rank", quota)
    rank_list = selectors.list_of_quota(quota)
    rank_list.iteration = quota.iteration
    return _page(
        request,
        rank_list,
        "ranking/program.html",
        {
            "quota": quota,
            "choices": selectors.quota_candidates(quota),
            "pdf_url": "ranking:program_pdf",
            "pdf_arg": quota.pk,
        },
    )


def _pdf(request: HttpRequest, rank_list: RankList, title: str) -> HttpResponse:
    """The last submitted version (or the draft, marked as such, when none was submitted)."""
    version = selectors.last_version(rank_list)
    lines = selectors.version_lines(version) if version else selectors.entries_of(rank_list)
    return pdf_response(
        request,
        "ranking/pdf.html",
        {"rank_list": rank_list, "entries": lines, "version": version, "title": title},
        filename="rank-order-list.pdf",
    )


@login_required
def applicant_pdf(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    return _pdf(request, selectors.list_of_applicant(me, _iteration()), str(me))


@login_required
def couple_pdf(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    current = couple_services.couple_of(me, iteration.cycle)
    if current is None or current.status != "active":
        raise Http404(_("You are not linked as a couple."))
    require(request.user, "couple.act", current)
    return _pdf(request, selectors.list_of_couple(current, iteration), str(current))


@login_required
def program_pdf(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = get_object_or_404(Quota.objects.select_related("program"), pk=quota_id)
    require(request.user, "quota.rank", quota)
    return _pdf(request, selectors.list_of_quota(quota), str(quota))
