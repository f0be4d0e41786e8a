"""Program directory, program pages, the staff workspace and program editing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile
from core.choices import PROVINCES_WITH_IMG_LIST, Stream
from core.errors import DomainError
from core.permissions import require, roles_of
from cycles.models import Cycle
from cycles.selectors import current_cycle, current_iteration
from programs import selectors, services
from programs.forms import DirectoryFilterForm, ProgramForm, QuotaForm, RequirementForm
from programs.models import Program, Quota


def _cycle_or_404() -> Cycle:
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return cycle


def _viewer_applicant(request: HttpRequest) -> ApplicantProfile | None:
    applicant_id = roles_of(request.user).applicant_id
    if applicant_id is None:
        return None
    return ApplicantProfile.objects.get(pk=applicant_id)


def _openness(
    applicant: ApplicantProfile | None, programs: Any, cycle: Cycle
) -> dict[int, tuple[bool, str]]:
    if applicant is None:
        return {}
    provinces = selectors.eligible_provinces_of(applicant, cycle)
    return {
        quota.pk: selectors.quota_open_to(applicant, quota, eligible_provinces=provinces)
        for program in programs
        for quota in program.quotas.all()
    }


def directory(request: HttpRequest) -> HttpResponse:
    cycle = _cycle_or_404()
    form = DirectoryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    applicant = _viewer_applicant(request)
    page = selectors.program_directory(
        cycle=cycle,
        text=data.get("q", ""),
        discipline=data.get("discipline", ""),
        province=data.get("province", ""),
        language=data.get("language", ""),
        page=request.GET.get("page", 1),
    )
    if applicant is not None and data.get("open_to_me"):
        provinces = selectors.eligible_provinces_of(applicant, cycle)
        open_q = Q(quotas__stream__in=[applicant.stream, Stream.COMPETITIVE])
        if applicant.stream == Stream.IMG:
            closed = set(PROVINCES_WITH_IMG_LIST) - provinces
            open_q &= ~Q(quotas__stream=Stream.IMG, school__province__in=closed) | Q(
                quotas__stream=Stream.COMPETITIVE
            )
        programs = selectors.program_queryset(cycle).filter(
            pk__in=page.paginator.object_list.filter(open_q).values("pk")
        )
        from django.core.paginator import Paginator

        page = Paginator(programs, 25).get_page(request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/directory.html",
        {
            "form": form,
            "page": page,
            "openness": _openness(applicant, page.object_list, cycle),
            "applicant": applicant,
            "query": query.urlencode(),
        },
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    cycle = _cycle_or_404()
    program = selectors.program_by_code(cycle, code)
    if program is None:
        raise Http404(_("No program has this code."))
    applicant = _viewer_applicant(request)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "openness": _openness(applicant, [program], cycle),
            "applicant": applicant,
            "can_edit": request.user.is_authenticated
            and _can(request.user, "program.edit", program),
        },
    )


def _can(user: Any, action: str, obj: Any) -> bool:
    from core.permissions import can

    return can(user, action, obj)


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    require(request.user, "program.staff_home")
    cycle = _cycle_or_404()
    roles = roles_of(request.user)
    programs = list(
        selectors.programs_of_staff(roles, cycle)
        .prefetch_related(None)
        .prefetch_related(_quota_prefetch())
    )
    return render(
        request,
        "programs/workspace.html",
        {
            "programs": programs,
            "iteration": current_iteration(),
            "editable": {p.pk for p in programs if _can(request.user, "program.edit", p)},
            "rankable": roles.programs_with("program_director", "program_admin"),
        },
    )


def _quota_prefetch() -> Any:
    from django.db.models import Prefetch

    return Prefetch(
        "quotas",
        queryset=Quota.objects.annotate(
            submitted=Count("applications", filter=Q(applications__status="submitted"))
        ).select_related("reverts_to__program"),
    )


@login_required
def edit(request: HttpRequest, code: str) -> HttpResponse:
    cycle = _cycle_or_404()
    program = selectors.program_by_code(cycle, code)
    if program is None:
        raise Http404(_("No program has this code."))
    require(request.user, "program.edit", program)
    quotas = list(program.quotas.all())
    targets = Quota.objects.filter(program__school=program.school, iteration__cycle=cycle)
    target_choices = [("", _("Nowhere (positions stay unfilled)"))] + [
        (str(q.pk), f"{q.program.code} — {q.get_stream_display()}")
        for q in targets.select_related("program")
    ]
    form = ProgramForm(request.POST or None, instance=program)
    quota_forms = []
    for quota in quotas:
        qf = QuotaForm(
            request.POST or None,
            prefix=f"q{quota.pk}",
            initial={"positions": quota.positions, "reverts_to": quota.reverts_to_id or ""},
        )
        qf.fields["reverts_to"].choices = [c for c in target_choices if c[0] != str(quota.pk)]
        quota_forms.append((quota, qf))
    if request.method == "POST":
        if form.is_valid() and all(qf.is_valid() for _q, qf in quota_forms):
            try:
                data = form.cleaned_data
                program.refresh_from_db()
                with transaction.atomic():  # all or nothing
                    _save_program(request, program, data, quota_forms, targets)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The program was saved."))
                return redirect("programs:detail", code=program.code)
        else:
            messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(
        request,
        "programs/edit.html",
        {"program": program, "form": form, "quota_forms": quota_forms},
    )


def _save_program(
    request: HttpRequest, program: Program, data: dict[str, Any], quota_forms: Any, targets: Any
) -> None:
    services.program_update(
        actor=request.user,
        program=program,
        description_en=data["description_en"],
        description_fr=data["description_fr"],
        sites=data["sites"],
        language=data["language"],
    )
    for quota, qf in quota_forms:
        target_id = qf.cleaned_data["reverts_to"]
        services.quota_update(
            actor=request.user,
            quota=quota,
            positions=qf.cleaned_data["positions"],
            reverts_to=targets.get(pk=target_id) if target_id else None,
        )


@login_required
def requirements(request: HttpRequest, code: str) -> HttpResponse:
    """What the program requires in an application: director, administrator, PGME office."""
    cycle = _cycle_or_404()
    program = selectors.program_by_code(cycle, code)
    if program is None:
        raise Http404(_("No program has this code."))
    require(request.user, "program.edit", program)
    form = RequirementForm(request.POST or None)
    if request.method == "POST":
        remove_id = request.POST.get("remove", "")
        try:
            if remove_id:
                row = program.requirements.filter(pk=remove_id if remove_id.isdigit() else 0)
                if row.first() is None:
                    raise Http404(_("No such requirement."))
                services.requirement_remove(actor=request.user, requirement=row.first())
                messages.success(request, _("The requirement was removed."))
                return redirect("programs:requirements", code=program.code)
            if form.is_valid():
                data = form.cleaned_data
                services.requirement_add(
                    actor=request.user,
                    program=program,
                    what=data["what"],
                    required=data["required"],
                    count=data["count"],
                    language=data["language"],
                )
                messages.success(request, _("The requirement was added."))
                return redirect("programs:requirements", code=program.code)
            messages.error(request, _("Please correct the errors below; nothing was saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = selectors.requirements_of(program)
    return render(
        request,
        "programs/requirements.html",
        {
            "program": program,
            "form": form,
            "rows": [(row, selectors.requirement_label(row)) for row in rows],
            "is_default": not rows or rows[0].pk is None,
        },
    )
