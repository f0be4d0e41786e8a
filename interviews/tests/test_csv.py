"""Statuses by CSV upload: UTF-8 with or without BOM, `,` or `;`, all or nothing, a report
that names the row, the value and how to fix it; size and type refused before reading."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from interviews import services
from interviews.csv_upload import error_message
from interviews.models import InterviewOffer, InterviewStatusChange, InterviewUpload

pytestmark = pytest.mark.django_db


def upload_url(world):  # type: ignore[no-untyped-def]
    return f"/en/interviews/program/{world.program.code}/upload/"


def csv_file(text: str, *, bom: bool = False, name: str = "statuses.csv") -> SimpleUploadedFile:
    data = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")


def test_a_valid_file_with_bom_and_semicolons_is_applied_and_e_mails_each_change(
    as_user, world, django_capture_on_commit_callbacks
):
    text = (
        "Application_ID;Status;Message;Waitlist_Position\r\n"
        f'{world.a_alice.pk};Waitlisted;"Second; on our list";2\r\n'
        f"{world.a_bruno.pk};Non retenu;;\r\n"
        f"{world.a_chloe.pk};waitlisted;;1\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.director).post(
            upload_url(world), {"file": csv_file(text, bom=True)}, follow=True
        )
    body = response.content.decode()
    assert "Applied: 3 rows read, 3 statuses changed" in body
    offers = {o.application_id: o for o in InterviewOffer.objects.all()}
    assert offers[world.a_alice.pk].message == "Second; on our list"
    assert offers[world.a_bruno.pk].status == "not_selected"
    assert (
        offers[world.a_chloe.pk].waitlist_position,
        offers[world.a_alice.pk].waitlist_position,
    ) == (1, 2)
    assert len(mail.outbox) == 3
    assert set(InterviewStatusChange.objects.values_list("source", flat=True)) == {"csv"}


def test_matching_ids_commas_and_a_file_without_bom(world):
    text = (
        "matching_id,status\n"
        f"{world.alice.matching_id},selected\n"
        f"{world.img.matching_id.lower()},not_this_iteration\n"
    )
    upload = services.interview_csv_import(
        actor=world.director, program=world.program, content=text.encode(), filename="x.csv"
    )
    assert upload.applied and upload.changed == 2
    assert InterviewOffer.objects.get(application=world.a_img).status == "not_this_iteration"


def test_one_bad_row_changes_nothing_and_every_bad_row_is_reported(
    as_user, world, django_capture_on_commit_callbacks
):
    text = (
        "application_id,matching_id,status,message,waitlist_position\n"
        f"{world.a_alice.pk},,selected,,\n"
        f"{world.a_bruno.pk},,maybe,,\n"
        "abc,,selected,,\n"
        "999999,,selected,,\n"
        ",A999999,selected,,\n"
        f"{world.a_alice.pk},,waitlisted,,\n"
        f"{world.a_chloe.pk},,selected,,3\n"
        f"{world.a_chloe.pk},{world.alice.matching_id},selected,,\n"
        ",,selected,,\n"
        f"{world.a_img.pk},,waitlisted,,zero\n"
        f"{world.a_img.pk},,selected,{'x' * 2001},\n"
        f"{world.a_img.pk},,selected,,,extra\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.director).post(
            upload_url(world), {"file": csv_file(text)}, follow=True
        )
    body = response.content.decode()
    assert "Nothing was changed: 11 rows must be corrected" in body
    assert not InterviewOffer.objects.exists() and mail.outbox == []
    report = InterviewUpload.objects.get()
    assert not report.applied
    codes = {(e["row"], e["code"]) for e in report.errors}
    assert codes == {
        (3, "bad_status"),
        (4, "bad_application_id"),
        (5, "unknown_application"),
        (6, "unknown_applicant"),
        (7, "duplicate"),
        (8, "position_not_waitlisted"),
        (9, "mismatch"),
        (9, "duplicate"),
        (10, "missing_id"),
        (11, "bad_position"),
        (12, "long_message"),
        (12, "duplicate"),
        (13, "extra_cells"),
    }
    assert "Row 3: “maybe” is not an interview status. Write one of: selected" in body
    assert f"Row 7: application “{world.a_alice.pk}” is already on row 2" in body
    assert "Row 5: “999999” is not a submitted application to this program" in body


def test_the_report_is_translated(world):
    from django.utils import translation

    error = {"row": 3, "column": "status", "value": "maybe", "code": "bad_status"}
    with translation.override("fr"):
        assert error_message(error).startswith("Ligne 3")


def test_an_applicant_in_two_streams_must_be_named_by_application(world):
    from interviews.tests.conftest import submit

    world.program.quotas.create(iteration=world.iteration, stream="CMP", positions=1)
    submit(world.alice, world.program, "CMP")
    text = f"matching_id,status\n{world.alice.matching_id},selected\n"
    upload = services.interview_csv_import(
        actor=world.director, program=world.program, content=text.encode()
    )
    assert [e["code"] for e in upload.errors] == ["ambiguous_applicant"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "s.csv", "empty"),
        (b"a" * (1024 * 1024 + 1), "s.csv", "larger than 1"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF", "s.csv", "not a CSV text file"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "s.xlsx", "not a CSV text file"),
        ("application_id,status\n1,sélectionné\n".encode("latin-1"), "s.csv", "not UTF-8"),
        (b"id,decision\n1,selected\n", "s.csv", "first line must name the columns"),
        (b"application_id,status\n", "s.csv", "no rows"),
        (b"application_id,status\n1,selected\n", "s.xlsx", "not a CSV text file"),
    ],
)
def test_an_unreadable_file_is_refused_whole(as_user, world, content, name, message):
    with pytest.raises(DomainError, match=message):
        services.interview_csv_import(
            actor=world.director, program=world.program, content=content, filename=name
        )
    response = as_user(world.director).post(
        upload_url(world),
        {"file": SimpleUploadedFile(name, content or b" ", content_type="text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    assert not InterviewUpload.objects.exists() and not InterviewOffer.objects.exists()


def test_a_reviewer_cannot_upload_rows_outside_their_streams(as_user, world):
    text = f"application_id,status\n{world.a_alice.pk},selected\n{world.a_img.pk},selected\n"
    as_user(world.cmg_reviewer).post(upload_url(world), {"file": csv_file(text)})
    report = InterviewUpload.objects.get()
    assert [(e["row"], e["code"]) for e in report.errors] == [(3, "not_allowed")]
    assert not InterviewOffer.objects.exists()


@pytest.mark.parametrize("who", ["read_only", "removed", "other_director", "alice", "pgme"])
def test_those_who_may_not_decide_cannot_upload(as_user, world, who):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    text = f"application_id,status\n{world.a_alice.pk},selected\n"
    assert as_user(user).post(upload_url(world), {"file": csv_file(text)}).status_code == 403
    assert not InterviewUpload.objects.exists()


def test_the_list_downloads_in_the_upload_format_and_uploads_back(as_user, world):
    services.interview_status_set(
        actor=world.director, application=world.a_alice, status="waitlisted", message="=cmd()"
    )
    response = as_user(world.director).get(
        f"/en/interviews/program/{world.program.code}/statuses.csv"
    )
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("application_id,matching_id,family_name")
    assert "'=cmd()" in text  # a spreadsheet will not run it
    upload = services.interview_csv_import(
        actor=world.director, program=world.program, content=response.content, filename="back.csv"
    )
    assert upload.errors == [
        {"row": r, "column": "status", "value": "", "code": "bad_status"} for r in (3, 4, 5)
    ]
