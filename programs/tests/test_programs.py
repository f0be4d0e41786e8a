"""The program directory, program pages, the staff workspace and program editing."""

from __future__ import annotations

import pytest

from accounts.models import Role
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


@pytest.mark.parametrize("persona", ["reviewer", "other_director", "applicant"])
def test_only_editors_may_edit(as_user, program, persona, request):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    assert as_user(user).get(f"/en/programs/{program.code}/edit/").status_code == 403


def test_the_pgme_office_sets_its_schools_quotas_only_and_never_writes_descriptions(
    as_user, program, other_program
):
    office = factories.make_staff(role=Role.PGME_OFFICE, school=program.school)
    assert as_user(office).get(f"/en/programs/{program.code}/quotas/").status_code == 200
    assert as_user(office).get(f"/en/programs/{other_program.code}/quotas/").status_code == 403
    assert as_user(office).get(f"/en/programs/{program.code}/edit/").status_code == 403


def test_the_workspace_lists_only_my_programs(as_user, program, other_program, reviewer):
    page = as_user(reviewer).get("/en/programs/workspace/").content.decode()
    assert program.name_en in page and other_program.name_en not in page
    assert "Rank applicants" not in page  # reviewers do not rank
    assert f"/programs/{program.code}/reviewers/" not in page
    assert f"/programs/{program.code}/edit/" not in page


def test_the_workspace_links_a_director_to_the_description_quotas_and_reviewers(
    as_user, program, director
):
    page = as_user(director).get("/en/programs/workspace/").content.decode()
    for path in ("edit", "quotas", "reviewers"):
        assert f"/en/programs/{program.code}/{path}/" in page
    assert "/en/programs/approvals/" not in page


def test_the_workspace_links_the_pgme_office_to_its_approvals(as_user, program):
    office = factories.make_staff(role=Role.PGME_OFFICE, school=program.school)
    page = as_user(office).get("/en/programs/workspace/").content.decode()
    assert "/en/programs/approvals/" in page and f"/programs/{program.code}/quotas/" in page
    assert f"/programs/{program.code}/edit/" not in page


def test_applicants_have_no_workspace(as_user, applicant):
    assert as_user(applicant.user).get("/en/programs/workspace/").status_code == 403


def test_the_api_lists_and_details_programs(client, cycle, program):
    listing = client.get("/en/api/programs/").json()
    assert listing["count"] == 1 and listing["results"][0]["code"] == program.code
    detail = client.get(f"/en/api/programs/{program.code}").json()
    assert detail["description_fr"] == program.description_fr
    assert client.get("/en/api/programs/NOPE").status_code == 404
