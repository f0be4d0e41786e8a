"""The program directory, program pages, the staff workspace and program editing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import Role
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from programs.models import Program
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_directory_filters_by_province_and_text(client, cycle, iteration):
    on = factories.make_program(cycle=cycle, iteration=iteration)
    qc = factories.make_program(
        cycle=cycle, iteration=iteration, school=factories.make_school(province="QC")
    )
    page = client.get("/en/programs/?province=QC").content.decode()
    assert qc.name_en in page and on.name_en not in page
    page = client.get(f"/en/programs/?q={on.code}").content.decode()
    assert on.name_en in page and qc.name_en not in page


def test_program_names_and_descriptions_follow_the_language(client, cycle, program):
    english = client.get(f"/en/programs/{program.code}/").content.decode()
    french = client.get(f"/fr/programs/{program.code}/").content.decode()
    assert program.description_en in english and program.description_fr not in english
    assert program.description_fr in french and program.name_fr in french


def test_the_directory_makes_a_fixed_number_of_queries(
    client, cycle, iteration, django_assert_max_num_queries
):
    for _ in range(20):
        factories.make_program(cycle=cycle, iteration=iteration)
    with django_assert_max_num_queries(10):
        assert client.get("/en/programs/").status_code == 200
    for _ in range(130):
        factories.make_program(cycle=cycle, iteration=iteration)
    with django_assert_max_num_queries(10):
        assert client.get("/en/programs/?page=3").status_code == 200


def test_open_to_me_shows_only_what_the_applicant_may_apply_to(as_user, cycle, iteration):
    img_only = factories.make_program(cycle=cycle, iteration=iteration, streams={"IMG": 1})
    cmg_only = factories.make_program(cycle=cycle, iteration=iteration, streams={"CMG": 1})
    applicant = factories.make_applicant(cycle=cycle, img=True)
    page = as_user(applicant.user).get("/en/programs/?open_to_me=on").content.decode()
    assert img_only.name_en in page and cmg_only.name_en not in page


def test_a_director_edits_descriptions_and_quotas(as_user, cycle, program, director):
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    response = as_user(director).post(
        f"/en/programs/{program.code}/edit/",
        {
            "description_en": "New text",
            "description_fr": "Nouveau texte",
            "sites": "Toronto General",
            "language": "bi",
            f"q{cmg.pk}-positions": "5",
            f"q{cmg.pk}-reverts_to": "",
            f"q{img.pk}-positions": "2",
            f"q{img.pk}-reverts_to": str(cmg.pk),
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    img.refresh_from_db()
    assert program.description_fr == "Nouveau texte" and program.language == "bi"
    assert img.positions == 2 and img.reverts_to == cmg


def test_a_reversion_loop_is_refused_and_nothing_is_saved(as_user, cycle, program, director):
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    response = as_user(director).post(
        f"/en/programs/{program.code}/edit/",
        {
            "description_en": "Changed",
            "description_fr": "Changé",
            "sites": "",
            "language": "en",
            f"q{cmg.pk}-positions": "2",
            f"q{cmg.pk}-reverts_to": str(img.pk),
            f"q{img.pk}-positions": "1",
            f"q{img.pk}-reverts_to": str(cmg.pk),
        },
    )
    assert "loop" in response.content.decode()
    program.refresh_from_db()
    cmg.refresh_from_db()
    assert program.description_en != "Changed" and cmg.reverts_to is None


def test_a_missing_french_description_is_refused(as_user, cycle, program, director):
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    response = as_user(director).post(
        f"/en/programs/{program.code}/edit/",
        {
            "description_en": "Only English",
            "description_fr": "",
            "sites": "",
            "language": "en",
            f"q{cmg.pk}-positions": "2",
            f"q{img.pk}-positions": "1",
        },
    )
    assert response.status_code == 200
    assert Program.objects.get(pk=program.pk).description_en != "Only English"


def test_quotas_cannot_change_after_the_program_rol_deadline(as_user, cycle, iteration, program):
    director = factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program)
    cmg, img = program.quotas.get(stream="CMG"), program.quotas.get(stream="IMG")
    deadline = milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)
    with time_machine.travel(deadline + dt.timedelta(seconds=1)):
        response = as_user(director).post(
            f"/en/programs/{program.code}/edit/",
            {
                "description_en": "x",
                "description_fr": "y",
                "sites": "",
                "language": "en",
                f"q{cmg.pk}-positions": "9",
                f"q{img.pk}-positions": "1",
            },
        )
        assert "closed" in response.content.decode()
    cmg.refresh_from_db()
    assert cmg.positions == 2


@pytest.mark.parametrize("persona", ["reviewer", "other_director", "applicant"])
def test_only_editors_may_edit(as_user, program, persona, request):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    assert as_user(user).get(f"/en/programs/{program.code}/edit/").status_code == 403


def test_the_pgme_office_edits_its_schools_programs_only(as_user, program, other_program):
    office = factories.make_staff(role=Role.PGME_OFFICE, school=program.school)
    assert as_user(office).get(f"/en/programs/{program.code}/edit/").status_code == 200
    assert as_user(office).get(f"/en/programs/{other_program.code}/edit/").status_code == 403


def test_the_workspace_lists_only_my_programs(as_user, program, other_program, reviewer):
    page = as_user(reviewer).get("/en/programs/workspace/").content.decode()
    assert program.name_en in page and other_program.name_en not in page
    assert "Rank applicants" not in page  # reviewers do not rank


def test_applicants_have_no_workspace(as_user, applicant):
    assert as_user(applicant.user).get("/en/programs/workspace/").status_code == 403


def test_the_api_lists_and_details_programs(client, cycle, program):
    listing = client.get("/en/api/programs/").json()
    assert listing["count"] == 1 and listing["results"][0]["code"] == program.code
    detail = client.get(f"/en/api/programs/{program.code}").json()
    assert detail["description_fr"] == program.description_fr
    assert client.get("/en/api/programs/NOPE").status_code == 404
