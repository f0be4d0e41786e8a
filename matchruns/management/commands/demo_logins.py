"""Print the demo logins: ``manage.py demo_logins [--base-url URL]``.

Besides the table of logins it prints the two applicants whose file is complete and incomplete,
a working referee link and a third-party API token with a ready ``curl``. Links and tokens are
stored only as hashes, so a fresh one is issued each time (through the services); the previous
referee link of that request stops working, earlier API tokens stay valid.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from applicants.models import ApplicantProfile
from applicants.selectors import file_status
from integrations.models import OrganisationKind
from integrations.services import token_issue
from matchruns.demo import DEMO_PASSWORD, DEMO_SLUG, PERSONAS
from matchruns.demo_file import PERSONA_REFEREE_EMAIL, organisation_for_demo
from references.models import ReferenceRequest, ReferenceState
from references.services import issue_link, referee_closed_reason

#: The personas whose file is complete / incomplete (see ``matchruns.demo_file``).
COMPLETE_FILE = PERSONAS[0]
INCOMPLETE_FILE = PERSONAS[1]


class Command(BaseCommand):
    help = (
        "Print the table of demo logins (e-mail, password, role, what to try), the applicants "
        "with a complete and an incomplete file, a referee link and a third-party API token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the demo is served (used in the printed links).",
        )

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
        base = options["base_url"].rstrip("/")
        with translation.override("en"):
            self._files()
            self._referee(base)
            self._api(base)

    # --- The applicant's file ------------------------------------------------------------------

    def _files(self) -> None:
        self.stdout.write("\nThe applicant's file (My Information, My documents, My references)")
        for label, persona in (("complete", COMPLETE_FILE), ("incomplete", INCOMPLETE_FILE)):
            applicant = ApplicantProfile.objects.filter(user__email=persona.email).first()
            if applicant is None:
                continue
            status = file_status(applicant)
            todo = [s for s in status.sections if not s.complete]
            state = "complete" if status.complete else f"{len(todo)} sections to finish"
            self.stdout.write(
                f"  File {label:<10} {persona.email}  ({applicant.display_name}): "
                f"{status.percent} %, {state}"
            )
        placeholder = ReferenceRequest.objects.filter(
            is_placeholder=True, applicant__isnull=True, cycle__slug=DEMO_SLUG
        ).first()
        if placeholder is not None:
            owner = ApplicantProfile.objects.filter(
                matching_id=placeholder.intended_matching_id
            ).first()
            self.stdout.write(
                f"  Early letter {placeholder.reference_id} from {placeholder.referee_name}: "
                f"{owner.display_name if owner else '?'} claims it on My references "
                "(open until rank order list entry opens)."
            )

    # --- A referee link ------------------------------------------------------------------------

    def _referee(self, base: str) -> None:
        request = (
            ReferenceRequest.objects.filter(
                state=ReferenceState.SENT,
                referee_email=PERSONA_REFEREE_EMAIL,
                cycle__slug=DEMO_SLUG,
            )
            .select_related("applicant", "cycle")
            .first()
        )
        if request is None:
            return
        with transaction.atomic():
            token = issue_link(request)
        path = reverse("references:referee", kwargs={"token": token})
        self.stdout.write(
            f"\nReferee link ({request.referee_name}, asked by {request.applicant} for "
            f"{request.reference_id}; new each time, the previous link stops working):"
        )
        self.stdout.write(f"  {base}{path}")
        closed = referee_closed_reason(request)
        if closed:
            self.stdout.write(
                f"  In the current phase the page answers: {closed}\n"
                "  To submit the letter, move the calendar back with "
                "`manage.py demo_phase program_selection` (and forward again with "
                "`demo_phase ranking_opens`)."
            )

    # --- A third-party API token ---------------------------------------------------------------

    def _api(self, base: str) -> None:
        mcc = organisation_for_demo(OrganisationKind.MCC)
        applicant = ApplicantProfile.objects.filter(user__email=INCOMPLETE_FILE.email).first()
        if mcc is None or applicant is None:
            return
        _token, raw = token_issue(actor=None, organisation=mcc)
        valid_until = (timezone.localdate() + dt.timedelta(days=3 * 365)).isoformat()
        body = json.dumps({"matching_id": applicant.matching_id, "valid_until": valid_until})
        self.stdout.write(
            f"\nThird-party API token ({mcc.name}; issued now, shown once):\n  {raw}\n"
            f"  The MCC shares {applicant.display_name}'s identity validity period "
            "(their citizenship becomes verified):"
        )
        self.stdout.write(
            f"  curl -X POST {base}/en/api/documents/third-party/mcc/status \\\n"
            f'    -H "Authorization: Bearer {raw}" -H "Content-Type: application/json" \\\n'
            f"    -d '{body}'"
        )
        self.stdout.write(f"  Other endpoints: {base}/en/api/docs")
