"""Writes of the matchruns domain: running the match, e-mailing released results."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import matchengine
from applicants.models import ApplicantProfile
from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import Iteration, MilestoneKind
from cycles.selectors import has_passed, results_released
from matchruns.models import MatchAssignment, MatchRun, RunKind
from matchruns.snapshot import build_instance, canonical_json
from programs.models import Quota

log = logging.getLogger(__name__)


def _engine_version(result: dict[str, Any]) -> str:
    engine = result.get("engine")
    if isinstance(engine, str) and engine:
        return engine[:50]
    return f"matchengine {getattr(matchengine, '__version__', '?')}"[:50]


def _decide_kind(iteration: Iteration, dry_run: bool | None) -> str:
    """Dry before the applicant deadline; official only after both rank list deadlines."""
    after_deadlines = has_passed(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE) and has_passed(
        iteration, MilestoneKind.APPLICANT_ROL_DEADLINE
    )
    if dry_run is None:
        return RunKind.OFFICIAL if after_deadlines else RunKind.DRY
    if dry_run:
        return RunKind.DRY
    what = _("The official match run")
    require_window(iteration, opens=MilestoneKind.PROGRAM_ROL_DEADLINE, closes=None, what=what)
    require_window(iteration, opens=MilestoneKind.APPLICANT_ROL_DEADLINE, closes=None, what=what)
    return RunKind.OFFICIAL


@transaction.atomic
def _match_run(*, actor: Any, iteration: Iteration, kind: str) -> MatchRun:
    # Lock the iteration so two official runs cannot race past the check below.
    Iteration.objects.select_for_update().get(pk=iteration.pk)
    if (
        kind == RunKind.OFFICIAL
        and MatchRun.objects.filter(iteration=iteration, kind=RunKind.OFFICIAL).exists()
    ):
        raise DomainError(
            _(
                "The official match has already been run for this iteration; it cannot be run "
                "again. Use a dry run to try the data."
            ),
            code="official_exists",
        )
    instance = build_instance(iteration)
    snapshot = canonical_json(instance)
    frozen = json.loads(snapshot)  # what the engine reads is exactly what is stored
    started = time.monotonic()
    try:
        result = matchengine.solve(
            frozen, proposing="applicant", time_limit=float(settings.MATCH_TIME_LIMIT)
        )
    except matchengine.InstanceError as exc:
        raise DomainError(
            _("The match data were refused by the engine: %(error)s. Nothing was stored.")
            % {"error": exc},
            code="bad_instance",
        ) from exc
    duration_ms = int((time.monotonic() - started) * 1000)
    problems = list(matchengine.verify(json.loads(snapshot), result))
    sha256 = matchengine.canonical_sha256(json.loads(snapshot))
    if result.get("instance_sha256") not in (None, sha256):
        problems.append(
            f"result names instance {result.get('instance_sha256')}, the snapshot is {sha256}"
        )
    if kind == RunKind.OFFICIAL and not problems and result.get("status") != "stable":
        problems.append(f"status is {result.get('status')!r}, not 'stable'")
    if kind == RunKind.OFFICIAL and problems:
        raise DomainError(
            _(
                "The official run was not stored: the independent verification found "
                "%(count)d problem(s), the first being: %(problem)s"
            )
            % {"count": len(problems), "problem": problems[0]},
            code="not_verified",
        )
    run = MatchRun.objects.create(
        iteration=iteration,
        kind=kind,
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        snapshot=snapshot,
        snapshot_sha256=sha256,
        result=result,
        status=str(result.get("status", "")),
        problems=problems,
        duration_ms=duration_ms,
        engine=_engine_version(result),
    )
    profiles = dict(
        ApplicantProfile.objects.filter(
            matching_id__in=[a["id"] for a in frozen["applicants"]]
        ).values_list("matching_id", "pk")
    )
    quotas = {
        q.code: q.pk for q in Quota.objects.filter(iteration=iteration).select_related("program")
    }
    assignments = result.get("assignments", {})
    MatchAssignment.objects.bulk_create(
        [
            MatchAssignment(
                run=run,
                applicant_id=profiles[a["id"]],
                quota_id=quotas.get(assignments.get(a["id"]) or ""),
            )
            for a in frozen["applicants"]
        ],
        batch_size=1000,
    )
    audit(
        actor=actor,
        action="matchruns.run.created",
        target=run,
        data={"kind": kind, "sha256": sha256, "status": run.status, "problems": len(problems)},
    )
    return run


def match_run(*, actor: Any, iteration: Iteration, dry_run: bool | None = None) -> MatchRun:
    """Freeze the submitted lists and quotas, run the engine, verify, store — all or nothing.

    ``dry_run=None`` chooses: a dry run before the rank list deadlines, the official run after.
    An official run is stored only when the independent verification finds no problem.
    Raises ``DomainError`` (nothing stored, an audit entry of the failure kept).
    """
    kind = _decide_kind(iteration, dry_run)
    try:
        try:
            return _match_run(actor=actor, iteration=iteration, kind=kind)
        except IntegrityError as exc:
            raise DomainError(
                _("The official match has already been run for this iteration."),
                code="official_exists",
            ) from exc
        except DomainError:
            raise
        except Exception as exc:
            log.exception("Match run failed")
            raise DomainError(
                _("The matching engine failed (%(error)s). Nothing was stored; try again.")
                % {"error": type(exc).__name__},
                code="engine_failed",
            ) from exc
    except DomainError as exc:
        audit(
            actor=actor,
            action="matchruns.run.failed",
            target=iteration,
            data={"kind": kind, "code": exc.code, "message": str(exc.message)},
        )
        raise


def results_email_send(*, iteration: Iteration, now: Any = None) -> int:
    """E-mail every applicant of the official run their result, once, in their language.

    Does nothing before release (noon Toronto on match day) or when already sent.
    Returns the number of e-mails queued (docs/notifications.md).
    """
    from matchruns.selectors import official_run

    if not results_released(iteration, now):
        return 0
    run = official_run(iteration)
    if run is None:
        return 0
    from notifications.services import notify

    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.results_emailed_at is not None:
            return 0
        run.results_emailed_at = timezone.now()
        run.save(update_fields=["results_emailed_at"])
        audit(actor=None, action="matchruns.results.emailed", target=run)
        assignments = (
            MatchAssignment.objects.filter(run=run)
            .select_related(
                "applicant__user", "quota__program__school", "quota__program__discipline"
            )
            .order_by("pk")
        )
        queued = 0
        for assignment in assignments:
            user = assignment.applicant.user
            # Queued in the outbox with the run's marker: sent once the transaction commits.
            notify(
                kind="matchruns.result",
                to_user=user,
                language=user.language or settings.LANGUAGE_CODE,
                dedupe_key=f"matchruns.result:{run.pk}:{assignment.applicant_id}",
                subject_template="matchruns/email/result_subject.txt",
                body_template="matchruns/email/result_body.txt",
                context={"assignment": assignment, "applicant": assignment.applicant, "run": run},
            )
            queued += 1
    return queued
