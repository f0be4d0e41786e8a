"""Where users find references: the applicant's dashboard, the programs workspace, the
administration home."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_each_role_finds_its_references_page(as_user, applicant, director, program, match_admin):
    page = as_user(applicant.user).get(reverse("applicants:dashboard")).content.decode()
    assert reverse("references:mine") in page
    page = as_user(director).get(reverse("programs:workspace")).content.decode()
    assert reverse("references:program", args=[program.code]) in page
    page = as_user(match_admin).get(reverse("matchruns:admin_home")).content.decode()
    assert reverse("references:early_letters") in page
