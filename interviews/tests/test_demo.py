"""The demo's interviews: FM-UOFT's statuses, past slots and bookings, its rank order lists
made of interviewed applicants, and the applicant persona's statuses with messages."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from interviews.models import InterviewBooking, InterviewOffer, InterviewRelease, InterviewSlot
from interviews.selectors import interviewed_applications
from programs.models import Program
from ranking.models import RankEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {**settings.STORAGES["private"]["OPTIONS"], "location": str(tmp_path)},
        },
    }


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    call_command("load_demo", "--scale", "0.05", "--seed", "7", stdout=StringIO())
    return Program.objects.get(code="FM-UOFT")


def test_fm_uoft_decided_and_interviewed_before_the_rank_period(demo, client):
    statuses = set(
        InterviewOffer.objects.filter(application__program=demo).values_list("status", flat=True)
    )
    assert {"selected", "not_selected", "waitlisted"} <= statuses
    release = InterviewRelease.objects.get(program=demo)
    slots = InterviewSlot.objects.filter(program=demo)
    assert all(release.release_at < s.starts_at for s in slots)
    selected = InterviewOffer.objects.filter(application__program=demo, status="selected")
    assert InterviewBooking.objects.filter(program=demo).count() == selected.count()
    assert {b.offer_id for b in InterviewBooking.objects.filter(program=demo)} == {
        o.pk for o in selected
    }
    for quota in demo.quotas.all():
        ranked = set(
            RankEntry.objects.filter(rank_list__quota=quota).values_list("applicant_id", flat=True)
        )
        assert ranked <= {a.applicant_id for a in interviewed_applications(quota)}
    # (one demo load for all the checks: it takes a few seconds)
    _the_applicant_persona_sees_statuses_with_messages(client)
    _the_director_sees_the_interview_page(client)


def _the_applicant_persona_sees_statuses_with_messages(client):  # type: ignore[no-untyped-def]
    from matchruns.demo import DEMO_PASSWORD

    assert client.login(email="applicant@demo.jumelage.ca", password=DEMO_PASSWORD)
    body = client.get("/en/applications/").content.decode()
    assert "Interview statuses" in body
    assert "Selected for an interview" in body and "Waitlisted" in body
    assert "We enjoyed reading your file" in body
    mine = client.get("/en/interviews/mine/").content.decode()
    assert "Your interview took place" in mine


def _the_director_sees_the_interview_page(client):  # type: ignore[no-untyped-def]
    from matchruns.demo import DEMO_PASSWORD

    assert client.login(email="director@demo.jumelage.ca", password=DEMO_PASSWORD)
    response = client.get("/en/interviews/program/FM-UOFT/")
    assert response.status_code == 200
    assert "Released on" in response.content.decode()
