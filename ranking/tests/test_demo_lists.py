"""The demo: the persona program's lists hold interviewed applicants; one list awaits the PGME."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from interviews.models import InterviewOffer, InterviewStatus
from matchruns.snapshot import build_instance
from programs.models import Quota
from ranking.models import ApprovalState, RankEntry, RankListApproval
from ranking.selectors import last_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {**settings.STORAGES["private"]["OPTIONS"], "location": str(tmp_path)},
        },
    }


def test_the_persona_lists_are_interviewed_applicants_and_one_awaits_approval(client):
    call_command("load_demo", "--scale", "0.05", "--seed", "7", stdout=StringIO())
    quotas = list(Quota.objects.filter(program__code="FM-UOFT").select_related("program__school"))
    assert quotas and all(q.program.school.requires_rank_list_approval for q in quotas)
    for quota in quotas:
        ranked = set(
            RankEntry.objects.filter(rank_list__quota=quota).values_list("applicant_id", flat=True)
        )
        selected = set(
            InterviewOffer.objects.filter(
                application__quota=quota, status=InterviewStatus.SELECTED
            ).values_list("application__applicant_id", flat=True)
        )
        assert ranked and ranked <= selected
    pending = RankListApproval.objects.get(state=ApprovalState.PENDING)
    quota = pending.rank_list.quota
    assert quota.code == "FM-UOFT-CMG"
    # The match uses the approved version 1, not the order awaiting approval.
    version = last_version(pending.rank_list)
    assert version.approval.state == ApprovalState.APPROVED
    instance = build_instance(quota.iteration)
    active = {a["id"] for a in instance["applicants"]}
    used = {p["id"]: p for p in instance["programs"]}[quota.code]["ranking"]

    def order(payload):  # type: ignore[no-untyped-def]
        ids = [i["applicant"] for i in sorted(payload, key=lambda i: i["position"])]
        return [i for i in ids if i in active]

    assert used == order(version.entries)
    assert used != order(pending.entries)
    client.force_login(User.objects.get(email="pgme@demo.jumelage.ca"))
    page = client.get(reverse("ranking:approvals")).content.decode()
    assert "FM-UOFT-CMG" in page and "Review FM-UOFT-CMG" in page
    assert client.get(reverse("ranking:approval", args=[pending.pk])).status_code == 200
