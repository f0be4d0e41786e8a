"""Applicant pages: registering, the dashboard, the contract, withdrawing; provincial lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants import selectors, services
from applicants.forms import AcceptContractForm, ProvincialListAddForm, RegisterForm, WithdrawForm
from applicants.models import ApplicantProfile, ProvincialEligibility
from core.errors import DomainError
from core.permissions import can, require, roles_of
from cycles.models import Cycle
from cycles.selectors import current_cycle, current_iteration


def _cycle() -> Cycle:
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return cycle


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.select_related("user").get(
        pk=roles_of(request.user).applicant_id
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    if roles_of(request.user).applicant_id is not None:
        return redirect("applicants:dashboard")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_register(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("You are registered. Next: accept the applicant contract."))
            return redirect("applicants:participate")
    return render(request, "applicants/register.html", {"form": form})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if roles_of(request.user).applicant_id is None:
        if can(request.user, "program.staff_home") or roles_of(request.user).match_admin:
            raise PermissionDenied
        return redirect("applicants:register")
    applicant = _me(request)
    cycle = current_cycle()
    iteration = current_iteration()
    context: dict[str, object] = {"applicant": applicant, "cycle": cycle, "iteration": iteration}
    if cycle is not None:
        from applications.selectors import applications_of
        from fees.selectors import balance_of
        from ranking.selectors import rank_list_status

        applications = applications_of(applicant, cycle)
        context.update(
            participation=selectors.participation_of(applicant, cycle),
            balance=balance_of(applicant, cycle),
            submitted_count=sum(1 for a in applications if a.status == "submitted"),
            selected_count=sum(1 for a in applications if a.status == "selected"),
            couple=selectors.active_couple_of(applicant, cycle),
            rank_status=rank_list_status(applicant, iteration) if iteration else None,
        )
    return render(request, "applicants/dashboard.html", context)


@login_required
def participate(request: HttpRequest) -> HttpResponse:
    applicant = _me(request)
    cycle = _cycle()
    contract = selectors.current_contract(cycle)
    if contract is None:
        raise Http404(_("The applicant contract of this cycle is not published yet."))
    participation = selectors.participation_of(applicant, cycle)
    form = AcceptContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_accept(
                applicant=applicant,
                cycle=cycle,
                contract=contract,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("You accepted the applicant contract. Welcome to the match.")
            )
            return redirect("applicants:dashboard")
    return render(
        request,
        "applicants/participate.html",
        {"contract": contract, "form": form, "participation": participation, "cycle": cycle},
    )


@login_required
def withdraw(request: HttpRequest) -> HttpResponse:
    applicant = _me(request)
    cycle = _cycle()
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_withdraw(
                applicant=applicant, cycle=cycle, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You have withdrawn from the match."))
            return redirect("applicants:dashboard")
    return render(request, "applicants/withdraw.html", {"form": form, "cycle": cycle})


def _body_province(request: HttpRequest) -> str:
    provinces = sorted(roles_of(request.user).provinces)
    province = (
        request.GET.get("province")
        or request.POST.get("province")
        or (provinces[0] if provinces else "")
    )
    require(request.user, "province.manage_list", province)
    return province


@login_required
def provincial_list(request: HttpRequest) -> HttpResponse:
    province = _body_province(request)
    cycle = _cycle()
    form = ProvincialListAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        applicant = ApplicantProfile.objects.filter(
            matching_id=form.cleaned_data["matching_id"].strip().upper()
        ).first()
        if applicant is None:
            form.add_error("matching_id", _("No applicant has this match identifier."))
        else:
            try:
                services.provincial_eligibility_add(
                    actor=request.user, applicant=applicant, cycle=cycle, province=province
                )
            except DomainError as exc:
                form.add_error("matching_id", exc.message)
            else:
                messages.success(
                    request, _("%(name)s was added to the list.") % {"name": applicant}
                )
                return redirect(f"{request.path}?province={province}")
    return render(
        request,
        "applicants/provincial_list.html",
        {
            "form": form,
            "province": province,
            "entries": selectors.provincial_list(cycle=cycle, province=province),
        },
    )


@login_required
@require_POST
def provincial_list_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ProvincialEligibility.objects.select_related("applicant"), pk=pk)
    require(request.user, "province.manage_list", entry.province)
    services.provincial_eligibility_remove(actor=request.user, entry=entry)
    messages.success(request, _("%(name)s was removed from the list.") % {"name": entry.applicant})
    return redirect(f"{_provincial_list_url()}?province={entry.province}")


def _provincial_list_url() -> str:
    from django.urls import reverse

    return reverse("applicants:provincial_list")
