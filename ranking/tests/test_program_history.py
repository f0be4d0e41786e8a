"""Every version of a program's list is kept and shown, each compared with the one before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from ranking import services
from ranking.models import RankList
from ranking.tests.conftest import interviewed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cycle, quota, director):  # type: ignore[no-untyped-def]
    out = [factories.make_applicant(cycle=cycle) for _ in range(3)]
    for person in out:
        interviewed(person, quota)
    for person in out[:2]:
        services.program_rank_list_add(actor=director, quota=quota, applicant=person)
    return out


def history(client, quota):  # type: ignore[no-untyped-def]
    return client.get(reverse("ranking:program_history", args=[quota.pk]))


def test_versions_submissions_decisions_and_the_draft_are_all_shown_with_their_changes(
    as_user, director, quota, people, program
):
    school = program.school
    pgme = factories.make_staff(role=Role.PGME_OFFICE, school=school)
    rank_list = RankList.objects.get(quota=quota)
    services.rank_list_submit(actor=director, rank_list=rank_list)  # version 1, no approval
    school.requires_rank_list_approval = True
    school.save()
    services.program_rank_list_add(actor=director, quota=quota, applicant=people[2])
    entry = rank_list.entries.get(applicant=people[2])
    services.rank_list_move(actor=director, rank_list=rank_list, entry_id=entry.pk, position=1)
    returned = services.rank_list_submit(actor=director, rank_list=rank_list)
    services.rank_list_return(actor=pgme, approval=returned, comment="Why is A third?")
    approved = services.rank_list_submit(actor=director, rank_list=rank_list)
    services.rank_list_approve(actor=pgme, approval=approved)
    services.rank_list_remove(
        actor=director, rank_list=rank_list, entry_id=rank_list.entries.get(applicant=people[0]).pk
    )
    body = history(as_user(director), quota).content.decode()
    titles = [
        "Current draft (not submitted)",
        "Submission for approval 2",
        "Submission for approval 1",
        "Version 1",
    ]
    positions = [body.index(t) for t in titles]
    assert positions == sorted(positions)  # newest first
    assert "Why is A third?" in body
    assert "it became version 2" in body
    assert "New on the list" in body
    assert "Up 2 places (was 3)" not in body  # people[2] was new in submission 1
    assert "Down 1 place (was 1)" in body
    assert "Removed from the list:" in body and people[0].matching_id in body


def test_the_schools_office_may_read_the_history_others_may_not(
    as_user, director, quota, people, program, other_program, applicant
):
    services.rank_list_submit(actor=director, rank_list=RankList.objects.get(quota=quota))
    assert history(as_user(director), quota).status_code == 200
    office = factories.make_staff(role=Role.PGME_OFFICE, school=program.school)
    assert history(as_user(office), quota).status_code == 200
    for user in (
        factories.make_staff(role=Role.PGME_OFFICE, school=other_program.school),
        factories.make_staff(role=Role.FILE_REVIEWER, program=program),
        factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=other_program),
        applicant.user,
    ):
        assert history(as_user(user), quota).status_code == 403
    assert history(as_user(None), quota).status_code == 302
