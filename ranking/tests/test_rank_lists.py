"""Rank order lists: build, reorder, submit, lock at the deadline; couples; program lists."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.models import Role
from applicants.models import Couple
from applications.models import Application
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from matchruns.snapshot import build_instance
from ranking.models import RankList, RankListVersion
from tests import factories

pytestmark = pytest.mark.django_db


def applied(applicant, *programs):
    quotas = []
    for program in programs:
        quota = program.quotas.get(stream=applicant.stream)
        Application.objects.create(
            applicant=applicant, program=program, quota=quota, status="submitted"
        )
        quotas.append(quota)
    return quotas


def lines(rank_list):
    return [e.quota_id for e in rank_list.entries.order_by("position")]


def test_an_applicant_builds_reorders_and_submits_a_list(as_user, cycle, iteration, applicant):
    programs = [factories.make_program(cycle=cycle, iteration=iteration) for _ in range(3)]
    q1, q2, q3 = applied(applicant, *programs)
    client = as_user(applicant.user)
    for quota in (q1, q2, q3):
        client.post("/en/ranking/", {"action": "add", "quota": quota.pk})
    rank_list = RankList.objects.get(applicant=applicant)
    assert lines(rank_list) == [q1.pk, q2.pk, q3.pk]
    last = rank_list.entries.get(quota=q3)
    client.post("/en/ranking/", {"action": "move", "entry": last.pk, "position": "1"})
    assert lines(rank_list) == [q3.pk, q1.pk, q2.pk]
    entry = rank_list.entries.get(quota=q1)
    client.post("/en/ranking/", {"action": "down", "entry": entry.pk, "current": "2"})
    assert lines(rank_list) == [q3.pk, q2.pk, q1.pk]
    client.post("/en/ranking/", {"action": "submit"})
    version = RankListVersion.objects.get(rank_list=rank_list)
    assert [e["quota"] for e in version.entries] == [q3.pk, q2.pk, q1.pk]
    assert version.submitted_by == applicant.user

    # A later edit leaves the submitted version in force, and the page says so.
    client.post("/en/ranking/", {"action": "remove", "entry": rank_list.entries.first().pk})
    page = client.get("/en/ranking/").content.decode()
    assert "changes not submitted" in page
    instance = build_instance(iteration)
    mine = next(a for a in instance["applicants"] if a["id"] == applicant.matching_id)
    assert mine["ranking"] == [q3.code, q2.code, q1.code]


def test_htmx_requests_get_only_the_list_back(as_user, cycle, iteration, applicant, program):
    (quota,) = applied(applicant, program)
    response = as_user(applicant.user).post(
        "/en/ranking/", {"action": "add", "quota": quota.pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="rank-list"')
    assert "<html" not in body


def test_only_programs_applied_to_can_be_ranked(as_user, cycle, iteration, applicant, program):
    quota = program.quotas.get(stream="CMG")
    response = as_user(applicant.user).post(
        "/en/ranking/", {"action": "add", "quota": quota.pk}, follow=True
    )
    assert "only rank programs you applied to" in response.content.decode()
    assert not RankList.objects.get(applicant=applicant).entries.exists()


def test_the_list_locks_at_the_applicant_deadline(as_user, cycle, iteration, applicant, program):
    (quota,) = applied(applicant, program)
    deadline = milestone_at(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)
    with time_machine.travel(deadline - dt.timedelta(seconds=1)):
        as_user(applicant.user).post("/en/ranking/", {"action": "add", "quota": quota.pk})
        as_user(applicant.user).post("/en/ranking/", {"action": "submit"})
    with time_machine.travel(deadline):
        client = as_user(applicant.user)
        entry = RankList.objects.get(applicant=applicant).entries.get()
        response = client.post("/en/ranking/", {"action": "remove", "entry": entry.pk}, follow=True)
        assert "closed" in response.content.decode()
        page = client.get("/en/ranking/").content.decode()
        assert 'value="submit"' not in page
    assert RankList.objects.get(applicant=applicant).entries.count() == 1
    assert RankListVersion.objects.filter(rank_list__applicant=applicant).count() == 1


def test_the_pdf_is_the_last_submitted_version(as_user, cycle, iteration, applicant, program):
    (quota,) = applied(applicant, program)
    client = as_user(applicant.user)
    client.post("/en/ranking/", {"action": "add", "quota": quota.pk})
    client.post("/en/ranking/", {"action": "submit"})
    response = client.get("/en/ranking/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_applicant_never_sees_my_list(as_user, cycle, iteration, applicant, program):
    (quota,) = applied(applicant, program)
    as_user(applicant.user).post("/en/ranking/", {"action": "add", "quota": quota.pk})
    other = factories.make_applicant(cycle=cycle)
    page = as_user(other.user).get("/en/ranking/").content.decode()
    assert program.name not in page.split('id="rank-list"')[1].split("</ol>")[0]


def test_a_couple_links_by_invitation_and_ranks_pairs(
    as_user, cycle, iteration, django_capture_on_commit_callbacks
):
    first = factories.make_applicant(cycle=cycle)
    second = factories.make_applicant(cycle=cycle, language="fr")
    p1 = factories.make_program(cycle=cycle, iteration=iteration)
    p2 = factories.make_program(cycle=cycle, iteration=iteration)
    (q1,) = applied(first, p1)
    (q2,) = applied(second, p2)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(first.user).post(
            "/en/ranking/couple/", {"couple_action": "invite", "partner": second.matching_id}
        )
    couple = Couple.objects.get(inviter=first)
    assert couple.status == "pending"
    assert mail.outbox[-1].to == [second.user.email]
    assert "couple" in mail.outbox[-1].subject.lower()
    assert "invite" in mail.outbox[-1].subject  # "vous invite" in the partner's French
    # the inviter cannot accept on the partner's behalf
    as_user(first.user).post("/en/ranking/couple/", {"couple_action": "accept"})
    couple.refresh_from_db()
    assert couple.status == "pending"
    as_user(second.user).post("/en/ranking/couple/", {"couple_action": "accept"})
    couple.refresh_from_db()
    assert couple.status == "active"

    client = as_user(second.user)
    client.post("/en/ranking/couple/", {"action": "add", "quota": q1.pk, "partner_quota": q2.pk})
    client.post("/en/ranking/couple/", {"action": "add", "quota": q1.pk, "partner_quota": ""})
    response = client.post(
        "/en/ranking/couple/", {"action": "add", "quota": "", "partner_quota": ""}, follow=True
    )
    assert "at least one of you" in response.content.decode()
    client.post("/en/ranking/couple/", {"action": "submit"})
    instance = build_instance(iteration)
    (entry,) = instance["couples"]
    assert entry["members"] == [first.matching_id, second.matching_id]
    assert entry["ranking"] == [[q1.code, q2.code], [q1.code, None]]


def test_a_third_applicant_cannot_act_for_a_couple(as_user, cycle, iteration):
    first = factories.make_applicant(cycle=cycle)
    second = factories.make_applicant(cycle=cycle)
    outsider = factories.make_applicant(cycle=cycle)
    couple = Couple.objects.create(cycle=cycle, inviter=first, partner=second, status="active")
    as_user(outsider.user).post("/en/ranking/couple/", {"couple_action": "dissolve"})
    couple.refresh_from_db()
    assert couple.status == "active"
    assert "couple" not in as_user(outsider.user).get("/en/ranking/couple/").content.decode()[:0]


def test_a_program_director_ranks_applicants_who_applied(as_user, cycle, iteration, program):
    director = factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program)
    quota = program.quotas.get(stream="CMG")
    applicants = [factories.make_applicant(cycle=cycle) for _ in range(2)]
    for a in applicants:
        applied(a, program)
    stranger = factories.make_applicant(cycle=cycle)
    client = as_user(director)
    url = f"/en/ranking/program/{quota.pk}/"
    for a in reversed(applicants):
        client.post(url, {"action": "add", "applicant": a.pk})
    response = client.post(url, {"action": "add", "applicant": stranger.pk}, follow=True)
    assert "only rank applicants who applied" in response.content.decode()
    client.post(url, {"action": "submit"})
    instance = build_instance(iteration)
    entry = next(p for p in instance["programs"] if p["id"] == quota.code)
    assert entry["ranking"] == [applicants[1].matching_id, applicants[0].matching_id]


def test_program_lists_close_at_the_program_deadline(as_user, cycle, iteration, program, director):
    quota = program.quotas.get(stream="CMG")
    applicant = factories.make_applicant(cycle=cycle)
    applied(applicant, program)
    deadline = milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        response = as_user(director).post(
            f"/en/ranking/program/{quota.pk}/",
            {"action": "add", "applicant": applicant.pk},
            follow=True,
        )
        assert "closed" in response.content.decode()
    assert not RankList.objects.get(quota=quota).entries.exists()


@pytest.mark.parametrize("persona", ["reviewer", "other_director", "applicant", "pgme"])
def test_only_the_programs_director_and_administrator_rank(
    as_user, cycle, program, persona, request
):
    quota = program.quotas.get(stream="CMG")
    if persona == "pgme":
        user = factories.make_staff(role=Role.PGME_OFFICE, school=program.school)
    elif persona == "applicant":
        user = request.getfixturevalue("applicant").user
    else:
        user = request.getfixturevalue(persona)
    assert as_user(user).get(f"/en/ranking/program/{quota.pk}/").status_code == 403
    assert as_user(user).get(f"/en/ranking/program/{quota.pk}/pdf/").status_code == 403


def test_the_program_page_query_count_does_not_grow_with_applicants(
    as_user, cycle, iteration, program, director, django_assert_max_num_queries
):
    quota = program.quotas.get(stream="CMG")
    url = f"/en/ranking/program/{quota.pk}/"
    people = [factories.make_applicant(cycle=cycle) for _ in range(200)]
    for person in people:
        applied(person, program)
    client = as_user(director)
    for person in people[:50]:
        client.post(url, {"action": "add", "applicant": person.pk})
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200
