"""The documents API: the applicant's own statuses; third parties authenticated by their
organisation's token (school, MCC, Casper, FMProC, provincial body), each only its own types."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from documents.models import Document, DocumentStatus, Source, StatusVerification
from documents.tests.conftest import (
    make_encrypted_pdf,
    make_image,
    make_pdf,
    make_scripted_pdf,
    upload,
)
from integrations.models import OrganisationKind

pytestmark = pytest.mark.django_db

MINE = "/en/api/documents/mine"
TRANSFER = "/en/api/documents/third-party/documents"
MCC_STATUS = "/en/api/documents/third-party/mcc/status"


def _send(headers, applicant, *, type="mspr", content=None, name="mspr.pdf", language="en"):  # type: ignore[no-untyped-def]
    return Client().post(
        TRANSFER,
        {
            "matching_id": applicant.matching_id,
            "type": type,
            "language": language,
            "file": upload(content if content is not None else make_pdf(), name),
        },
        **headers,
    )


def test_a_school_sends_an_mspr_which_the_applicant_sees_received(as_user, applicant, school_org):
    organisation, headers = school_org
    response = _send(headers, applicant)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "received" and data["created"] is True
    document = Document.objects.get(pk=data["id"])
    assert document.source == Source.SCHOOL
    assert document.organisation == organisation
    assert document.history.get().organisation == organisation
    mine = as_user(applicant.user).get(MINE).json()
    assert [(d["type"], d["status"], d["source"]) for d in mine["documents"]] == [
        ("mspr", "received", "school")
    ]


def test_sending_the_same_file_again_is_idempotent(applicant, school_org):
    _, headers = school_org
    pdf = make_pdf()
    first = _send(headers, applicant, content=pdf).json()
    again = _send(headers, applicant, content=pdf)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["created"] is False
    assert Document.objects.count() == 1


def test_each_kind_sends_only_its_own_types(applicant, school_org, organisation_with_token):
    _, school = school_org
    _, casper = organisation_with_token(OrganisationKind.CASPER)
    _, mcc = organisation_with_token(OrganisationKind.MCC)
    _, province = organisation_with_token(OrganisationKind.PROVINCIAL_BODY, province="AB")
    refused = _send(school, applicant, type="casper")
    assert refused.status_code == 400
    assert "may not send this type" in refused.json()["detail"]
    assert _send(casper, applicant, type="mspr").status_code == 400
    assert _send(casper, applicant, type="casper").status_code == 201
    assert _send(mcc, applicant, type="mcc_exam").status_code == 201
    assert _send(province, applicant, type="cap_report").status_code == 201
    assert Document.objects.filter(source=Source.THIRD_PARTY).count() == 3


def test_transfers_go_through_the_same_checks(applicant, school_org):
    _, headers = school_org
    encrypted = _send(headers, applicant, content=make_encrypted_pdf())
    assert encrypted.status_code == 400
    assert encrypted.json()["code"] == "encrypted"
    assert _send(headers, applicant, content=make_image("PNG")).json()["code"] == "mislabelled"
    data = make_pdf()
    assert _send(headers, applicant, content=data[:300]).json()["code"] == "malformed"
    assert not Document.objects.exists()
    ok = _send(headers, applicant, content=make_scripted_pdf())
    assert ok.status_code == 201
    with Document.objects.get().file.open("rb") as f:
        assert b"app.alert" not in f.read()


def test_transfers_are_refused_without_a_valid_organisation_token(
    as_user, applicant, organisation_with_token, school_org
):
    _, translator = organisation_with_token(OrganisationKind.TRANSLATOR)
    assert _send(translator, applicant).status_code == 401
    assert _send({}, applicant).status_code == 401
    assert _send({"HTTP_AUTHORIZATION": "Bearer jmlg_wrong"}, applicant).status_code == 401
    # An applicant's session is not a third party's token.
    response = as_user(applicant.user).post(
        TRANSFER, {"matching_id": applicant.matching_id, "type": "mspr", "language": "en"}
    )
    assert response.status_code == 401
    _, school = school_org
    unknown = Client().post(
        TRANSFER,
        {"matching_id": "NOPE", "type": "mspr", "language": "en", "file": upload(make_pdf())},
        **school,
    )
    assert unknown.status_code == 404
    assert not Document.objects.exists()


# --- The MCC shares the identity validity period ----------------------------------------------


def _share(headers, matching_id, valid_until):  # type: ignore[no-untyped-def]
    return Client().post(
        MCC_STATUS,
        {"matching_id": matching_id, "valid_until": valid_until.isoformat()},
        content_type="application/json",
        **headers,
    )


def test_the_mcc_shares_a_verified_status(as_user, applicant, mcc_org):
    _, headers = mcc_org
    until = timezone.localdate() + dt.timedelta(days=365)
    response = _share(headers, applicant.matching_id, until)
    assert response.status_code == 200
    assert response.json() == {
        "matching_id": applicant.matching_id,
        "verified": True,
        "valid_until": until.isoformat(),
    }
    assert _share(headers, applicant.matching_id, until).status_code == 200
    assert StatusVerification.objects.count() == 1
    mine = as_user(applicant.user).get(MINE).json()
    assert mine["citizenship_verified"] is True
    assert mine["citizenship_valid_until"] == until.isoformat()


def test_the_mcc_endpoint_refuses_others_and_bad_input(applicant, school_org, mcc_org, as_user):
    _, school = school_org
    _, mcc = mcc_org
    until = timezone.localdate() + dt.timedelta(days=30)
    assert _share(school, applicant.matching_id, until).status_code == 401
    assert _share({}, applicant.matching_id, until).status_code == 401
    assert (
        as_user(applicant.user)
        .post(
            MCC_STATUS,
            {"matching_id": applicant.matching_id, "valid_until": until.isoformat()},
            content_type="application/json",
        )
        .status_code
        == 401
    )
    assert _share(mcc, "UNKNOWN", until).status_code == 404
    expired = _share(mcc, applicant.matching_id, timezone.localdate() - dt.timedelta(days=1))
    assert expired.status_code == 400
    assert "already ended" in expired.json()["detail"]
    bad = Client().post(
        MCC_STATUS,
        {"matching_id": applicant.matching_id, "valid_until": "soon"},
        content_type="application/json",
        **mcc,
    )
    assert bad.status_code == 422
    assert not StatusVerification.objects.exists()


# --- The applicant's own statuses -------------------------------------------------------------


def test_mine_lists_only_the_applicants_own_documents(
    as_user, applicant, other_applicant, mspr, match_admin
):
    from documents.services import document_reject

    document_reject(actor=match_admin, document=mspr, reason="Unreadable")
    data = as_user(applicant.user).get(MINE).json()
    assert data["citizenship_verified"] is False
    assert [(d["id"], d["status"], d["rejected_reason"]) for d in data["documents"]] == [
        (mspr.pk, DocumentStatus.REJECTED, "Unreadable")
    ]
    assert as_user(other_applicant.user).get(MINE).json()["documents"] == []


def test_mine_is_refused_to_staff_and_anonymous(as_user, director):
    assert as_user(director).get(MINE).status_code == 403
    assert as_user(None).get(MINE).status_code == 401


def test_the_endpoints_are_in_the_openapi_schema(as_user, applicant):
    paths = as_user(applicant.user).get("/en/api/openapi.json").json()["paths"]
    for path in (MINE, TRANSFER, MCC_STATUS, "/en/api/documents/third-party/translations"):
        assert path.removeprefix("/en") in paths or path in paths


def test_the_applicant_is_emailed_in_their_language_when_a_document_arrives(
    cycle, school_org, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests import factories

    french = factories.make_applicant(cycle=cycle, language="fr")
    organisation, headers = school_org
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(headers, french).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(headers, french, content=make_pdf()).status_code in (200, 201)
    assert len(mail.outbox) >= 1
    message = mail.outbox[0]
    assert message.to == [french.user.email]
    assert "ajouté" in message.subject
    assert organisation.name in message.body and "Reçu" in message.body


def test_the_same_file_sent_in_a_later_cycle_is_a_new_document(applicant, school_org, cycle):
    from tests import factories

    _, headers = school_org
    pdf = make_pdf()
    first = _send(headers, applicant, content=pdf).json()
    cycle.is_current = False
    cycle.save()
    factories.make_cycle(phase="program_selection", year=2028)
    later = _send(headers, applicant, content=pdf)
    assert later.status_code == 201 and later.json()["id"] != first["id"]


def test_cleaning_the_same_file_twice_gives_the_same_bytes():
    """A repeated transfer is recognised by the SHA-256 of the cleaned file, so cleaning must
    not depend on the moment (a time-based PDF /ID once made the idempotency test flaky)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.uploads import clean_upload

    pdf = make_pdf()
    hashes = {
        clean_upload(
            upload=SimpleUploadedFile("mspr.pdf", pdf), filename="mspr.pdf", doc_type="mspr"
        ).sha256
        for _ in range(3)
    }
    assert len(hashes) == 1
