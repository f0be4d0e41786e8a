"""The programs' API: their own applications, documents' metadata, interview statuses and
rank order lists, and nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from applications.models import Application, ApplicationStatus
from core.choices import Stream
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from documents.models import Document, DocumentAssignment
from interviews.models import InterviewOffer, InterviewStatus
from ranking import services as ranking
from tests import factories

pytestmark = pytest.mark.django_db

API = "/en/api/applications"


def apply(applicant, quota, *, late=False, status=ApplicationStatus.SUBMITTED):  # type: ignore[no-untyped-def]
    return Application.objects.create(
        applicant=applicant,
        program=quota.program,
        quota=quota,
        status=status,
        submitted_at=timezone.now() if status == ApplicationStatus.SUBMITTED else None,
        is_late=late,
    )


def document(applicant, cycle, doc_type="cv", **extra):  # type: ignore[no-untyped-def]
    return Document.objects.create(
        applicant=applicant,
        cycle=cycle,
        type=doc_type,
        source="applicant",
        language="fr",
        status="processed",
        size=48213,
        mime="application/pdf",
        sha256="a" * 64,
        original_filename="secret-name.pdf",
        uploaded_at=timezone.now(),
        **extra,
    )


@pytest.fixture
def setup(world):  # type: ignore[no-untyped-def]
    w = world
    cmg = w.program.quotas.get(stream=Stream.CMG)
    img = w.program.quotas.get(stream=Stream.IMG)
    imgs = factories.make_applicant(cycle=w.cycle, img=True)
    first = apply(w.applicant, cmg, late=True)
    second = apply(imgs, img)
    apply(w.other_applicant, cmg, status=ApplicationStatus.SELECTED)  # not submitted
    elsewhere = apply(w.other_applicant, w.other_program.quotas.get(stream=Stream.CMG))
    InterviewOffer.objects.create(application=first, status=InterviewStatus.SELECTED)
    InterviewOffer.objects.create(application=second, status=InterviewStatus.WAITLISTED)
    cv = document(w.applicant, w.cycle)
    DocumentAssignment.objects.create(document=cv, application=first, late=True)
    mspr = document(w.applicant, w.cycle, "mspr")
    DocumentAssignment.objects.create(document=mspr, application=first)
    document(w.applicant, w.cycle, "transcript")  # not assigned to this program
    return {"cmg": cmg, "img": img, "first": first, "second": second, "elsewhere": elsewhere}


def test_the_director_lists_the_programs_submitted_applications_with_their_statuses(
    as_user, world, setup
):
    client = as_user(world.director)
    (mine,) = client.get(f"{API}/programs").json()
    assert mine["code"] == world.program.code and mine["may_rank"] is True
    assert {q["stream"] for q in mine["quotas"]} == {"CMG", "IMG"}
    rows = client.get(f"{API}/programs/{world.program.code}/applications").json()
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {setup["first"].pk, setup["second"].pk}  # submitted only
    first = by_id[setup["first"].pk]
    assert first["applicant"] == world.applicant.matching_id
    assert first["stream"] == "CMG" and first["status"] == "submitted"
    assert first["late"] is True and first["submitted_at"]
    assert first["interview_status"] == "selected"
    assert by_id[setup["second"].pk]["interview_status"] == "waitlisted"
    statuses = client.get(f"{API}/programs/{world.program.code}/interviews").json()
    assert {s["application"]: s["status"] for s in statuses} == {
        setup["first"].pk: "selected",
        setup["second"].pk: "waitlisted",
    }


def test_documents_metadata_never_the_file_or_its_name(as_user, world, setup):
    rows = as_user(world.reviewer).get(f"{API}/read/{setup['first'].pk}/documents").json()
    assert sorted(r["type"] for r in rows) == ["cv", "mspr"]
    cv = next(r for r in rows if r["type"] == "cv")
    assert cv["language"] == "fr" and cv["status"] == "processed" and cv["size"] == 48213
    assert cv["uploaded_at"] and cv["assigned_late"] is True and cv["type_label"] == "CV"
    text = str(rows)
    assert "secret-name" not in text and "file" not in cv and "url" not in cv


def test_a_file_reviewer_sees_only_the_streams_they_were_given(as_user, world, setup):
    cmg_only = factories.make_staff(
        role=Role.FILE_REVIEWER, program=world.program, streams=["CMG"], read_only=True
    )
    client = as_user(cmg_only)
    rows = client.get(f"{API}/programs/{world.program.code}/applications").json()
    assert [r["id"] for r in rows] == [setup["first"].pk]
    assert client.get(f"{API}/read/{setup['second'].pk}/documents").status_code == 403
    assert client.get(f"{API}/read/{setup['first'].pk}/documents").status_code == 200
    assert client.get(f"{API}/programs/{world.program.code}/rank-lists").status_code == 403


def test_other_programs_applicants_removed_staff_and_anonymous_are_refused(as_user, world, setup):
    code = world.program.code
    urls = [
        f"{API}/programs/{code}/applications",
        f"{API}/programs/{code}/interviews",
        f"{API}/programs/{code}/rank-lists",
        f"{API}/read/{setup['first'].pk}/documents",
    ]
    for user in (world.other_director, world.other_reviewer, world.applicant.user):
        for url in urls:
            assert as_user(user).get(url).status_code == 403, (user, url)
    assert as_user(world.applicant.user).get(f"{API}/programs").status_code == 403
    for url in [*urls, f"{API}/programs"]:
        assert as_user(None).get(url).status_code == 401
    client = as_user(world.director)
    assert client.get(urls[0]).status_code == 200
    RoleAssignment.objects.filter(user=world.director).delete()
    assert client.get(urls[0]).status_code == 403
    assert client.get(f"{API}/programs").status_code == 403
    assert as_user(world.director).get(f"{API}/programs/NOPE/applications").status_code == 404
    assert as_user(world.other_director).get(f"{API}/read/999999/documents").status_code == 404


def test_the_rank_lists_show_the_draft_every_version_and_submissions_for_approval(
    as_user, world, setup
):
    from ranking.models import RankList

    school = world.program.school
    school.requires_rank_list_approval = True
    school.save()
    cmg = setup["cmg"]
    pgme = factories.make_staff(role=Role.PGME_OFFICE, school=school)
    # The calendar of these tests is in program selection: rank inside the rank period.
    at = milestone_at(world.iteration, MilestoneKind.RANKING_OPENS) + dt.timedelta(minutes=1)
    with time_machine.travel(at):
        ranking.program_rank_list_add(actor=world.director, quota=cmg, applicant=world.applicant)
        rank_list = RankList.objects.get(quota=cmg)
        submission = ranking.rank_list_submit(actor=world.director, rank_list=rank_list)
        ranking.rank_list_approve(actor=pgme, approval=submission)
        client = as_user(world.director)
        data = client.get(f"{API}/programs/{world.program.code}/rank-lists").json()
        refused = as_user(pgme).get(f"{API}/programs/{world.program.code}/rank-lists")
    lists = {q["quota"]: q for q in data}
    cmg_list = lists[cmg.code]
    assert cmg_list["approval_required"] is True and cmg_list["status"] == "submitted"
    assert [e["applicant"] for e in cmg_list["draft"]] == [world.applicant.matching_id]
    (version,) = cmg_list["versions"]
    assert version["number"] == 1 and version["approved_at"]
    assert version["entries"][0]["name"] == world.applicant.sorted_name
    (sub,) = cmg_list["submissions_for_approval"]
    assert sub["state"] == "approved" and sub["version"] == 1
    assert lists[setup["img"].code]["draft"] == []
    assert refused.status_code == 403  # the PGME office approves lists, it does not rank


def test_the_pgme_office_reads_its_schools_applications_and_not_another_schools(
    as_user, world, setup
):
    office = factories.make_staff(role=Role.PGME_OFFICE, school=world.program.school)
    other = factories.make_staff(role=Role.PGME_OFFICE, school=world.other_program.school)
    url = f"{API}/programs/{world.program.code}/applications"
    assert len(as_user(office).get(url).json()) == 2
    assert as_user(other).get(url).status_code == 403
