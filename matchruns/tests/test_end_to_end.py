"""A small whole cycle: open, register, participate, apply, rank both sides (with a couple),
the deadlines pass, the official run, verification, release at noon Toronto time."""

import datetime as dt
import hashlib
import json
from io import StringIO

import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import matchengine
from accounts.models import Role
from applicants.models import Couple, CoupleStatus
from applications.models import Application, ApplicationStatus
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at, phase, results_release_at
from matchruns.models import MatchRun, RunKind
from matchruns.tests.conftest import rank_applicant, rank_couple, rank_quota
from tests import factories


def test_a_whole_small_cycle_matches_stably_and_releases_at_noon(db, as_user):
    cycle, iteration = factories.make_cycle(phase="opening")
    assert phase(iteration) == "opening"
    tor = factories.make_school(code="TOR")
    mtl = factories.make_school(code="MTL")
    fm_tor = factories.make_program(cycle=cycle, iteration=iteration, school=tor, code="FM-TOR")
    im_mtl = factories.make_program(
        cycle=cycle, iteration=iteration, school=mtl, code="IM-MTL", streams={"CMG": 1, "IMG": 1}
    )
    q = {f"{p.code}-{s}": p.quotas.get(stream=s) for p in (fm_tor, im_mtl) for s in ("CMG", "IMG")}
    q["FM-TOR-IMG"].reverts_to = q["FM-TOR-CMG"]
    q["FM-TOR-IMG"].save()
    director = factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=fm_tor)

    # Registration and participation (contract accepted) at opening.
    cmgs = [factories.make_applicant(cycle=cycle) for _ in range(4)]
    imgs = [factories.make_applicant(cycle=cycle, img=True) for _ in range(2)]
    couple = Couple.objects.create(
        cycle=cycle,
        inviter=cmgs[2],
        partner=cmgs[3],
        status=CoupleStatus.ACTIVE,
        accepted_at=timezone.now(),
    )
    # Applications to the stream of each applicant.
    for a in cmgs:
        for quota in (q["FM-TOR-CMG"], q["IM-MTL-CMG"]):
            Application.objects.create(
                applicant=a,
                program=quota.program,
                quota=quota,
                status=ApplicationStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )
    for a in imgs:
        for quota in (q["FM-TOR-IMG"], q["IM-MTL-IMG"]):
            Application.objects.create(
                applicant=a,
                program=quota.program,
                quota=quota,
                status=ApplicationStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )

    # The rank period: both sides submit.
    with time_machine.travel(milestone_at(iteration, MilestoneKind.RANKING_OPENS)):
        rank_applicant(iteration, cmgs[0], [q["IM-MTL-CMG"], q["FM-TOR-CMG"]])
        rank_applicant(iteration, cmgs[1], [q["IM-MTL-CMG"], q["FM-TOR-CMG"]])
        rank_couple(
            iteration,
            couple,
            [(q["FM-TOR-CMG"], q["FM-TOR-CMG"]), (q["FM-TOR-CMG"], q["IM-MTL-CMG"])],
        )
        rank_applicant(iteration, imgs[0], [q["FM-TOR-IMG"], q["IM-MTL-IMG"]])
        rank_applicant(iteration, imgs[1], [q["FM-TOR-IMG"]])
        rank_quota(iteration, q["FM-TOR-CMG"], [cmgs[2], cmgs[3], cmgs[0], cmgs[1]])
        rank_quota(iteration, q["IM-MTL-CMG"], [cmgs[1], cmgs[0], cmgs[3]])
        rank_quota(iteration, q["FM-TOR-IMG"], [imgs[1], imgs[0]])
        rank_quota(iteration, q["IM-MTL-IMG"], [imgs[0]])

    # Both deadlines pass; the administrator runs the official match from the command line.
    deadline = milestone_at(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)
    with time_machine.travel(deadline + dt.timedelta(hours=2)):
        out = StringIO()
        call_command("run_match", stdout=out)
    run = MatchRun.objects.get()
    assert run.kind == RunKind.OFFICIAL
    assert run.snapshot_sha256 in out.getvalue()

    # Anyone can check it: the stored result verifies and the fingerprint recomputes.
    instance = json.loads(run.snapshot)
    assert matchengine.verify(instance, run.result) == []
    assert run.status == "stable"
    assert matchengine.canonical_sha256(instance) == run.snapshot_sha256
    assert hashlib.sha256(run.snapshot.encode("utf-8")).hexdigest() == run.snapshot_sha256
    assert run.result["instance_sha256"] == run.snapshot_sha256
    assert len(instance["couples"]) == 1
    assert run.assignments.count() == 6

    outcome = {a.applicant_id: a.quota for a in run.assignments.select_related("quota")}
    matched = next(a for a in cmgs + imgs if outcome[a.pk] is not None)
    program = outcome[matched.pk].program

    # 11:59:59 on match day: nothing shows; 12:00:00 Toronto: the result shows.
    noon = results_release_at(iteration)
    assert noon.astimezone(dt.UTC).hour in (16, 17)  # noon EDT / EST
    with time_machine.travel(noon - dt.timedelta(seconds=1)):
        page = as_user(matched.user).get(reverse("matchruns:my_result")).content.decode()
        assert program.name not in page
        staff_page = as_user(director).get(reverse("matchruns:program_results", args=[fm_tor.pk]))
        assert matched.matching_id not in staff_page.content.decode()
    with time_machine.travel(noon):
        page = as_user(matched.user).get(reverse("matchruns:my_result")).content.decode()
        assert program.name in page
        api = as_user(matched.user).get("/en/api/matchruns/my-result")
        assert api.status_code == 200 and api.json()["instance_sha256"] == run.snapshot_sha256
