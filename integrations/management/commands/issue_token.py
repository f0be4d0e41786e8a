"""``manage.py issue_token ORGANISATION_ID``: print a new API token for a third party (once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from integrations.models import Organisation
from integrations.services import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a trusted third party and print it (it is shown only once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("organisation_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(pk=options["organisation_id"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with id {options['organisation_id']}.")
        _, raw = token_issue(actor=None, organisation=organisation)
        self.stdout.write(raw)
