"""The application a program receives: assembled once, shown to the applicant (preview, PDF)
and to the program (reader, PDF); the only difference is the reference content."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from applicants.models import FileEntry
from applications.selectors import assemble_application
from applications.services import applications_submit
from applications.tests.conftest import complete_application
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):  # type: ignore[no-untyped-def]
    FileEntry.objects.create(
        applicant=world.applicant,
        section="personal",
        language="en",
        data={"phone": "416-555-0100", "country": "Canada"},
    )
    application = complete_application(world.applicant, world.program, secret="TOP-SECRET-WORDS")
    applications_submit(applicant=world.applicant, cycle=world.cycle)
    application.refresh_from_db()
    return application


def _without_content(assembled):  # type: ignore[no-untyped-def]
    data = dataclasses.asdict(assembled)
    for reference in data["references"]:
        reference.pop("content_url")
    return data


def test_the_applicant_sees_exactly_what_the_program_sees_but_the_reference_content(
    world, submitted
):
    mine = assemble_application(submitted, viewer=world.applicant.user)
    theirs = assemble_application(submitted, viewer=world.director)
    assert _without_content(mine) == _without_content(theirs)
    assert [r.content_url for r in mine.references] == [None, None, None]
    assert all(r.content_url and r.reference_id in r.content_url for r in theirs.references)
    # and it is the full application
    assert len(mine.documents) == 3 and mine.letter is not None and len(mine.references) == 3
    assert mine.information[0].entries == [
        [("Telephone", "416-555-0100"), ("Country of residence", "Canada")]
    ]


def test_the_preview_and_the_reader_render_the_same_template(as_user, world, submitted):
    preview = as_user(world.applicant.user).get(f"/en/applications/{submitted.pk}/preview/")
    reader = as_user(world.director).get(f"/en/review/application/{submitted.pk}/")
    assert preview.status_code == reader.status_code == 200
    names = {t.name for t in preview.templates} & {t.name for t in reader.templates}
    assert "applications/_application.html" in names
    preview_page, reader_page = preview.content.decode(), reader.content.decode()
    assert (
        "I want to train with you." in preview_page and "I want to train with you." in reader_page
    )
    assert "/content/" not in preview_page and "Confidential: not shown" in preview_page
    assert reader_page.count("/content/") == 3
    assert "TOP-SECRET-WORDS" not in preview_page + reader_page  # content only behind its link


def test_the_applicants_pdf_never_contains_reference_content(as_user, world, submitted):
    response = as_user(world.applicant.user).get(f"/en/applications/{submitted.pk}/preview.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = render_to_string(
        "applications/application_pdf.html",
        {"app": assemble_application(submitted, viewer=world.applicant.user)},
    )
    assert "Dr Referee 0" in html and "/content/" not in html and "TOP-SECRET" not in html
    reader_pdf = as_user(world.director).get(
        f"/en/review/application/{submitted.pk}/application.pdf"
    )
    assert reader_pdf.status_code == 200 and reader_pdf.content.startswith(b"%PDF")


def test_preview_refusals(as_user, world, submitted):
    for url in (
        f"/en/applications/{submitted.pk}/preview/",
        f"/en/applications/{submitted.pk}/preview.pdf",
    ):
        assert as_user(world.other_applicant.user).get(url).status_code == 404
        assert as_user(world.director).get(url).status_code == 403
        assert as_user(world.other_director).get(url).status_code == 403
        assert as_user(world.other_reviewer).get(url).status_code == 403
        assert as_user(None).get(url).status_code == 302


def test_reader_refusals(as_user, world, submitted):
    for url in (
        f"/en/review/application/{submitted.pk}/",
        f"/en/review/application/{submitted.pk}/application.pdf",
        f"/en/review/program/{world.program.code}/",
    ):
        assert as_user(world.reviewer).get(url).status_code == 200
        for user in (world.other_director, world.other_reviewer, world.applicant.user):
            assert as_user(user).get(url).status_code == 403, (url, user)
        assert as_user(world.other_applicant.user).get(url).status_code == 403
        assert as_user(None).get(url).status_code == 302


def test_a_program_cannot_read_an_application_not_yet_submitted(as_user, world):
    application = complete_application(world.applicant, world.program)
    assert (
        as_user(world.director).get(f"/en/review/application/{application.pk}/").status_code == 404
    )


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_program_list_makes_a_fixed_number_of_queries(as_user, world, submitted):
    client = as_user(world.director)
    url = f"/en/review/program/{world.program.code}/"
    client.get(url)  # the first visit stores the list's filters in the session
    before = _queries(client, url)
    for _ in range(3):
        applicant = factories.make_applicant(cycle=world.cycle)
        complete_application(applicant, world.program)
        applications_submit(applicant=applicant, cycle=world.cycle)
    page = client.get(url).content.decode()
    assert page.count("/en/review/application/") == 4
    assert _queries(client, url) == before


def test_my_information_is_given_in_the_programs_language(world):
    from programs.models import Program

    applicant = world.applicant
    applicant.application_languages = "both"
    applicant.save()
    for lang, phone in (("en", "111"), ("fr", "222")):
        FileEntry.objects.create(
            applicant=applicant, section="personal", language=lang, data={"phone": phone}
        )
    Program.objects.filter(pk=world.other_program.pk).update(language="fr")
    french = complete_application(applicant, world.other_program)
    english = complete_application(applicant, world.program)
    fr = assemble_application(french, viewer=applicant.user)
    en = assemble_application(english, viewer=applicant.user)
    assert fr.languages == ["fr"] and fr.information[0].entries == [[("Telephone", "222")]]
    assert en.languages == ["en"] and en.information[0].entries == [[("Telephone", "111")]]


def test_the_pages_speak_french(as_user, world, submitted):
    preview = as_user(world.applicant.user).get(f"/fr/applications/{submitted.pk}/preview/")
    page = preview.content.decode()
    assert "Aperçu de ma candidature" in page and "Liste de vérification" in page
    assert "Confidentielle : non affichée" in page
    mine = as_user(world.applicant.user).get("/fr/applications/").content.decode()
    assert "Complet" in mine


def test_the_reader_page_is_flat_in_documents_and_entries(as_user, world, submitted):
    from applications.tests.conftest import upload_document
    from documents.services import document_assign

    client = as_user(world.director)
    url = f"/en/review/application/{submitted.pk}/"
    before = _queries(client, url)
    for doc_type in ("supplementary", "language_test"):
        document = upload_document(world.applicant, world.cycle, doc_type)
        document_assign(applicant=world.applicant, document=document, application=submitted)
    for n in range(3):
        FileEntry.objects.create(
            applicant=world.applicant,
            section="work",
            language="en",
            data={"employer": f"Clinic {n}"},
            position=n,
        )
    assert "Clinic 2" in client.get(url).content.decode()
    assert _queries(client, url) == before


def test_the_program_sees_whether_the_citizenship_is_verified(as_user, world, submitted):
    import datetime as dt

    from django.utils import timezone

    from documents.services import status_share_from_mcc
    from integrations.models import Organisation, OrganisationKind

    assert not assemble_application(submitted, viewer=world.director).citizenship_verified
    page = as_user(world.director).get(f"/en/review/application/{submitted.pk}/").content.decode()
    assert "not verified yet" in page
    mcc = Organisation.objects.create(name="MCC", kind=OrganisationKind.MCC)
    status_share_from_mcc(
        organisation=mcc,
        applicant=world.applicant,
        valid_until=(timezone.now() + dt.timedelta(days=700)).date(),
    )
    assert assemble_application(submitted, viewer=world.director).citizenship_verified
    page = as_user(world.director).get(f"/en/review/application/{submitted.pk}/").content.decode()
    assert "✓ verified" in page
