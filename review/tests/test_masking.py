"""Masking rules: what the program hides from its file reviewers (and the PGME office) — in
the list, the reader, the PDF, the export, the API and document downloads — always or until a
milestone; the director and administrators see everything."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.template.loader import render_to_string

from applicants.models import FileEntry
from applications.selectors import assemble_application
from cycles.selectors import milestone_at
from documents.models import DocumentAssignment
from review.models import MaskedItem, MaskingRule
from review.selectors import mask_application, masked_items

#: The birth year as a word (not inside an id such as user1998@example.org).
BIRTH_YEAR = re.compile(r"\b1998\b")

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(world):  # type: ignore[no-untyped-def]
    """The CMG application with a photo, MCC results, a date of birth and an MCCQE1 score."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.tests.conftest import upload_document
    from documents import services as documents

    applicant = world.applicant
    FileEntry.objects.create(
        applicant=applicant,
        section="personal",
        language="en",
        data={"date_of_birth": "1998-03-14", "phone": "416-555-0199", "country": "Canada"},
    )
    FileEntry.objects.create(
        applicant=applicant,
        section="mcc_exams",
        language="en",
        data={"exam": "mccqe1", "date": "2026-04-22", "result": "pass", "score": "287.5"},
    )
    world.photo = documents.document_upload(
        applicant=applicant,
        cycle=world.cycle,
        doc_type="photo",
        language="en",
        upload=SimpleUploadedFile("me.png", _png(), content_type="image/png"),
        filename="me.png",
    )
    world.mcc = upload_document(applicant, world.cycle, "supplementary")
    world.mcc.type, world.mcc.source = "mcc_exam", "third_party"  # sent by the MCC
    world.mcc.save()
    world.cv = upload_document(applicant, world.cycle, "cv")
    for d in (world.photo, world.mcc, world.cv):
        DocumentAssignment.objects.create(document=d, application=world.cmg)
    return world


def _png() -> bytes:
    """A 1×1 PNG image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _rule(world, item, until=""):  # type: ignore[no-untyped-def]
    MaskingRule.objects.create(program=world.program, item=item, until=until)


def test_the_photo_is_hidden_from_reviewers_until_interviews_start(as_user, file):
    w = file
    _rule(w, MaskedItem.PHOTO, "interviews_start")
    start = milestone_at(w.iteration, "interviews_start")
    reader = f"/en/review/application/{w.cmg.pk}/"
    photo = f"{reader}documents/{w.photo.pk}/"
    with time_machine.travel(start - dt.timedelta(hours=1)):
        page = as_user(w.reviewer).get(reader).content.decode()
        assert "Photo: hidden by the program until “Interview period begins”." in page
        assert photo not in page and f"{reader}documents/{w.cv.pk}/" in page
        assert as_user(w.reviewer).get(photo).status_code == 403
        assert as_user(w.pgme).get(photo).status_code == 403
        # the director sees everything
        assert photo in as_user(w.director).get(reader).content.decode()
        assert as_user(w.director).get(photo).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=1)):
        assert photo in as_user(w.reviewer).get(reader).content.decode()
        assert as_user(w.reviewer).get(photo).status_code == 200


def test_date_of_birth_and_citizenship_hidden_always(as_user, file):
    w = file
    _rule(w, MaskedItem.DATE_OF_BIRTH)
    _rule(w, MaskedItem.CITIZENSHIP)
    reader = f"/en/review/application/{w.cmg.pk}/"
    page = as_user(w.reviewer).get(reader).content.decode()
    assert not BIRTH_YEAR.search(page) and "416-555-0199" in page
    assert "Canadian citizen" not in page
    assert "Citizenship and legal status: hidden by the program." in page
    director = as_user(w.director).get(reader).content.decode()
    assert BIRTH_YEAR.search(director) and "Canadian citizen" in director
    # the PDF is built from the same masked application
    masked = masked_items(w.program, viewer=w.reviewer, iteration=w.iteration)
    html = render_to_string(
        "applications/application_pdf.html",
        {
            "app": mask_application(assemble_application(w.cmg, viewer=w.reviewer), masked),
            "masked": masked,
        },
    )
    assert not BIRTH_YEAR.search(html) and "Canadian citizen" not in html and "416-555-0199" in html
    pdf = as_user(w.reviewer).get(reader + "application.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_exam_scores_hidden_in_list_export_api_and_reader(as_user, file):
    w = file
    _rule(w, MaskedItem.EXAM_SCORES)
    code = w.program.code
    client = as_user(w.reviewer)
    page = client.get(f"/en/review/program/{code}/").content.decode()
    assert "MCCQE1" in page and "287.5" not in page
    csv = client.get(f"/en/review/program/{code}/export.csv").content.decode("utf-8-sig")
    assert "287.5" not in csv and "MCCQE1 result" in csv and "pass" in csv
    body = client.get(f"/en/api/review/programs/{code}/applications?exam=mccqe1&min_score=290")
    data = body.json()
    # the minimum score is not applied: filtering on a hidden score would reveal it
    assert [r["id"] for r in data["rows"]] == [w.cmg.pk] and data["ignored"]
    assert data["rows"][0]["exams"][0]["score"] is None and data["masked"] == ["exam_scores"]
    reader = client.get(f"/en/review/application/{w.cmg.pk}/").content.decode()
    assert "287.5" not in reader and f"documents/{w.mcc.pk}/" not in reader
    assert client.get(f"/en/review/application/{w.cmg.pk}/documents/{w.mcc.pk}/").status_code == 403
    director = as_user(w.director)
    assert "287.5" in director.get(f"/en/review/program/{code}/").content.decode()
    data = director.get(f"/en/api/review/programs/{code}/applications?exam=mccqe1&min_score=290")
    assert data.json()["rows"] == [] and data.json()["ignored"] == []


def test_the_director_sets_the_rules(as_user, world):
    client = as_user(world.director)
    url = f"/en/review/program/{world.program.code}/masking/"
    client.post(
        url, {"photo": "interviews_start", "date_of_birth": "always", "citizenship": "shown"}
    )
    assert dict(MaskingRule.objects.values_list("item", "until")) == {
        "photo": "interviews_start",
        "date_of_birth": "",
    }
    settings = client.get(f"/en/review/program/{world.program.code}/settings/").content.decode()
    assert 'value="interviews_start" selected' in settings
    client.post(url, {"photo": "shown"})
    assert not MaskingRule.objects.exists()  # items left out of the form are shown
    page = client.post(url, {"photo": "match_day"}, follow=True).content.decode()
    assert "Choose one of the options" in page and not MaskingRule.objects.exists()


def test_a_hidden_document_is_not_downloaded_by_its_id_either(file, as_user):
    """``document.view`` consults ``document_hidden_from``: the photo hidden from reviewers is
    not served by ``documents:download`` either, while the director still gets it."""
    from django.urls import reverse

    from review.selectors import document_hidden_from

    w = file
    _rule(w, MaskedItem.PHOTO)
    assert document_hidden_from(w.reviewer, w.photo)
    assert document_hidden_from(w.pgme, w.photo)
    assert not document_hidden_from(w.reviewer, w.cv)
    assert not document_hidden_from(w.reviewer, w.mcc)  # exam scores are not masked
    assert not document_hidden_from(w.director, w.photo)
    assert not document_hidden_from(w.applicant.user, w.photo)
    assert not document_hidden_from(w.match_admin, w.photo)
    download = reverse("documents:download", args=[w.photo.pk])
    assert as_user(w.reviewer).get(download).status_code == 403
    assert as_user(w.pgme).get(download).status_code == 403
    assert as_user(w.director).get(download).status_code == 200
    assert as_user(w.reviewer).get(reverse("documents:download", args=[w.cv.pk])).status_code == 200


def test_a_download_by_id_is_logged_for_the_program_but_not_for_the_applicant(file, as_user):
    """ "Every opening of a file is logged": documents:download counts as one, like the
    reader's own link; the applicant reading their own document is not the program's log."""
    from django.urls import reverse

    from review.models import AccessKind, FileAccess

    w = file
    download = reverse("documents:download", args=[w.cv.pk])
    assert as_user(w.reviewer).get(download).status_code == 200
    logged = FileAccess.objects.get(user=w.reviewer)
    assert logged.application == w.cmg and logged.what == AccessKind.DOCUMENT
    assert logged.document == w.cv
    assert as_user(w.applicant.user).get(download).status_code == 200
    assert as_user(w.match_admin).get(download).status_code == 200
    assert FileAccess.objects.count() == 1
