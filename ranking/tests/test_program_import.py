"""Importing a program's list from a CSV file: all or nothing, every refused row explained."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applicants.models import Participation
from core.errors import DomainError
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from interviews.models import InterviewStatus
from ranking import services
from ranking.models import RankEntry
from ranking.tests.conftest import apply, interview, interviewed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cycle, quota):  # type: ignore[no-untyped-def]
    out = [factories.make_applicant(cycle=cycle) for _ in range(4)]
    for person in out:
        interviewed(person, quota)
    return out


def order(quota):  # type: ignore[no-untyped-def]
    return list(
        RankEntry.objects.filter(rank_list__quota=quota)
        .order_by("position")
        .values_list("applicant__matching_id", flat=True)
    )


def upload(client, quota, content: bytes, name: str = "list.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("ranking:program_import", args=[quota.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_a_file_with_a_header_replaces_the_draft_in_its_order(as_user, director, quota, people):
    services.program_rank_list_add(actor=director, quota=quota, applicant=people[0])
    rows = [people[2], people[0], people[3]]
    content = "matching_id,name\n" + "".join(f"{p.matching_id},{p.sorted_name}\n" for p in rows)
    client = as_user(director)
    response = upload(client, quota, content.encode())
    assert response.status_code == 302
    assert order(quota) == [p.matching_id for p in rows]
    page = client.get(response["Location"]).content.decode()
    assert "Imported 3 applicants into the draft" in page
    assert "Not submitted" in page  # importing does not submit


def test_utf8_with_a_bom_semicolons_a_french_header_and_lower_case_ids_are_read(
    as_user, director, quota, people
):
    content = "\ufeffIdentifiant;Nom\r\n" + "".join(
        f"{p.matching_id.lower()};{p.sorted_name} é\r\n" for p in reversed(people)
    )
    assert upload(as_user(director), quota, content.encode("utf-8")).status_code == 302
    assert order(quota) == [p.matching_id for p in reversed(people)]


def test_a_file_without_header_takes_the_first_column(director, quota, people):
    content = "\n".join(f"{p.matching_id},{n}" for n, p in enumerate(people, 1)).encode()
    services.program_rank_list_import(actor=director, quota=quota, content=content)
    assert order(quota) == [p.matching_id for p in people]


def test_every_refused_row_is_reported_with_its_row_value_and_fix_and_nothing_changes(
    as_user, director, quota, people, cycle, other_program
):
    services.program_rank_list_add(actor=director, quota=quota, applicant=people[0])
    not_interviewed = factories.make_applicant(cycle=cycle)
    interview(apply(not_interviewed, quota), InterviewStatus.WAITLISTED)
    elsewhere = factories.make_applicant(cycle=cycle)
    interviewed(elsewhere, other_program.quotas.first())
    gone = factories.make_applicant(cycle=cycle)
    interviewed(gone, quota)
    Participation.objects.filter(applicant=gone).update(withdrawn_at=timezone.now())
    lines = [
        "matching_id,name",
        f"{people[1].matching_id},ok",  # row 2
        "ZZ999999,unknown",  # row 3
        f"{people[1].matching_id},again",  # row 4
        f"{not_interviewed.matching_id},waitlisted",  # row 5
        f"{elsewhere.matching_id},other program",  # row 6
        ",no id",  # row 7
        f"{gone.matching_id},withdrawn",  # row 8
    ]
    response = upload(as_user(director), quota, "\n".join(lines).encode())
    body = response.content.decode()
    assert response.status_code == 400
    assert "6 rows of the file are refused" in body and "nothing was changed" in body
    report = body[body.index("Rows refused") :]
    for row, value, problem in [
        (3, "ZZ999999", "No applicant has this match identifier."),
        (4, people[1].matching_id, "This applicant is already on row 2."),
        (5, not_interviewed.matching_id, "was not interviewed for this quota"),
        (6, elsewhere.matching_id, "did not apply to this quota"),
        (7, "—", "The match identifier is missing."),
        (8, gone.matching_id, "no longer takes part in the match"),
    ]:
        assert f"<tr><td>{row}</td><td>{value}</td>" in report
        assert problem in report
    assert "set their interview status to “Selected for an interview”" in report
    assert order(quota) == [people[0].matching_id]  # the draft is untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is not a CSV text file"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "This is not a CSV text file"),
        ("A000001\nÉ".encode("latin-1"), "The file is not UTF-8 text"),
        (b"", "The file is empty"),
        (b"matching_id\n", "no rows under its first line"),
        (b'"unclosed\n', "not a readable CSV file"),
    ],
)
def test_files_that_are_not_usable_are_refused_whole(
    as_user, director, quota, people, content, message
):
    services.program_rank_list_add(actor=director, quota=quota, applicant=people[0])
    response = upload(as_user(director), quota, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert order(quota) == [people[0].matching_id]


def test_a_file_over_the_size_cap_is_refused(director, quota, people):
    big = b"A000001\n" * (services.MAX_IMPORT_BYTES // 8 + 1)
    with pytest.raises(DomainError) as error:
        services.program_rank_list_import(actor=director, quota=quota, content=big)
    assert error.value.code == "too_big"
    assert order(quota) == []


def test_the_import_is_locked_at_the_program_deadline(as_user, director, quota, people, iteration):
    after = milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE) + dt.timedelta(minutes=1)
    content = f"{people[0].matching_id}\n".encode()
    with time_machine.travel(after):
        client = as_user(director)
        assert (
            "this list is locked"
            in client.get(reverse("ranking:program_import", args=[quota.pk])).content.decode()
        )
        with pytest.raises(DomainError, match="closed"):
            services.program_rank_list_import(actor=director, quota=quota, content=content)
    assert order(quota) == []


def test_reviewers_other_directors_applicants_and_anonymous_cannot_import(
    as_user, program, quota, people, other_director, applicant
):
    reviewer = factories.make_staff(role=Role.FILE_REVIEWER, program=program)
    content = f"{people[0].matching_id}\n".encode()
    url = reverse("ranking:program_import", args=[quota.pk])
    for user in (reviewer, other_director, applicant.user):
        assert as_user(user).get(url).status_code == 403
        assert upload(as_user(user), quota, content).status_code == 403
    assert upload(as_user(None), quota, content).status_code == 302
    assert order(quota) == []
