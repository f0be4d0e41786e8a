"""Run the match synchronously: ``manage.py run_match [--iteration ID] [--dry-run]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from cycles.models import Iteration
from cycles.selectors import current_iteration
from matchruns.services import match_run


class Command(BaseCommand):
    help = (
        "Freeze the submitted rank order lists, run and verify the match, store the run. "
        "Before the rank order list deadlines this is a dry run; after them, the official run "
        "(unless --dry-run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--iteration", type=int, help="Iteration id (default: current).")
        parser.add_argument("--dry-run", action="store_true", help="Force a dry run.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["iteration"]:
            iteration = Iteration.objects.filter(pk=options["iteration"]).first()
            if iteration is None:
                raise CommandError(f"No iteration with id {options['iteration']}.")
        else:
            iteration = current_iteration()
            if iteration is None:
                raise CommandError("There is no current iteration; pass --iteration ID.")
        try:
            run = match_run(
                actor=None, iteration=iteration, dry_run=True if options["dry_run"] else None
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        matched = run.assignments.filter(quota__isnull=False).count()
        unmatched = run.assignments.filter(quota__isnull=True).count()
        self.stdout.write(f"Run #{run.pk} ({run.kind}) of {iteration}")
        self.stdout.write(f"SHA-256:   {run.snapshot_sha256}")
        self.stdout.write(f"Status:    {run.status}")
        self.stdout.write(f"Problems:  {len(run.problems)}")
        self.stdout.write(f"Matched:   {matched}")
        self.stdout.write(f"Unmatched: {unmatched}")
        self.stdout.write(f"Time:      {run.duration_ms} ms ({run.engine})")
