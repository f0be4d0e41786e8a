"""Who may read the program's files, write scores and notes, and manage the review — and
who is refused, on every page and endpoint (403 for a refused user, 404 for an application
not submitted, the sign-in page or 401 for anonymous visitors)."""

from __future__ import annotations

import json

import pytest

from accounts.models import RoleAssignment
from review.models import Score

pytestmark = pytest.mark.django_db


def _pages(world):  # type: ignore[no-untyped-def]
    code, pk = world.program.code, world.cmg.pk
    return [
        f"/en/review/program/{code}/",
        f"/en/review/program/{code}/export.csv",
        f"/en/review/program/{code}/list.pdf",
        f"/en/review/application/{pk}/",
        f"/en/review/application/{pk}/application.pdf",
    ]


def _api(world):  # type: ignore[no-untyped-def]
    return [
        f"/en/api/review/programs/{world.program.code}/applications",
        f"/en/api/review/applications/{world.cmg.pk}/scores",
    ]


def test_the_program_side_reads_the_files(as_user, world):
    for user in (
        world.director,
        world.program_admin,
        world.reviewer,
        world.read_only,
        world.pgme,
        world.match_admin,
    ):
        client = as_user(user)
        for url in _pages(world) + _api(world):
            assert client.get(url).status_code == 200, (url, user)


def test_others_are_refused_everywhere(as_user, world):
    document = f"/en/review/application/{world.cmg.pk}/documents/1/"
    for user in world.refused_readers:
        client = as_user(user)
        for url in [*_pages(world), *_api(world), document]:
            assert client.get(url).status_code == 403, (url, user)
    anonymous = as_user(None)
    for url in _pages(world):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in _api(world):
        assert anonymous.get(url).status_code == 401


def test_a_reviewer_of_another_stream_is_refused_that_streams_files(as_user, world):
    client = as_user(world.img_reviewer)
    assert client.get(f"/en/review/application/{world.cmg.pk}/").status_code == 403
    assert client.get(f"/en/review/application/{world.cmg.pk}/application.pdf").status_code == 403
    assert client.get(f"/en/api/review/applications/{world.cmg.pk}/scores").status_code == 403
    assert client.get(f"/en/review/application/{world.img.pk}/").status_code == 200
    page = client.get(f"/en/review/program/{world.program.code}/").content.decode()
    assert world.img.applicant.matching_id in page
    assert world.cmg.applicant.matching_id not in page
    rows = client.get(f"/en/api/review/programs/{world.program.code}/applications").json()["rows"]
    assert [r["id"] for r in rows] == [world.img.pk]


def test_a_reviewer_whose_streams_the_program_lacks_is_refused_the_list(as_user, world):
    from core.choices import Stream

    RoleAssignment.objects.filter(user=world.img_reviewer).update(streams=[Stream.COMPETITIVE])
    client = as_user(world.img_reviewer)
    assert client.get(f"/en/review/program/{world.program.code}/").status_code == 403
    assert client.get(f"/en/review/application/{world.img.pk}/").status_code == 403


def test_an_application_not_submitted_is_not_found(as_user, world):
    world.cmg.status = "selected"
    world.cmg.save()
    assert as_user(world.director).get(f"/en/review/application/{world.cmg.pk}/").status_code == 404
    page = as_user(world.director).get(f"/en/review/program/{world.program.code}/")
    assert world.cmg.applicant.matching_id not in page.content.decode()


def _score(client, world, value=4):  # type: ignore[no-untyped-def]
    return client.post(
        f"/en/review/application/{world.cmg.pk}/scores/", {f"criterion-{world.c.pk}": value}
    )


@pytest.fixture
def scored(world, criteria):  # type: ignore[no-untyped-def]
    world.c = criteria[0]
    return world


def test_writing_is_refused_to_read_only_reviewers_pgme_admin_and_outsiders(as_user, scored):
    world = scored
    for user in (
        world.read_only,
        world.pgme,
        world.match_admin,
        world.other_director,
        world.other_reviewer,
        world.applicant.user,
        world.img_reviewer,  # the CMG file is not in their stream
    ):
        client = as_user(user)
        assert _score(client, world).status_code == 403, user
        assert (
            client.post(f"/en/review/application/{world.cmg.pk}/notes/", {"text": "x"}).status_code
            == 403
        )
        response = client.put(
            f"/en/api/review/applications/{world.cmg.pk}/scores/mine",
            json.dumps({"scores": [{"criterion_id": world.c.pk, "value": 3}]}),
            content_type="application/json",
        )
        assert response.status_code == 403, user
    assert not Score.objects.exists()


def test_a_removed_reviewer_loses_reading_and_writing_at_once(as_user, scored):
    world = scored
    client = as_user(world.reviewer)
    assert _score(client, world, 7).status_code == 302
    assert Score.objects.get().value == 7
    RoleAssignment.objects.filter(user=world.reviewer).delete()
    assert _score(client, world, 2).status_code == 403
    assert Score.objects.get().value == 7
    for url in _pages(world) + _api(world):
        assert client.get(url).status_code == 403, url
    response = client.put(
        f"/en/api/review/applications/{world.cmg.pk}/scores/mine",
        json.dumps({"scores": [{"criterion_id": world.c.pk, "value": 1}]}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_managing_the_review_is_for_the_director_and_administrators(as_user, scored):
    world = scored
    code = world.program.code
    posts = [
        (
            f"/en/review/program/{code}/criteria/",
            {"new-name_en": "A", "new-name_fr": "A", "new-scale_max": 5, "new-weight": 1},
        ),
        (f"/en/review/program/{code}/masking/", {"photo": "always"}),
        (
            f"/en/review/program/{code}/assign/",
            {"application": world.cmg.pk, "reviewer": world.reviewer.pk, "action": "add"},
        ),
        (
            f"/en/review/application/{world.cmg.pk}/assign/",
            {"reviewer": world.reviewer.pk, "action": "add"},
        ),
        (f"/en/review/program/{code}/criteria/{world.c.pk}/delete/", {}),
        (
            f"/en/review/program/{code}/criteria/{world.c.pk}/",
            {
                f"c{world.c.pk}-name_en": "B",
                f"c{world.c.pk}-name_fr": "B",
                f"c{world.c.pk}-scale_max": 3,
                f"c{world.c.pk}-weight": 1,
            },
        ),
    ]
    for user in (
        world.reviewer,
        world.read_only,
        world.pgme,
        world.match_admin,
        world.other_director,
        world.applicant.user,
    ):
        client = as_user(user)
        assert client.get(f"/en/review/program/{code}/settings/").status_code == 403, user
        for url, data in posts:
            assert client.post(url, data).status_code == 403, (url, user)
    from review.models import Criterion, MaskingRule, ReviewAssignment

    assert Criterion.objects.count() == 2 and not MaskingRule.objects.exists()
    assert Criterion.objects.get(pk=world.c.pk).name_en == "Clinical"
    assert not ReviewAssignment.objects.exists()
    for user in (world.director, world.program_admin):
        assert as_user(user).get(f"/en/review/program/{code}/settings/").status_code == 200
    assert as_user(None).get(f"/en/review/program/{code}/settings/").status_code == 302


def test_a_program_of_another_cycle_or_unknown_code_is_not_found(as_user, world):
    assert as_user(world.director).get("/en/review/program/NOPE/").status_code == 404
    assert as_user(world.director).get("/en/review/application/999999/").status_code == 404


def test_the_old_program_pages_lead_to_file_review(as_user, world):
    client = as_user(world.director)
    response = client.get(f"/en/applications/program/{world.program.code}/?stream=IMG")
    assert response.status_code == 302
    assert response["Location"] == f"/en/review/program/{world.program.code}/?stream=IMG"
    response = client.get(f"/en/applications/read/{world.cmg.pk}/", follow=True)
    assert response.status_code == 200 and "review/reader.html" in [
        t.name for t in response.templates
    ]
    response = as_user(world.other_director).get(
        f"/en/applications/read/{world.cmg.pk}/application.pdf", follow=True
    )
    assert response.status_code == 403


def test_the_workspace_links_to_the_review_list(as_user, world):
    page = as_user(world.reviewer).get("/en/programs/workspace/").content.decode()
    assert f"/en/review/program/{world.program.code}/" in page and "File review" in page
