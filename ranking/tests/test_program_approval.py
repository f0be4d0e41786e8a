"""Where the school requires it, a program's list counts only once its PGME office approves it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.errors import DomainError
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from matchruns.models import MatchRun, RunKind
from matchruns.snapshot import build_instance
from notifications.models import Notification
from ranking import selectors, services
from ranking.models import ApprovalState, RankList, RankListApproval, RankListStatus
from ranking.tests.conftest import interviewed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(program):  # type: ignore[no-untyped-def]
    school = program.school
    school.requires_rank_list_approval = True
    school.save()
    return school


@pytest.fixture
def pgme(school):  # type: ignore[no-untyped-def]
    return factories.make_staff(role=Role.PGME_OFFICE, school=school)


@pytest.fixture
def french_director(program):  # type: ignore[no-untyped-def]
    user = factories.make_user(language="fr")
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.PROGRAM_DIRECTOR, program=program)
    return user


@pytest.fixture
def people(cycle, quota, director):  # type: ignore[no-untyped-def]
    out = [factories.make_applicant(cycle=cycle) for _ in range(3)]
    for person in out:
        interviewed(person, quota)
        services.program_rank_list_add(actor=director, quota=quota, applicant=person)
    return out


def ranking_in_snapshot(iteration, quota):  # type: ignore[no-untyped-def]
    programs = {p["id"]: p for p in build_instance(iteration)["programs"]}
    return programs[quota.code]["ranking"]


def submit(client, quota):  # type: ignore[no-untyped-def]
    return client.post(reverse("ranking:program_edit", args=[quota.pk]), {"op": "submit"})


def _after(iteration, kind):  # type: ignore[no-untyped-def]
    return milestone_at(iteration, kind) + dt.timedelta(minutes=1)


def test_a_list_submitted_for_approval_is_not_used_by_the_match_until_approved(
    as_user, director, pgme, quota, people, iteration
):
    client = as_user(director)
    submit(client, quota)
    rank_list = RankList.objects.get(quota=quota)
    assert rank_list.status == RankListStatus.PENDING
    assert not rank_list.versions.exists()
    assert ranking_in_snapshot(iteration, quota) == []  # the match does not see it
    page = client.get(reverse("ranking:program", args=[quota.pk])).content.decode()
    assert "awaits the approval of your school's PGME office" in page
    notice = Notification.objects.get(kind="ranking.approval_requested")
    assert notice.recipient == pgme
    assert reverse("ranking:approval", args=[rank_list.approvals.get().pk]) in notice.body

    approval = rank_list.approvals.get()
    assert list(selectors.lists_awaiting_approval(iteration)) == [approval]  # for the admin
    admin_page = as_user(factories.make_match_admin()).get(reverse("matchruns:admin_home"))
    assert "1 program list is waiting for its PGME office" in admin_page.content.decode()
    assert str(quota) in admin_page.content.decode()
    response = as_user(pgme).post(
        reverse("ranking:approval", args=[approval.pk]), {"op": "approve"}
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.state == ApprovalState.APPROVED and approval.decided_by == pgme
    assert approval.version.number == 1 and approval.version.submitted_by == director
    assert ranking_in_snapshot(iteration, quota) == [p.matching_id for p in people]
    assert RankList.objects.get(quota=quota).status == RankListStatus.SUBMITTED
    assert not selectors.lists_awaiting_approval(iteration).exists()
    admin_page = as_user(factories.make_match_admin()).get(reverse("matchruns:admin_home"))
    assert "waiting for its PGME office" not in admin_page.content.decode()
    assert Notification.objects.filter(
        kind="ranking.approval_approved", recipient=director
    ).exists()


def test_while_a_new_submission_awaits_approval_the_match_keeps_the_approved_version(
    director, pgme, quota, people, iteration
):
    rank_list = RankList.objects.get(quota=quota)
    first = services.rank_list_submit(actor=director, rank_list=rank_list)
    services.rank_list_approve(actor=pgme, approval=first)
    entry = rank_list.entries.get(applicant=people[2])
    services.rank_list_move(actor=director, rank_list=rank_list, entry_id=entry.pk, position=1)
    second = services.rank_list_submit(actor=director, rank_list=rank_list)
    assert isinstance(second, RankListApproval) and second.number == 2
    assert ranking_in_snapshot(iteration, quota) == [p.matching_id for p in people]
    services.rank_list_approve(actor=pgme, approval=second)
    assert ranking_in_snapshot(iteration, quota) == [
        people[2].matching_id,
        people[0].matching_id,
        people[1].matching_id,
    ]


def test_returning_a_list_e_mails_the_directors_in_their_language_with_the_comment(
    as_user, director, french_director, pgme, quota, people, iteration
):
    rank_list = RankList.objects.get(quota=quota)
    approval = services.rank_list_submit(actor=director, rank_list=rank_list)
    client = as_user(pgme)
    url = reverse("ranking:approval", args=[approval.pk])
    response = client.post(url, {"op": "return", "comment": "  "}, follow=True)
    assert "Write a comment" in response.content.decode()
    client.post(url, {"op": "return", "comment": "Rank Dr. Smith's interviewees too."})
    approval.refresh_from_db()
    assert approval.state == ApprovalState.RETURNED
    assert RankList.objects.get(quota=quota).status == RankListStatus.RETURNED
    english = Notification.objects.get(kind="ranking.approval_returned", recipient=director)
    french = Notification.objects.get(kind="ranking.approval_returned", recipient=french_director)
    assert english.language == "en" and "returned the rank order list" in english.body
    assert french.language == "fr" and "a renvoyé la liste de classement" in french.body
    for notice in (english, french):
        assert "Rank Dr. Smith's interviewees too." in notice.body  # not HTML-escaped
    assert f"/fr/ranking/program/{quota.pk}/" in french.body
    assert ranking_in_snapshot(iteration, quota) == []
    page = as_user(director).get(reverse("ranking:program", args=[quota.pk])).content.decode()
    assert "Returned by the PGME office" in page and "Dr. Smith" in page


def test_a_new_submission_replaces_the_one_awaiting_approval(director, pgme, quota, people):
    rank_list = RankList.objects.get(quota=quota)
    first = services.rank_list_submit(actor=director, rank_list=rank_list)
    second = services.rank_list_submit(actor=director, rank_list=rank_list)
    first.refresh_from_db()
    assert first.state == ApprovalState.SUPERSEDED and second.state == ApprovalState.PENDING
    with pytest.raises(DomainError) as error:
        services.rank_list_approve(actor=pgme, approval=first)
    assert error.value.code == "not_pending"
    assert not rank_list.versions.exists()


def test_approval_is_allowed_after_the_program_deadline_but_returning_is_not(
    as_user, director, pgme, quota, people, iteration
):
    approval = services.rank_list_submit(
        actor=director, rank_list=RankList.objects.get(quota=quota)
    )
    with time_machine.travel(_after(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)):
        client = as_user(pgme)
        page = client.get(reverse("ranking:approval", args=[approval.pk])).content.decode()
        assert "it can no longer be returned" in page
        with pytest.raises(DomainError, match="closed"):
            services.rank_list_return(actor=pgme, approval=approval, comment="Too late")
        client.post(reverse("ranking:approval", args=[approval.pk]), {"op": "approve"})
    approval.refresh_from_db()
    assert approval.state == ApprovalState.APPROVED


def test_approval_closes_at_the_applicant_deadline_and_once_the_official_match_ran(
    director, pgme, quota, people, iteration
):
    approval = services.rank_list_submit(
        actor=director, rank_list=RankList.objects.get(quota=quota)
    )
    with (
        time_machine.travel(_after(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)),
        pytest.raises(DomainError, match="closed"),
    ):
        services.rank_list_approve(actor=pgme, approval=approval)
    MatchRun.objects.create(
        iteration=iteration,
        kind=RunKind.OFFICIAL,
        created_at=timezone.now(),
        snapshot="{}",
        snapshot_sha256="0" * 64,
        result={},
        status="ok",
        duration_ms=1,
        engine="test",
    )
    with pytest.raises(DomainError) as error:
        services.rank_list_approve(actor=pgme, approval=approval)
    assert error.value.code == "matched"
    approval.refresh_from_db()
    assert approval.state == ApprovalState.PENDING


def test_another_schools_office_the_director_and_the_match_admin_cannot_approve(
    as_user, director, pgme, quota, people, match_admin, other_program
):
    approval = services.rank_list_submit(
        actor=director, rank_list=RankList.objects.get(quota=quota)
    )
    other_office = factories.make_staff(role=Role.PGME_OFFICE, school=other_program.school)
    reviewer = factories.make_staff(role=Role.FILE_REVIEWER, program=quota.program)
    url = reverse("ranking:approval", args=[approval.pk])
    for user in (other_office, director, match_admin, reviewer):
        client = as_user(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"op": "approve"}).status_code == 403
        assert client.post(url, {"op": "return", "comment": "no"}).status_code == 403
    assert as_user(None).post(url, {"op": "approve"}).status_code == 302
    approval.refresh_from_db()
    assert approval.state == ApprovalState.PENDING
    # The other school's office sees none of this school's lists; a director has no such page.
    body = as_user(other_office).get(reverse("ranking:approvals")).content.decode()
    assert quota.code not in body
    assert as_user(director).get(reverse("ranking:approvals")).status_code == 403
    assert quota.code in as_user(pgme).get(reverse("ranking:approvals")).content.decode()


def test_without_the_school_rule_a_submission_counts_at_once(
    director, quota, people, iteration, program
):
    assert not program.school.requires_rank_list_approval
    version = services.rank_list_submit(actor=director, rank_list=RankList.objects.get(quota=quota))
    assert version.number == 1
    assert not RankListApproval.objects.exists()
    assert ranking_in_snapshot(iteration, quota) == [p.matching_id for p in people]
