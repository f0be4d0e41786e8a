"""Move the demo calendar: ``manage.py demo_phase PHASE`` (e.g. ``match_day``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from cycles.models import MILESTONE_ORDER
from cycles.selectors import current_iteration, phase


class Command(BaseCommand):
    help = (
        "Shift the current iteration's calendar so that now falls in PHASE "
        f"(one of: {', '.join(MILESTONE_ORDER)})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("phase", choices=MILESTONE_ORDER)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from cycles.services import calendar_shift_to_phase  # type: ignore[import-not-found]
        except ImportError as exc:
            raise CommandError(
                "cycles.services.calendar_shift_to_phase is not available in this build."
            ) from exc
        iteration = current_iteration()
        if iteration is None:
            raise CommandError("There is no current iteration; run `manage.py load_demo` first.")
        try:
            calendar_shift_to_phase(actor=None, iteration=iteration, phase=options["phase"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        iteration = type(iteration).objects.get(pk=iteration.pk)
        self.stdout.write(f"{iteration}: now in phase {phase(iteration)}.")
