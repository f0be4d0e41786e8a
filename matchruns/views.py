"""Pages of the matchruns domain: the administrator's runs, released results, the letter."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit
from core.models import AuditEntry
from core.pdf import pdf_response
from core.permissions import require, roles_of
from cycles.models import Iteration, MilestoneKind
from cycles.selectors import (
    BEFORE_OPENING,
    current_iteration,
    has_passed,
    phase,
    results_release_at,
    results_released,
)
from matchruns import selectors
from matchruns.explanation import engine_reasons, render_reason
from matchruns.models import MatchRun, RunKind
from programs.models import Program, Quota
from ranking.selectors import lists_awaiting_approval


def _iteration_from(request: HttpRequest) -> Iteration:
    raw = request.GET.get("iteration") or request.POST.get("iteration")
    if raw:
        if not str(raw).isdigit():
            raise Http404
        return get_object_or_404(Iteration.objects.select_related("cycle"), pk=raw)
    iteration = current_iteration()
    if iteration is None:
        raise Http404(_("There is no current match cycle."))
    return iteration


def _phase_label(iteration: Iteration) -> str:
    reached = phase(iteration)
    if reached == BEFORE_OPENING:
        return _("Before opening")
    return str(MilestoneKind(reached).label)


def quota_labels(iteration: Iteration) -> dict[str, Quota]:
    """Quota code -> quota (with program, school, discipline) for one iteration."""
    quotas = Quota.objects.filter(iteration=iteration).select_related(
        "program__school", "program__discipline"
    )
    return {q.code: q for q in quotas}


# --- Match administrator -----------------------------------------------------------------------


@login_required
def admin_home(request: HttpRequest) -> HttpResponse:
    require(request.user, "match.administer")
    iteration = _iteration_from(request)
    runs = list(selectors.runs_of(iteration))
    failures = AuditEntry.objects.filter(
        action="matchruns.run.failed",
        object_type="cycles.iteration",
        object_id=str(iteration.pk),
    )[:5]
    after_deadlines = has_passed(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE) and has_passed(
        iteration, MilestoneKind.APPLICANT_ROL_DEADLINE
    )
    has_official = any(r.kind == RunKind.OFFICIAL for r in runs)
    return render(
        request,
        "matchruns/admin_home.html",
        {
            "iteration": iteration,
            "phase_label": _phase_label(iteration),
            "counts": selectors.submitted_counts(iteration),
            "runs": runs,
            "failures": failures,
            "can_run_official": after_deadlines and not has_official,
            "release_at": results_release_at(iteration),
            "released": results_released(iteration),
            "awaiting_approval": list(lists_awaiting_approval(iteration)),
        },
    )


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a run in the background (huey); its outcome appears on the administrator's page."""
    require(request.user, "match.administer")
    iteration = _iteration_from(request)
    from matchruns.tasks import match_run_task

    dry_run = request.POST.get("kind") != RunKind.OFFICIAL
    match_run_task(actor_id=request.user.pk, iteration_id=iteration.pk, dry_run=dry_run)
    messages.info(
        request,
        _("The dry run has started; its result appears below when it finishes.")
        if dry_run
        else _("The official run has started; its result appears below when it finishes."),
    )
    return redirect(f"{reverse('matchruns:admin_home')}?iteration={iteration.pk}")


@login_required
def download(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """The frozen snapshot (instance.json) or the result (result.json) of a run."""
    run = get_object_or_404(MatchRun.objects.select_related("iteration"), pk=pk)
    require(request.user, "matchrun.view", run)
    if what == "instance":
        body = run.snapshot
    elif what == "result":
        if run.kind == RunKind.OFFICIAL and not results_released(run.iteration):
            # The official result leaves the server only at release (export_match on the
            # server is the way to check it before).
            raise Http404(_("The official result can be downloaded once results are released."))
        body = json.dumps(run.result, sort_keys=True, indent=2, ensure_ascii=False)
    else:
        raise Http404
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-{what}.json"'
    return response


# --- Released results --------------------------------------------------------------------------


def _applicant_result(request: HttpRequest) -> dict[str, Any]:
    """Context of an applicant's result; ``released`` False hides everything."""
    require(request.user, "applicant.act")
    iteration = _iteration_from(request)
    context: dict[str, Any] = {
        "iteration": iteration,
        "release_at": results_release_at(iteration),
        "released": False,
    }
    run = selectors.released_run(iteration)
    if run is None:
        return context
    context["released"] = True
    assignment = selectors.assignment_of(run, roles_of(request.user).applicant_id or 0)
    context["run"] = run
    context["assignment"] = assignment
    return context


@login_required
def my_result(request: HttpRequest) -> HttpResponse:
    context = _applicant_result(request)
    assignment = context.get("assignment")
    if assignment is not None:
        run: MatchRun = context["run"]
        instance = json.loads(run.snapshot)
        labels = quota_labels(run.iteration)

        def name(code: str | None) -> str:
            quota = labels.get(code or "")
            if quota is None:
                return ""
            return _("%(program)s (%(school)s, %(stream)s)") % {
                "program": quota.program.name,
                "school": quota.program.school.name,
                "stream": quota.get_stream_display(),
            }

        reasons = engine_reasons(instance, run.result, assignment.applicant.matching_id)
        context["explanation"] = [
            render_reason(r, name(r.program), name(r.partner_program)) for r in reasons
        ]
    return render(request, "matchruns/my_result.html", context)


@login_required
def letter(request: HttpRequest) -> HttpResponse:
    """The confirmation letter (PDF) of a matched applicant, in the request's language."""
    context = _applicant_result(request)
    assignment = context.get("assignment")
    if not context["released"] or assignment is None or assignment.quota is None:
        raise Http404(_("There is no match to confirm."))
    audit(actor=request.user, action="matchruns.letter.downloaded", target=assignment.run)
    return pdf_response(
        request, "matchruns/letter.html", context, filename="match-confirmation.pdf"
    )


@login_required
def program_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Matched applicants of each quota of a program, unfilled and reverted positions."""
    program = get_object_or_404(Program.objects.select_related("school", "discipline"), pk=pk)
    require(request.user, "program.view_results", program)
    iteration = _iteration_from(request)
    if program.cycle_id != iteration.cycle_id:
        raise Http404
    run = selectors.released_run(iteration)
    context: dict[str, Any] = {
        "program": program,
        "iteration": iteration,
        "release_at": results_release_at(iteration),
        "released": run is not None,
    }
    if run is not None:
        assignments = selectors.program_assignments(run, program.pk)
        final = run.result.get("final_capacity") or {}
        rows = []
        for quota in Quota.objects.filter(program=program, iteration=iteration).select_related(
            "program", "reverts_to__program"
        ):
            matched = [a for a in assignments if a.quota_id == quota.pk]
            final_capacity = int(final.get(quota.code, quota.positions))
            rows.append(
                {
                    "quota": quota,
                    "matched": matched,
                    "final_capacity": final_capacity,
                    "unfilled": max(final_capacity - len(matched), 0),
                    "reverted_out": max(quota.positions - final_capacity, 0),
                    "reverted_in": max(final_capacity - quota.positions, 0),
                }
            )
        context["rows"] = rows
    return render(request, "matchruns/program_results.html", context)
