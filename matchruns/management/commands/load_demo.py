"""Load the demo cycle: ``manage.py load_demo [--if-empty] [--seed N] [--scale F]``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matchruns.demo import DEMO_PASSWORD, demo_exists, load_demo


class Command(BaseCommand):
    help = (
        "Create the bilingual demo cycle R-1 2027 (17 faculties, 150+ programs, 1,500+ "
        "applicants, submitted rank order lists; files, documents, references and third "
        "parties for every fourth applicant) in the rank period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo is already loaded."
        )
        parser.add_argument("--seed", type=int, default=2027)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full size (e.g. 0.05)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            if options["if_empty"]:
                self.stdout.write("The demo cycle is already loaded; nothing to do.")
                return
            raise CommandError("The demo cycle is already loaded (use a fresh database).")
        if not 0 < options["scale"] <= 2:
            raise CommandError("--scale must be between 0 (excluded) and 2.")
        started = time.monotonic()
        summary = load_demo(seed=options["seed"], scale=options["scale"])
        seconds = time.monotonic() - started
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.counts.items())
        self.stdout.write(f"Loaded {summary.cycle} in {seconds:.1f} s: {counts}.")
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        self.stdout.write("Run `manage.py demo_logins` for the table of logins.")
