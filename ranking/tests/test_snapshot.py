"""``submitted_lists``: what the match run reads, from the last submitted versions only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from applicants.models import Couple, CoupleStatus, Participation
from ranking import services
from ranking.models import RankList, RankListVersion
from ranking.selectors import submitted_lists
from ranking.tests.conftest import apply
from tests import factories

pytestmark = pytest.mark.django_db


def _submit(rank_list, user):  # type: ignore[no-untyped-def]
    return services.rank_list_submit(actor=user, rank_list=rank_list)


def test_it_gives_every_last_submitted_list_by_engine_id(
    iteration, cycle, applicant, other_applicant, quotas, director
):
    a, b, c = quotas[:3]
    for q in (a, b, c):
        apply(applicant, q)
    apply(other_applicant, a)
    services.rank_list_add(applicant=applicant, quota=b)
    services.rank_list_add(applicant=applicant, quota=a)
    mine = RankList.objects.get(applicant=applicant)
    _submit(mine, applicant.user)
    services.rank_list_add(applicant=applicant, quota=c)  # a draft change: not used
    services.rank_list_add(applicant=other_applicant, quota=a)  # never submitted: not used
    services.program_rank_list_add(actor=director, quota=a, applicant=other_applicant)
    services.program_rank_list_add(actor=director, quota=a, applicant=applicant)
    _submit(RankList.objects.get(quota=a), director)

    partner1 = factories.make_applicant(cycle=cycle)
    partner2 = factories.make_applicant(cycle=cycle)
    apply(partner1, a)
    apply(partner2, b)
    couple = Couple.objects.create(
        cycle=cycle, inviter=partner1, partner=partner2, status=CoupleStatus.ACTIVE
    )
    services.rank_list_add(applicant=partner1, quota=a)  # an own list, replaced by the couple's
    _submit(RankList.objects.get(applicant=partner1), partner1.user)
    services.couple_rank_list_add(actor=partner1.user, couple=couple, quota=a, partner_quota=b)
    services.couple_rank_list_add(actor=partner1.user, couple=couple, quota=None, partner_quota=b)
    _submit(RankList.objects.get(couple=couple), partner2.user)

    lists = submitted_lists(iteration)
    assert lists["applicants"] == {applicant.matching_id: [b.code, a.code]}
    assert lists["quotas"] == {a.code: [other_applicant.matching_id, applicant.matching_id]}
    assert lists["couples"] == {
        couple.code: {
            "members": [partner1.matching_id, partner2.matching_id],
            "ranking": [[a.code, b.code], [None, b.code]],
        }
    }
    assert lists["versions"][f"applicant:{applicant.matching_id}"]["number"] == 1


def test_withdrawn_applicants_and_unlinked_couples_are_left_out(
    iteration, cycle, applicant, other_applicant, quotas, director
):
    a = quotas[0]
    apply(applicant, a)
    apply(other_applicant, a)
    for person in (applicant, other_applicant):
        services.rank_list_add(applicant=person, quota=a)
        _submit(RankList.objects.get(applicant=person), person.user)
        services.program_rank_list_add(actor=director, quota=a, applicant=person)
    _submit(RankList.objects.get(quota=a), director)
    couple = Couple.objects.create(
        cycle=cycle, inviter=applicant, partner=other_applicant, status=CoupleStatus.ACTIVE
    )
    services.couple_rank_list_add(actor=applicant.user, couple=couple, quota=a, partner_quota=a)
    _submit(RankList.objects.get(couple=couple), applicant.user)
    Participation.objects.filter(applicant=other_applicant).update(withdrawn_at=timezone.now())

    lists = submitted_lists(iteration)
    assert lists["couples"] == {}
    assert lists["applicants"] == {applicant.matching_id: [a.code]}
    assert lists["quotas"] == {a.code: [applicant.matching_id]}


def test_it_reads_versions_written_with_bare_ids_as_the_demo_does(
    iteration, applicant, quotas, django_assert_max_num_queries
):
    a, b = quotas[:2]
    rank_list = RankList.objects.create(iteration=iteration, applicant=applicant)
    RankListVersion.objects.create(
        rank_list=rank_list,
        number=1,
        entries=[{"position": 2, "quota": a.pk}, {"position": 1, "quota": b.pk}],
        submitted_at=timezone.now(),
    )
    with django_assert_max_num_queries(5):
        lists = submitted_lists(iteration)
    assert lists["applicants"] == {applicant.matching_id: [b.code, a.code]}


def test_the_number_of_queries_does_not_grow_with_the_lists(
    iteration, cycle, quotas, django_assert_max_num_queries
):
    a = quotas[0]
    lists = []
    for _ in range(60):
        person = factories.make_applicant(cycle=cycle)
        rank_list = RankList.objects.create(iteration=iteration, applicant=person)
        for n in (1, 2):
            RankListVersion.objects.create(
                rank_list=rank_list,
                number=n,
                entries=[{"position": 1, "quota": a.code, "quota_id": a.pk}],
                submitted_at=timezone.now(),
            )
        lists.append(person)
    with django_assert_max_num_queries(5):
        out = submitted_lists(iteration)
    assert len(out["applicants"]) == 60
    assert all(v["number"] == 2 for v in out["versions"].values())
