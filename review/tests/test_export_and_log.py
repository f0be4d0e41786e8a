"""Exports of the list (CSV for spreadsheets, a printable PDF) and the log of every opening of
a file, which the director reads as "who opened this file"."""

from __future__ import annotations

import csv
import io

import pytest

from applicants.models import ApplicantProfile
from review.models import AccessKind, FileAccess

pytestmark = pytest.mark.django_db


def _csv(client, world, query=""):  # type: ignore[no-untyped-def]
    response = client.get(f"/en/review/program/{world.program.code}/export.csv?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_the_filtered_list_and_cannot_run_formulas(as_user, world):
    ApplicantProfile.objects.filter(pk=world.cmg.applicant_id).update(
        last_name='=HYPERLINK("http://evil.example","Click")', first_name="Zoé"
    )
    ApplicantProfile.objects.filter(pk=world.img.applicant_id).update(
        last_name="+1-555", first_name="@SUM(A1)"
    )
    rows = _csv(as_user(world.director), world)
    header, *body = rows
    assert header[:3] == ["Match identifier", "Family name, given name", "E-mail address"]
    names = {r[0]: r[1] for r in body}
    assert (
        names[world.cmg.applicant.matching_id] == '\'=HYPERLINK("http://evil.example","Click"), Zoé'
    )
    assert names[world.img.applicant.matching_id] == "'+1-555, @SUM(A1)"
    assert all(not cell or cell[0] not in "=+-@" for row in rows for cell in row)
    only_img = _csv(as_user(world.director), world, "stream=IMG")
    assert [r[0] for r in only_img[1:]] == [world.img.applicant.matching_id]
    french = as_user(world.director).get(f"/fr/review/program/{world.program.code}/export.csv")
    assert "Identifiant de jumelage" in french.content.decode("utf-8-sig")


def test_the_printable_list_is_a_pdf_with_its_filters(as_user, world):
    from django.template.loader import render_to_string

    from review.forms import list_from_query
    from review.selectors import visible_quotas

    response = as_user(world.reviewer).get(
        f"/en/review/program/{world.program.code}/list.pdf?stream=IMG"
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    _form, listing = list_from_query(
        world.program,
        visible_quotas(world.program, world.reviewer),
        {"stream": "IMG"},
        viewer=world.reviewer,
    )
    from review.views import _display_rows

    html = render_to_string(
        "review/list_pdf.html",
        {
            "program": world.program,
            "listing": listing,
            "rows": _display_rows(listing, "/r/"),
            "filters": [("Stream", "International medical graduates")],
        },
    )
    assert world.img.applicant.matching_id in html
    assert world.cmg.applicant.matching_id not in html
    assert "Stream: International medical graduates" in html


def test_every_opening_is_logged_and_shown_to_the_director_only(as_user, world):
    from applications.tests.conftest import upload_document
    from documents.models import DocumentAssignment

    cv = upload_document(world.applicant, world.cycle, "cv")
    DocumentAssignment.objects.create(document=cv, application=world.cmg)
    reader = f"/en/review/application/{world.cmg.pk}/"
    reviewer = as_user(world.reviewer)
    assert reviewer.get(reader).status_code == 200
    assert reviewer.get(reader + "application.pdf").status_code == 200
    download = reviewer.get(f"{reader}documents/{cv.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert list(
        FileAccess.objects.order_by("at", "pk").values_list("user__email", "what", "document")
    ) == [
        (world.reviewer.email, AccessKind.READER, None),
        (world.reviewer.email, AccessKind.PDF, None),
        (world.reviewer.email, AccessKind.DOCUMENT, cv.pk),
    ]
    # refused openings are not logged as openings
    as_user(world.other_director).get(reader)
    as_user(world.img_reviewer).get(reader)
    assert FileAccess.objects.count() == 3
    # a document not in this application is not served through it
    other = upload_document(world.img.applicant, world.cycle, "cv")
    assert reviewer.get(f"{reader}documents/{other.pk}/").status_code == 404
    page = as_user(world.director).get(reader).content.decode()
    assert "Who opened this file" in page and "Opened 4 times." in page
    assert page.count(world.reviewer.email) >= 3
    assert "Who opened this file" not in reviewer.get(reader).content.decode()
    assert "Who opened this file" not in as_user(world.pgme).get(reader).content.decode()
