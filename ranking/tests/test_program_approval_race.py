"""Two PGME officers deciding on the same submission at the same moment: one decision wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accounts.models import Role
from core.errors import DomainError
from ranking import services
from ranking.models import ApprovalState, RankList, RankListApproval, RankListVersion
from ranking.tests.conftest import interviewed
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks all)"
    ),
]


def test_an_approval_and_a_return_racing_leave_exactly_one_decision(
    cycle, program, quota, director
):
    school = program.school
    school.requires_rank_list_approval = True
    school.save()
    officers = [factories.make_staff(role=Role.PGME_OFFICE, school=school) for _ in range(2)]
    person = factories.make_applicant(cycle=cycle)
    interviewed(person, quota)
    services.program_rank_list_add(actor=director, quota=quota, applicant=person)
    approval = services.rank_list_submit(
        actor=director, rank_list=RankList.objects.get(quota=quota)
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(officer, approve: bool) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            found = RankListApproval.objects.get(pk=approval.pk)
            if approve:
                services.rank_list_approve(actor=officer, approval=found)
            else:
                services.rank_list_return(actor=officer, approval=found, comment="Not yet.")
            outcomes.append("done")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(officers[0], True)),
        threading.Thread(target=decide, args=(officers[1], False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "not_pending"]
    approval.refresh_from_db()
    assert approval.state in (ApprovalState.APPROVED, ApprovalState.RETURNED)
    versions = RankListVersion.objects.filter(rank_list__quota=quota).count()
    assert versions == (1 if approval.state == ApprovalState.APPROVED else 0)
