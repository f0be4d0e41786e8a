"""Background jobs (huey): web-triggered match runs, results e-mails at release."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from core.errors import DomainError


@db_task()
def match_run_task(*, actor_id: int | None, iteration_id: int, dry_run: bool | None) -> int | None:
    """Run the match in the background; a refusal is kept in the audit trail (shown on the
    administrator's page), never raised into the queue."""
    from accounts.models import User
    from cycles.models import Iteration
    from matchruns.services import match_run

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    iteration = Iteration.objects.get(pk=iteration_id)
    try:
        return match_run(actor=actor, iteration=iteration, dry_run=dry_run).pk
    except DomainError:
        return None


@db_periodic_task(crontab(minute="*"))
def results_email_task() -> int:
    """Every minute: once the current iteration's results are released, e-mail them (once)."""
    from cycles.selectors import current_iteration
    from matchruns.services import results_email_send

    iteration = current_iteration()
    if iteration is None:
        return 0
    return results_email_send(iteration=iteration)
