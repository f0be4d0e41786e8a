"""Provincial IMG lists uploaded as CSV (site and API): row by row, with a report; a file that
cannot be read changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Role
from applicants.models import ProvincialEligibility, ProvincialListImport
from applicants.services import parse_provincial_csv
from core.errors import DomainError
from core.models import AuditEntry
from integrations.models import Organisation, OrganisationKind
from integrations.services import token_issue
from tests import factories

pytestmark = pytest.mark.django_db
API = "/en/api/applicants/provincial-list"


@pytest.fixture
def aimg(db):
    return factories.make_staff(role=Role.ASSESSMENT_BODY, province="AB")


@pytest.fixture
def imgs(cycle):
    return [factories.make_applicant(cycle=cycle, img=True) for _ in range(3)]


def _upload(client, content: bytes, name="list.csv"):
    return client.post(
        "/en/applicant/provincial-list/upload/?province=AB",
        {"province": "AB", "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def _csv(*rows: str, header="matching_id,family_name") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_each_row_is_validated_and_the_report_lists_reasons(as_user, cycle, aimg, imgs, applicant):
    a, b, c = imgs
    ProvincialEligibility.objects.create(applicant=c, cycle=cycle, province="AB")
    content = _csv(
        f"{a.matching_id},{a.last_name.upper()}",  # case does not matter
        f"{b.matching_id},Wrongname",
        f"{c.matching_id},{c.last_name}",  # already on the list
        f"{applicant.matching_id},{applicant.last_name}",  # a CMG
        "A999999,Nobody",
        f"{a.matching_id},{a.last_name}",  # twice
        f",{b.last_name}",
    )
    response = _upload(as_user(aimg), content)
    assert response.status_code == 302
    report = ProvincialListImport.objects.get()
    assert (report.accepted, report.unchanged, report.rejected) == (1, 1, 5)
    assert set(
        ProvincialEligibility.objects.filter(province="AB").values_list("applicant", flat=True)
    ) == {a.pk, c.pk}
    page = as_user(aimg).get(response["Location"]).content.decode()
    for reason in (
        "Added to the list.",
        "The family name does not match",
        "Already on the list",
        "only IMGs go on the list",
        "No applicant has this match identifier.",
        "appears earlier in the file",
        "is empty",
    ):
        assert reason in page
    assert AuditEntry.objects.filter(action="applicants.provincial_list.added").count() == 1
    assert AuditEntry.objects.filter(action="applicants.provincial_list.imported").count() == 1


def test_the_report_is_translated(as_user, cycle, aimg, imgs):
    response = _upload(as_user(aimg), _csv("A999999,Nobody"))
    page = as_user(aimg).get(response["Location"].replace("/en/", "/fr/")).content.decode()
    assert "Aucun candidat" in page


def test_a_row_of_another_province_is_rejected(as_user, cycle, aimg, imgs):
    a = imgs[0]
    _upload(
        as_user(aimg),
        _csv(f"{a.matching_id},{a.last_name},BC", header="matching_id,family_name,province"),
    )
    assert ProvincialListImport.objects.get().rows[0]["code"] == "wrong_province"
    assert not ProvincialEligibility.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("matching_id,family_name\nA1,Émile\n".encode("latin-1"), "not UTF-8"),
        (b"id,name\nA000001,Smith\n", "The first line must name the columns"),
        (b"matching_id,family_name\n", "no rows"),
        (b"", "empty"),
        (b"matching_id,family_name\n" + b"A000001,x\n" * 300000, "larger than 2 MB"),
    ],
)
def test_an_unreadable_file_changes_nothing(as_user, cycle, aimg, imgs, content, message):
    response = _upload(as_user(aimg), content)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ProvincialListImport.objects.exists()
    assert not ProvincialEligibility.objects.exists()


def test_a_semicolon_file_with_a_bom_is_read(as_user, cycle, aimg, imgs):
    a = imgs[0]
    content = f"\ufeffmatching_id;family_name\n{a.matching_id};{a.last_name}\n"
    _upload(as_user(aimg), content.encode())
    assert ProvincialEligibility.objects.filter(applicant=a, province="AB").exists()


def test_the_api_takes_the_same_csv_with_an_organisation_token(client, cycle, imgs):
    body = Organisation.objects.create(
        name="AIMG", kind=OrganisationKind.PROVINCIAL_BODY, province="AB"
    )
    _, raw = token_issue(actor=None, organisation=body)
    a, b, _c = imgs
    response = client.post(
        API,
        data=_csv(f"{a.matching_id},{a.last_name}", f"{b.matching_id},Other"),
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["province"] == "AB" and out["accepted"] == 1 and out["rejected"] == 1
    assert out["rows"][1]["code"] == "name_mismatch"
    assert ProvincialEligibility.objects.get().applicant == a
    assert ProvincialListImport.objects.get().organisation == body
    bad = client.post(
        API, data=b"nope\n", content_type="text/csv", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert bad.status_code == 400 and "first line" in bad.json()["detail"]


# --- Refusals --------------------------------------------------------------------------------


def test_the_api_refuses_other_tokens_sessions_and_provinces_without_a_list(
    as_user, client, cycle, imgs, applicant
):
    a = imgs[0]
    content = _csv(f"{a.matching_id},{a.last_name}")
    school = Organisation.objects.create(name="School", kind=OrganisationKind.SCHOOL)
    ontario = Organisation.objects.create(
        name="Ontario", kind=OrganisationKind.PROVINCIAL_BODY, province="ON"
    )
    _, school_raw = token_issue(actor=None, organisation=school)
    _, ontario_raw = token_issue(actor=None, organisation=ontario)
    for headers in ({}, {"HTTP_AUTHORIZATION": f"Bearer {school_raw}"}):
        assert client.post(API, data=content, content_type="text/csv", **headers).status_code == 401
    signed_in = as_user(applicant.user)
    assert signed_in.post(API, data=content, content_type="text/csv").status_code == 401
    response = client.post(
        API, data=content, content_type="text/csv", HTTP_AUTHORIZATION=f"Bearer {ontario_raw}"
    )
    assert response.status_code == 403
    assert not ProvincialEligibility.objects.exists()


def test_another_provinces_body_cannot_upload_or_read_a_report(as_user, cycle, aimg, imgs):
    bccap = factories.make_staff(role=Role.ASSESSMENT_BODY, province="BC")
    a = imgs[0]
    response = as_user(bccap).post(
        "/en/applicant/provincial-list/upload/?province=AB",
        {
            "province": "AB",
            "file": SimpleUploadedFile("l.csv", _csv(f"{a.matching_id},{a.last_name}")),
        },
    )
    assert response.status_code == 403
    report_url = _upload(as_user(aimg), _csv(f"{a.matching_id},{a.last_name}"))["Location"]
    assert as_user(bccap).get(report_url).status_code == 403
    assert as_user(a.user).get(report_url).status_code == 403
    assert "/accounts/login/" in as_user(None).get(report_url)["Location"]


def test_applicants_and_program_staff_cannot_upload(as_user, cycle, imgs, director):
    for user in (imgs[0].user, director):
        assert (
            as_user(user).get("/en/applicant/provincial-list/upload/?province=AB").status_code
            == 403
        )


@given(content=st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
@settings(max_examples=150, deadline=None)
def test_any_bytes_give_rows_or_a_clear_refusal_never_a_crash(content):
    try:
        rows = parse_provincial_csv(content)
    except DomainError as error:
        assert error.message and error.code
    else:
        assert rows and all(set(row) <= {"matching_id", "family_name", "province"} for row in rows)
