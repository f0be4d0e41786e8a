"""Reordering a program's list: buttons that work without JavaScript, in-place updates that
announce the new position, and the people who may not do it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from ranking import services
from ranking.models import RankEntry
from ranking.tests.conftest import interviewed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(cycle, quota, director):  # type: ignore[no-untyped-def]
    people = [factories.make_applicant(cycle=cycle) for _ in range(3)]
    for person in people:
        interviewed(person, quota)
        services.program_rank_list_add(actor=director, quota=quota, applicant=person)
    return people


def order(quota):  # type: ignore[no-untyped-def]
    return list(
        RankEntry.objects.filter(rank_list__quota=quota)
        .order_by("position")
        .values_list("applicant_id", flat=True)
    )


def entry_of(quota, person):  # type: ignore[no-untyped-def]
    return RankEntry.objects.get(rank_list__quota=quota, applicant=person).pk


def test_without_javascript_the_buttons_post_and_come_back_to_the_page(
    as_user, director, quota, three
):
    client = as_user(director)
    edit = reverse("ranking:program_edit", args=[quota.pk])
    response = client.post(edit, {"op": "down", "entry": entry_of(quota, three[0])})
    assert response.status_code == 302
    assert response["Location"] == reverse("ranking:program", args=[quota.pk])
    assert order(quota) == [three[1].pk, three[0].pk, three[2].pk]
    page = client.get(response["Location"]).content.decode()
    assert f"{three[0]} moved to position 2 of 3 (saved as a draft)." in page
    client.post(edit, {"op": "move", "entry": entry_of(quota, three[2]), "position": 1})
    client.post(edit, {"op": "up", "entry": entry_of(quota, three[0])})
    assert order(quota) == [three[2].pk, three[0].pk, three[1].pk]


def test_an_htmx_move_returns_the_list_and_announces_the_new_position_in_the_live_region(
    as_user, director, quota, three
):
    response = as_user(director).post(
        reverse("ranking:program_edit", args=[quota.pk]),
        {"op": "move", "entry": entry_of(quota, three[2]), "position": 1},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="rank-board"')
    live = body[body.index('<div id="rank-live" hx-swap-oob="innerHTML">') :]
    assert f"{three[2]} moved to position 1 of 3" in live[: live.index("</div>")]
    assert order(quota) == [three[2].pk, three[0].pk, three[1].pk]


def test_the_page_has_a_live_region_labelled_buttons_and_the_drag_script(
    as_user, director, quota, three
):
    body = as_user(director).get(reverse("ranking:program", args=[quota.pk])).content.decode()
    assert 'id="rank-live" role="status" aria-live="polite"' in body
    assert "js/rank-order.js" in body
    first, last = entry_of(quota, three[0]), entry_of(quota, three[2])
    assert f'id="up-{first}"' not in body and f'id="down-{first}"' in body
    assert f'id="down-{last}"' not in body and f'id="up-{last}"' in body
    assert f'aria-describedby="entry-{first}-name"' in body
    assert "Tab to reach them, Enter or Space to press" in body


def test_a_position_out_of_range_is_refused_and_nothing_moves(as_user, director, quota, three):
    response = as_user(director).post(
        reverse("ranking:program_edit", args=[quota.pk]),
        {"op": "move", "entry": entry_of(quota, three[0]), "position": 9},
        follow=True,
    )
    assert "Choose a position between 1 and 3." in response.content.decode()
    assert order(quota) == [p.pk for p in three]


def test_reviewers_read_only_or_not_other_directors_pgme_and_applicants_cannot_rank(
    as_user, program, quota, three, other_director, applicant
):
    full = factories.make_staff(role=Role.FILE_REVIEWER, program=program)
    read_only = factories.make_staff(role=Role.FILE_REVIEWER, program=program, read_only=True)
    pgme = factories.make_staff(role=Role.PGME_OFFICE, school=program.school)
    edit = reverse("ranking:program_edit", args=[quota.pk])
    for user in (full, read_only, other_director, pgme, applicant.user):
        client = as_user(user)
        assert (
            client.post(edit, {"op": "up", "entry": entry_of(quota, three[1])}).status_code == 403
        )
        assert client.post(edit, {"op": "add", "applicant": three[0].pk}).status_code == 403
    assert as_user(None).post(edit, {"op": "submit"}).status_code == 302  # sign-in page
    assert order(quota) == [p.pk for p in three]


def test_a_removed_director_loses_access_on_the_next_request(as_user, director, quota, three):
    client = as_user(director)
    page = reverse("ranking:program", args=[quota.pk])
    assert client.get(page).status_code == 200
    RoleAssignment.objects.filter(user=director).delete()
    assert client.get(page).status_code == 403
    response = client.post(
        reverse("ranking:program_edit", args=[quota.pk]),
        {"op": "remove", "entry": entry_of(quota, three[0])},
    )
    assert response.status_code == 403
    assert order(quota) == [p.pk for p in three]
