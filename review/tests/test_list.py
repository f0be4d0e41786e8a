"""The review list: every filter works on the whole set, sort, search, saved filters, and a
fixed number of queries from a few hundred to 1,500 applications."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants.models import FileEntry
from applications.selectors import application_checklist
from interviews.models import InterviewOffer, InterviewStatus
from review.models import SavedFilter
from review.selectors import _WORST, COMPLETENESS, completeness_of
from review.tests.bulk import populate
from review.tests.conftest import submit
from tests import factories

pytestmark = pytest.mark.django_db


def _ids(client, world, query=""):  # type: ignore[no-untyped-def]
    url = f"/en/api/review/programs/{world.program.code}/applications"
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["rows"]]


def _page(client, world, query=""):  # type: ignore[no-untyped-def]
    response = client.get(f"/en/review/program/{world.program.code}/?{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def varied(world):  # type: ignore[no-untyped-def]
    """Applications that differ in each filtered fact."""
    from programs.models import School

    School.objects.filter(pk=world.program.school_id).update(name_en="Université Laval")
    world.program.school.refresh_from_db()
    quebec = factories.make_school(province="QC")
    quebec.name_en, quebec.name_fr = "McGill University", "Université McGill"
    quebec.save()
    french = factories.make_applicant(cycle=world.cycle)
    french.application_languages = "fr"
    french.first_name, french.last_name = "Hélène", "Côté"
    french.medical_school_name = "Université McGill"
    french.save()
    world.french = submit(french, world.program)
    world.french.is_late = True
    world.french.save()
    FileEntry.objects.create(
        applicant=world.applicant,
        section="mcc_exams",
        language="en",
        data={"exam": "mccqe1", "result": "pass", "score": "262"},
    )
    FileEntry.objects.create(
        applicant=french,
        section="mcc_exams",
        language="fr",
        data={"exam": "mccqe1", "result": "pass", "score": "241"},
    )
    FileEntry.objects.create(
        applicant=world.img.applicant,
        section="usmle",
        language="en",
        data={"step": "step1", "result": "pass", "score": "250"},
    )
    InterviewOffer.objects.create(application=world.img, status=InterviewStatus.SELECTED)
    return world


def test_filters_select_from_the_whole_list(as_user, varied):
    w = varied
    client = as_user(w.director)
    everyone = {w.cmg.pk, w.img.pk, w.french.pk}
    assert set(_ids(client, w)) == everyone
    assert set(_ids(client, w, "stream=IMG")) == {w.img.pk}
    assert set(_ids(client, w, "late=yes")) == {w.french.pk}
    assert set(_ids(client, w, "late=no")) == {w.cmg.pk, w.img.pk}
    from documents.models import Document, DocumentAssignment

    late_cv = Document.objects.create(
        applicant=w.img.applicant,
        cycle=w.cycle,
        type="cv",
        source="applicant",
        language="en",
        status="uploaded",
    )
    DocumentAssignment.objects.create(document=late_cv, application=w.img, late=True)
    assert set(_ids(client, w, "late=additions")) == {w.img.pk}
    assert set(_ids(client, w, "late=no")) == {w.cmg.pk}
    assert set(_ids(client, w, "exam=mccqe1")) == {w.cmg.pk, w.french.pk}
    assert set(_ids(client, w, "exam=mccqe1&min_score=250")) == {w.cmg.pk}
    assert set(_ids(client, w, "exam=step1")) == {w.img.pk}
    assert set(_ids(client, w, "language=fr")) == {w.french.pk}
    assert set(_ids(client, w, "province=QC")) == {w.french.pk}
    assert set(_ids(client, w, "province=outside")) == {w.img.pk}
    assert set(_ids(client, w, "interview=selected")) == {w.img.pk}
    assert set(_ids(client, w, "interview=none")) == {w.cmg.pk, w.french.pk}
    # nothing is assigned and the default requirements are not met by these bare files
    assert set(_ids(client, w, "completeness=required_missing")) == everyone
    assert _ids(client, w, "completeness=complete") == []
    assert _ids(client, w, "assigned=me") == []
    assert set(_ids(client, w, "assigned=none")) == everyone


def test_search_finds_names_without_accents_ids_and_emails(as_user, varied):
    w = varied
    client = as_user(w.reviewer)
    assert _ids(client, w, "q=cote") == [w.french.pk]
    assert _ids(client, w, "q=HÉLÈNE") == [w.french.pk]
    assert _ids(client, w, f"q={w.cmg.applicant.matching_id}") == [w.cmg.pk]
    assert _ids(client, w, f"q={w.img.applicant.user.email}") == [w.img.pk]
    assert _ids(client, w, "q=nobody-by-that-name") == []
    page = _page(client, w, "q=cote")
    assert "Côté, Hélène" in page and w.cmg.applicant.matching_id not in page


def test_a_minimum_score_needs_an_examination(as_user, varied):
    w = varied
    response = as_user(w.director).get(
        f"/en/api/review/programs/{w.program.code}/applications?min_score=200"
    )
    assert response.status_code == 400 and "examination" in response.json()["detail"]
    page = _page(as_user(w.director), w, "min_score=200")
    assert "Choose the examination the minimum score is for." in page


def test_sort_by_name_and_submission(as_user, varied):
    import datetime as dt

    from applications.models import Application

    w = varied
    names = {w.cmg.pk: w.cmg.applicant, w.img.pk: w.img.applicant, w.french.pk: None}
    client = as_user(w.director)
    by_name = _ids(client, w, "sort=name")
    assert by_name[0] == w.french.pk  # Côté before Family<n>
    assert _ids(client, w, "sort=-name") == by_name[::-1]
    base = w.cmg.submitted_at
    for k, app in enumerate((w.img, w.french, w.cmg)):
        Application.objects.filter(pk=app.pk).update(submitted_at=base + dt.timedelta(hours=k))
    assert _ids(client, w, "sort=submitted") == [w.img.pk, w.french.pk, w.cmg.pk]
    assert _ids(client, w, "sort=-submitted") == [w.cmg.pk, w.french.pk, w.img.pk]
    assert names  # the three applicants are distinct


def test_saved_filters_are_per_user_and_program(as_user, varied):
    w = varied
    client = as_user(w.reviewer)
    url = f"/en/review/program/{w.program.code}/filters/"
    response = client.post(url, {"name": "Québec, late", "query": "province=QC&late=yes&q="})
    assert response.status_code == 302
    saved = SavedFilter.objects.get()
    assert (saved.user, saved.program, saved.query) == (
        w.reviewer,
        w.program,
        "late=yes&province=QC",
    )
    page = _page(client, w)
    assert "Québec, late" in page and "late=yes&amp;province=QC" in page
    assert "Québec, late" not in _page(as_user(w.director), w)
    # the same name replaces it; a user never deletes another's filter
    client.post(url, {"name": "Québec, late", "query": "province=QC"})
    assert SavedFilter.objects.get().query == "province=QC"
    other = as_user(w.director).post(
        f"/en/review/program/{w.program.code}/filters/{saved.pk}/delete/"
    )
    assert other.status_code == 404 and SavedFilter.objects.exists()
    client.post(f"/en/review/program/{w.program.code}/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.exists()
    refused = as_user(w.other_director).post(url, {"name": "x", "query": ""})
    assert refused.status_code == 403


def test_the_checklist_status_is_the_applications_own(world):
    """The list's completeness, computed for many applications at once, is the worst status
    of ``application_checklist`` of each (default requirements, then custom ones)."""
    import datetime as dt

    import time_machine

    from applications.tests.conftest import complete_application
    from cycles.selectors import milestone_at
    from programs.models import ProgramRequirement

    program = factories.make_program(cycle=world.cycle, iteration=world.iteration)
    applications = []
    selection = milestone_at(world.iteration, "program_selection") + dt.timedelta(hours=1)
    for k in range(4):
        applicant = factories.make_applicant(cycle=world.cycle)
        if k < 2:
            with time_machine.travel(selection):
                application = complete_application(applicant, program)
        else:
            application = submit(applicant, program)
        application.status = "submitted"
        application.save()
        applications.append(application)
    FileEntry.objects.create(
        applicant=applications[0].applicant, section="personal", language="en", data={}
    )

    def check():  # type: ignore[no-untyped-def]
        from applications.models import Application

        qs = Application.objects.filter(pk__in=[a.pk for a in applications])
        mine = completeness_of(
            program, qs, {a.pk: [a.applicant_id, *a.applicant.languages] for a in applications}
        )
        for a in applications:
            items = application_checklist(a)
            worst = max((i.status for i in items), key=_WORST.__getitem__, default="complete")
            assert mine[a.pk] == worst, (a.pk, items)
        return mine

    assert set(check().values()) == {"complete", "required_missing"}
    ProgramRequirement.objects.create(program=program, kind="document", code="cv", required=True)
    ProgramRequirement.objects.create(
        program=program, kind="document", code="photo", required=False
    )
    ProgramRequirement.objects.create(
        program=program, kind="reference", code="structured", count=2, required=True
    )
    ProgramRequirement.objects.create(
        program=program, kind="section", code="personal", required=False
    )
    assert set(check().values()) <= set(COMPLETENESS)


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("query", ["", "sort=-score&exam=mccqe1&min_score=250&assigned=me"])
def test_the_list_makes_a_fixed_number_of_queries_up_to_1500_rows(as_user, world, query):
    client = as_user(world.reviewer)
    url = f"/en/review/program/{world.program.code}/?{query}"
    api = f"/en/api/review/programs/{world.program.code}/applications?{query}"
    client.get(url)  # the first visit stores the list's query in the session
    small, _r = _queries(client, url)
    small_api, _r = _queries(client, api)
    populate(program=world.program, n=298, reviewers=[world.reviewer, world.director])
    at_300, response = _queries(client, url)
    assert at_300 == small
    assert _queries(client, api)[0] == small_api
    populate(program=world.program, n=1200, reviewers=[world.reviewer])
    at_1500, response = _queries(client, url)
    assert at_1500 == small <= 25
    assert _queries(client, api)[0] == small_api
    if not query:
        assert response.content.decode().count('name="application"') == 0  # not a manager
        assert response.content.decode().count("/en/review/application/") == 1500


def test_the_director_gets_a_checkbox_per_row_for_bulk_assignment(as_user, world):
    populate(program=world.program, n=20, reviewers=[world.reviewer])
    page = _page(as_user(world.director), world)
    assert page.count('name="application"') == 22
    assert 'form="bulk"' in page


def test_the_list_speaks_french(as_user, varied):
    page = as_user(varied.director).get(f"/fr/review/program/{varied.program.code}/")
    text = page.content.decode()
    assert "Examen des dossiers" in text and "Province d’études" in text
    assert "Hors du Canada" in text and "en retard" in text


def test_the_api_list_has_the_shape_of_its_schema(as_user, varied, criteria):
    from review.api import ReviewListOut
    from review.models import ReviewAssignment, Score

    w = varied
    Score.objects.create(application=w.cmg, criterion=criteria[0], reviewer=w.reviewer, value=7)
    ReviewAssignment.objects.create(application=w.cmg, reviewer=w.reviewer)
    body = (
        as_user(w.reviewer)
        .get(f"/en/api/review/programs/{w.program.code}/applications?sort=score")
        .json()
    )
    parsed = ReviewListOut.model_validate(body)
    assert parsed.count == 3 == len(parsed.rows) and parsed.total == 3
    first = parsed.rows[0]
    assert first.id == w.cmg.pk and first.mean_score == 70.0 and first.my_score == 70.0
    assert first.assigned[0].id == w.reviewer.pk and first.exams[0].score == 262.0
    assert first.submitted_at is not None and first.checklist == "required_missing"
    french = next(r for r in parsed.rows if r.id == w.french.pk)
    assert french.province_of_study == "QC" and french.language == "fr" and french.is_late
