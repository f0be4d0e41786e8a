import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

import matchengine
from accounts.models import User
from applicants.models import Couple
from cycles.selectors import current_iteration, phase
from matchruns.demo import DEMO_PASSWORD, PERSONAS
from matchruns.models import MatchRun
from programs.models import Program, Quota
from ranking.models import RankListVersion


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("load_demo", "--scale", "0.05", "--seed", "7", stdout=out)
    return out.getvalue()


def test_a_small_demo_is_in_the_rank_period_with_submitted_lists(demo):
    iteration = current_iteration()
    assert iteration is not None and iteration.cycle.name == "R-1 2027"
    assert phase(iteration) == "ranking_opens"
    assert Program.objects.values("school").distinct().count() == 17
    assert Quota.objects.filter(reverts_to__isnull=False).exists()
    assert Couple.objects.exists()
    assert RankListVersion.objects.filter(rank_list__quota__isnull=False).exists()
    assert RankListVersion.objects.filter(rank_list__couple__isnull=False).exists()
    assert DEMO_PASSWORD in demo


def test_the_demo_programs_are_bilingual_with_real_provinces(demo):
    program = Program.objects.select_related("school").get(code="FM-ULAV")
    assert program.school.province == "QC" and program.school.city == "Québec"
    assert program.language == "fr"
    assert program.description_en.startswith("The Family Medicine program")
    assert program.description_fr.startswith("Le programme de médecine familiale")
    assert Program.objects.get(code="FM-UBC").school.province == "BC"
    assert Program.objects.get(code="FM-MUN").school.city == "St. John's"


def test_the_demo_match_verifies_stable(demo):
    out = StringIO()
    call_command("run_match", stdout=out)
    run = MatchRun.objects.get()
    instance = json.loads(run.snapshot)
    assert matchengine.verify(instance, run.result) == []
    assert run.status == "stable"
    assert run.snapshot_sha256 == matchengine.canonical_sha256(instance)
    assert instance["couples"]


def test_every_persona_can_sign_in_with_the_printed_password(demo, client):
    for persona in PERSONAS:
        assert client.login(email=persona.email, password=DEMO_PASSWORD), persona.email
    assert User.objects.get(email=PERSONAS[-1].email).is_staff


def test_load_demo_if_empty_does_nothing_the_second_time(demo):
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())


def test_demo_logins_prints_the_table(demo):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    for persona in PERSONAS:
        assert persona.email in out.getvalue()


def test_demo_phase_moves_the_calendar_or_says_what_is_missing(demo):
    try:
        from cycles.services import calendar_shift_to_phase  # noqa: F401
    except ImportError:
        with pytest.raises(CommandError, match="calendar_shift_to_phase"):
            call_command("demo_phase", "match_day", stdout=StringIO())
        return
    call_command("demo_phase", "match_day", stdout=StringIO())
    assert phase(current_iteration()) == "match_day"
