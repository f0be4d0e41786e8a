"""E-mail released results once: ``manage.py release_results [--iteration ID]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cycles.models import Iteration
from cycles.selectors import current_iteration, results_release_at, results_released
from matchruns.services import results_email_send


class Command(BaseCommand):
    help = (
        "E-mail each applicant of the official run their result, in their language. Does "
        "nothing before noon (Toronto) on match day, nor a second time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--iteration", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        iteration = (
            Iteration.objects.filter(pk=options["iteration"]).first()
            if options["iteration"]
            else current_iteration()
        )
        if iteration is None:
            raise CommandError("No such iteration.")
        if not results_released(iteration):
            self.stdout.write(
                f"Results are not released yet (release: {results_release_at(iteration)}); "
                "nothing sent."
            )
            return
        sent = results_email_send(iteration=iteration)
        self.stdout.write(f"{sent} e-mail(s) queued in the outbox.")
