"""The demo's program workspace: FM-UOFT's published description and draft, IM-UOFT waiting
for pgme@demo.jumelage.ca, FM-UOFT's reviewers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from programs.models import (
    DescriptionState,
    InvitationState,
    ProgramDescription,
    PublishedDescription,
    ReviewerInvitation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {**settings.STORAGES["private"]["OPTIONS"], "location": str(tmp_path)},
        },
    }
    call_command("load_demo", "--scale", "0.05", "--seed", "7", stdout=StringIO())


def test_the_demo_shows_each_state_of_descriptions_and_reviewers(demo, client):
    fm = PublishedDescription.objects.get(program__code="FM-UOFT")
    assert fm.version == 1 and not fm.imported and fm.approved_by.email == "pgme@demo.jumelage.ca"
    draft = ProgramDescription.objects.get(program__code="FM-UOFT")
    assert draft.state == DescriptionState.DRAFT and "New this year" in draft.interviews_en
    waiting = ProgramDescription.objects.get(program__code="IM-UOFT")
    assert waiting.state == DescriptionState.SUBMITTED
    assert PublishedDescription.objects.filter(imported=True).count() > 10
    states = {i.email: i.state for i in ReviewerInvitation.objects.filter(program__code="FM-UOFT")}
    assert states == {
        "reviewer@demo.jumelage.ca": InvitationState.ACTIVE,
        "resident.reviewer@demo.jumelage.ca": InvitationState.PENDING,
    }
    client.force_login(User.objects.get(email="pgme@demo.jumelage.ca"))
    page = client.get("/en/programs/approvals/").content.decode()
    assert "1 description is waiting for your approval." in page and "IM-UOFT" in page
    public = client.get("/en/programs/FM-UOFT/").content.decode()
    assert "Version 1, published on" in public and "New this year" not in public
