"""Print the demo logins: ``manage.py demo_logins``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from matchruns.demo import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Print the table of demo logins (e-mail, password, role, what to try)."

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(
            User.objects.filter(email__in=[p.email for p in PERSONAS]).values_list(
                "email", flat=True
            )
        )
        if not present:
            self.stdout.write("No demo users: run `manage.py load_demo` first.")
            return
        width = max(len(p.email) for p in PERSONAS)
        role_width = max(len(p.role) for p in PERSONAS)
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}\n")
        self.stdout.write(f"{'E-mail':<{width}}  {'Role':<{role_width}}  What to try")
        self.stdout.write(f"{'-' * width}  {'-' * role_width}  {'-' * 11}")
        for p in PERSONAS:
            if p.email in present:
                self.stdout.write(f"{p.email:<{width}}  {p.role:<{role_width}}  {p.try_this}")
