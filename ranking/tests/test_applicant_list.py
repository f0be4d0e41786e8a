"""An applicant builds, reorders and submits their own rank order list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEntry
from ranking.models import RankEntry, RankList, RankListStatus, RankListVersion
from ranking.tests.conftest import apply

pytestmark = pytest.mark.django_db

PAGE = reverse("ranking:applicant")
EDIT = reverse("ranking:applicant_edit")


def codes(applicant):  # type: ignore[no-untyped-def]
    return [
        e.quota.code
        for e in RankEntry.objects.filter(rank_list__applicant=applicant).order_by("position")
    ]


def add_all(client, quotas):  # type: ignore[no-untyped-def]
    for q in quotas:
        client.post(EDIT, {"op": "add", "quota": q.pk})


def test_the_page_offers_only_the_programs_the_applicant_applied_to(
    as_user, applicant, applied, quotas
):
    response = as_user(applicant.user).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    for q in applied:
        assert q.code in body
    assert quotas[3].code not in body


def test_an_applicant_adds_programs_to_the_end_of_their_list(as_user, applicant, applied):
    client = as_user(applicant.user)
    add_all(client, applied)
    assert codes(applicant) == [q.code for q in applied]
    assert RankList.objects.get(applicant=applicant).status == RankListStatus.DRAFT
    assert AuditEntry.objects.filter(action="ranking.entry.add").count() == 3


def test_a_program_not_applied_to_is_refused_with_a_message(as_user, applicant, applied, quotas):
    client = as_user(applicant.user)
    response = client.post(EDIT, {"op": "add", "quota": quotas[3].pk}, follow=True)
    assert "not among your submitted applications" in response.content.decode()
    assert codes(applicant) == []


def test_a_selected_but_unsubmitted_application_cannot_be_ranked(as_user, applicant, quotas):
    apply(applicant, quotas[3], status="selected")
    response = as_user(applicant.user).post(EDIT, {"op": "add", "quota": quotas[3].pk}, follow=True)
    assert "not among your submitted applications" in response.content.decode()


def test_adding_the_same_program_twice_is_refused(as_user, applicant, applied):
    client = as_user(applicant.user)
    add_all(client, [applied[0], applied[0]])
    assert codes(applicant) == [applied[0].code]


def test_move_up_down_and_to_a_position_reorder_the_list(as_user, applicant, applied):
    client = as_user(applicant.user)
    add_all(client, applied)
    a, b, c = applied
    entry = lambda q: RankEntry.objects.get(rank_list__applicant=applicant, quota=q).pk  # noqa: E731
    client.post(EDIT, {"op": "up", "entry": entry(c)})
    assert codes(applicant) == [a.code, c.code, b.code]
    client.post(EDIT, {"op": "down", "entry": entry(a)})
    assert codes(applicant) == [c.code, a.code, b.code]
    client.post(EDIT, {"op": "move", "entry": entry(b), "position": "1"})
    assert codes(applicant) == [b.code, c.code, a.code]


def test_moving_to_an_impossible_position_says_so_and_changes_nothing(as_user, applicant, applied):
    client = as_user(applicant.user)
    add_all(client, applied)
    before = codes(applicant)
    first = RankEntry.objects.filter(rank_list__applicant=applicant).first()
    for bad in ("9", "0", "abc", ""):
        response = client.post(
            EDIT, {"op": "move", "entry": first.pk, "position": bad}, follow=True
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "between 1 and 3" in body or "whole number" in body
    assert codes(applicant) == before


def test_removing_a_line_renumbers_the_rest(as_user, applicant, applied):
    client = as_user(applicant.user)
    add_all(client, applied)
    middle = RankEntry.objects.get(rank_list__applicant=applicant, position=2)
    client.post(EDIT, {"op": "remove", "entry": middle.pk})
    assert codes(applicant) == [applied[0].code, applied[2].code]
    positions = list(
        RankEntry.objects.filter(rank_list__applicant=applicant).values_list("position", flat=True)
    )
    assert positions == [1, 2]


def test_htmx_requests_get_the_list_fragment_back(as_user, applicant, applied):
    client = as_user(applicant.user)
    response = client.post(EDIT, {"op": "add", "quota": applied[0].pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="rank-board"')
    assert "Added at the end of the list" in body
    assert "<html" not in body


def test_submitting_keeps_an_immutable_version_with_quota_codes(as_user, applicant, applied):
    client = as_user(applicant.user)
    add_all(client, applied)
    response = client.post(EDIT, {"op": "submit"}, follow=True)
    assert "version 1" in response.content.decode()
    version = RankListVersion.objects.get(rank_list__applicant=applicant)
    assert version.number == 1
    assert version.submitted_by == applicant.user
    assert [e["quota"] for e in version.entries] == [q.code for q in applied]
    assert RankList.objects.get(applicant=applicant).status == RankListStatus.SUBMITTED


def test_a_submitted_version_survives_later_edits_and_the_page_says_changes_are_unsubmitted(
    as_user, applicant, applied
):
    client = as_user(applicant.user)
    add_all(client, applied)
    client.post(EDIT, {"op": "submit"})
    last = RankEntry.objects.filter(rank_list__applicant=applicant).last()
    client.post(EDIT, {"op": "remove", "entry": last.pk})
    version = RankListVersion.objects.get(rank_list__applicant=applicant)
    assert len(version.entries) == 3
    body = client.get(PAGE).content.decode()
    assert "You have unsubmitted changes." in body
    assert RankList.objects.get(applicant=applicant).status == RankListStatus.SUBMITTED
    client.post(EDIT, {"op": "submit"})
    assert list(
        RankListVersion.objects.filter(rank_list__applicant=applicant).values_list(
            "number", flat=True
        )
    ) == [2, 1]
    assert "You have unsubmitted changes." not in client.get(PAGE).content.decode()


def test_an_empty_list_cannot_be_submitted(as_user, applicant, applied):
    response = as_user(applicant.user).post(EDIT, {"op": "submit"}, follow=True)
    assert "The list is empty" in response.content.decode()
    assert not RankListVersion.objects.exists()


def test_submitting_with_a_withdrawn_application_asks_to_remove_it(as_user, applicant, applied):
    client = as_user(applicant.user)
    add_all(client, applied)
    applicant.applications.filter(quota=applied[1]).update(status="withdrawn")
    response = client.post(EDIT, {"op": "submit"}, follow=True)
    assert "no longer among the submitted applications" in response.content.decode()
    assert not RankListVersion.objects.exists()


def test_a_withdrawn_applicant_cannot_rank(as_user, applicant, applied):
    from django.utils import timezone

    applicant.participations.update(withdrawn_at=timezone.now())
    client = as_user(applicant.user)
    body = client.get(PAGE).content.decode()
    assert "you withdrew" in body
    client.post(EDIT, {"op": "add", "quota": applied[0].pk})
    assert codes(applicant) == []


def test_another_applicant_cannot_touch_my_list(as_user, applicant, other_applicant, applied):
    mine = as_user(applicant.user)
    add_all(mine, applied)
    entry = RankEntry.objects.filter(rank_list__applicant=applicant).first()
    theirs = as_user(other_applicant.user)
    response = theirs.post(EDIT, {"op": "remove", "entry": entry.pk}, follow=True)
    assert "no longer on the list" in response.content.decode()
    theirs.post(EDIT, {"op": "move", "entry": entry.pk, "position": 3})
    assert codes(applicant) == [q.code for q in applied]
    page = theirs.get(PAGE).content.decode()
    assert applied[0].code not in page.split('id="rank-board"')[1].split("<form")[0]


@pytest.mark.parametrize("name", ["ranking:applicant", "ranking:applicant_pdf"])
def test_program_staff_cannot_open_applicant_pages(as_user, director, reviewer, name):
    for user in (director, reviewer):
        assert as_user(user).get(reverse(name)).status_code == 403
    assert as_user(director).post(EDIT, {"op": "submit"}).status_code == 403


@pytest.mark.parametrize("name", ["ranking:applicant", "ranking:applicant_pdf"])
def test_anonymous_visitors_are_sent_to_sign_in(as_user, db, name):
    response = as_user(None).get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_pdf_shows_the_last_submitted_version_in_the_request_language(
    as_user, applicant, applied
):
    client = as_user(applicant.user)
    add_all(client, applied)
    client.post(EDIT, {"op": "submit"})
    response = client.get(reverse("ranking:applicant_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = _pdf_html(client, "/fr/ranking/pdf/")
    assert "Version 1" in html
    assert "heure de Toronto" in html


def _pdf_html(client, url):  # type: ignore[no-untyped-def]
    """The HTML the PDF is made from (WeasyPrint is swapped for a recorder)."""
    from unittest import mock

    seen = {}

    class Recorder:
        def __init__(self, string, base_url=None):  # type: ignore[no-untyped-def]
            seen["html"] = string

        def write_pdf(self):  # type: ignore[no-untyped-def]
            return b"%PDF-fake"

    with mock.patch("weasyprint.HTML", Recorder):
        assert client.get(url).status_code == 200
    return seen["html"]


def test_the_applicant_page_query_count_does_not_grow_with_the_list(
    as_user, applicant, cycle, iteration, django_assert_max_num_queries
):
    from tests import factories

    client = as_user(applicant.user)
    for _ in range(30):
        program = factories.make_program(cycle=cycle, iteration=iteration)
        for q in program.quotas.all():
            apply(applicant, q)
            client.post(EDIT, {"op": "add", "quota": q.pk})
    client.post(EDIT, {"op": "submit"})
    with django_assert_max_num_queries(14):
        response = client.get(PAGE)
    assert response.content.decode().count('name="op" value="remove"') == 60


def test_the_dashboard_status_follows_draft_submitted_and_changed(as_user, applicant, applied):
    from ranking.selectors import rank_list_status

    iteration = applied[0].iteration
    assert rank_list_status(applicant, iteration) is None
    client = as_user(applicant.user)
    add_all(client, applied[:2])
    assert rank_list_status(applicant, iteration) == "draft"
    client.post(EDIT, {"op": "submit"})
    assert rank_list_status(applicant, iteration) == "submitted"
    client.post(EDIT, {"op": "add", "quota": applied[2].pk})
    assert rank_list_status(applicant, iteration) == "changed"
