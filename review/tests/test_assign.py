"""Giving files to reviewers: one by one from the reader, in bulk from the list; only files a
reviewer may read; all or nothing; "assigned to me"."""

from __future__ import annotations

import pytest

from review.models import ReviewAssignment
from review.tests.bulk import populate

pytestmark = pytest.mark.django_db


def test_the_director_gives_the_selected_files_then_takes_them_back(as_user, world):
    ids = populate(program=world.program, n=12, reviewers=[])
    client = as_user(world.director)
    url = f"/en/review/program/{world.program.code}/assign/"
    page = client.post(
        url,
        {"application": ids[:5], "reviewer": world.reviewer.pk, "action": "add", "query": "q=x"},
    )
    assert page.status_code == 302 and page["Location"].endswith("?q=x")
    assert set(
        ReviewAssignment.objects.filter(reviewer=world.reviewer).values_list(
            "application_id", flat=True
        )
    ) == set(ids[:5])
    mine = as_user(world.reviewer).get(
        f"/en/api/review/programs/{world.program.code}/applications?assigned=me"
    )
    assert {r["id"] for r in mine.json()["rows"]} == set(ids[:5])
    assert all(
        r["assigned"][0]["id"] == world.reviewer.pk for r in mine.json()["rows"]
    )  # and its name
    again = client.post(
        url, {"application": ids[:6], "reviewer": world.reviewer.pk, "action": "add"}, follow=True
    )
    assert "1 file given" in again.content.decode()
    client.post(url, {"application": ids[:2], "reviewer": world.reviewer.pk, "action": "remove"})
    assert ReviewAssignment.objects.filter(reviewer=world.reviewer).count() == 4


def test_a_file_of_another_stream_is_refused_and_nothing_is_assigned(as_user, world):
    client = as_user(world.director)
    page = client.post(
        f"/en/review/program/{world.program.code}/assign/",
        {
            "application": [world.img.pk, world.cmg.pk],
            "reviewer": world.img_reviewer.pk,
            "action": "add",
        },
        follow=True,
    ).content.decode()
    assert world.cmg.applicant.matching_id in page and "Nothing was changed" in page
    assert not ReviewAssignment.objects.exists()
    client.post(
        f"/en/review/program/{world.program.code}/assign/",
        {"application": [world.img.pk], "reviewer": world.img_reviewer.pk, "action": "add"},
    )
    assert ReviewAssignment.objects.get().application == world.img


def test_only_the_programs_team_and_its_files(as_user, world):
    client = as_user(world.program_admin)
    url = f"/en/review/program/{world.program.code}/assign/"
    for reviewer in (world.other_reviewer, world.pgme, world.applicant.user):
        page = client.post(
            url,
            {"application": [world.cmg.pk], "reviewer": reviewer.pk, "action": "add"},
            follow=True,
        )
        assert "Choose a reviewer of this program" in page.content.decode()
    from tests import factories

    foreign = factories.make_applicant(cycle=world.cycle)
    from review.tests.conftest import submit

    other_file = submit(foreign, world.other_program)
    page = client.post(
        url,
        {"application": [other_file.pk], "reviewer": world.reviewer.pk, "action": "add"},
        follow=True,
    )
    assert "not to this program" in page.content.decode()
    assert not ReviewAssignment.objects.exists()


def test_one_file_from_the_reader_and_a_removed_reviewer_is_shown_as_such(as_user, world):
    from accounts.models import RoleAssignment

    client = as_user(world.director)
    reader = f"/en/review/application/{world.cmg.pk}/"
    page = client.get(reader).content.decode()
    assert (
        "Give this file to" in page
        and world.img_reviewer.email not in page.split("Give this file to")[1].split("</select>")[0]
    )  # not offered: another stream
    client.post(reader + "assign/", {"reviewer": world.reviewer.pk, "action": "add"})
    assert ReviewAssignment.objects.get().reviewer == world.reviewer
    RoleAssignment.objects.filter(user=world.reviewer).delete()
    page = client.get(reader).content.decode()
    assert "no longer a reviewer of this program" in page
    client.post(reader + "assign/", {"reviewer": world.reviewer.pk, "action": "remove"})
    assert not ReviewAssignment.objects.exists()
    assert as_user(world.reviewer).get(reader).status_code == 403
