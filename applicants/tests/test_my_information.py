"""My Information: sections in four groups, entries per language, completeness, single names,
the MCC ID."""

from __future__ import annotations

import pytest

from applicants.models import ApplicantProfile, FileEntry, SectionWaiver
from applicants.sections import GROUPS, SECTIONS
from applicants.selectors import file_status
from core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

WORK = {
    "employer": "Hôpital Sainte-Justine",
    "role": "Research assistant",
    "start": "2022-01-10",
    "end": "2023-06-30",
    "description": "Paediatric clinical research.",
}


def _add(client, key, language, data):
    prefixed = {f"{key}-{language}-{k}": v for k, v in data.items()}
    return client.post(f"/en/applicant/information/{key}/", {"language": language, **prefixed})


def test_the_file_has_the_guides_four_groups_and_their_sections():
    assert [g.key for g in GROUPS] == ["profile", "education", "examinations", "experience"]
    by_group = {g.key: [s.key for s in SECTIONS if s.group == g.key] for g in GROUPS}
    assert by_group["profile"] == ["personal", "language_skills", "licensure"]
    assert len(by_group["education"]) == 6 and len(by_group["examinations"]) == 5
    assert len(by_group["experience"]) == 7
    required = {s.key for s in SECTIONS if s.required}
    assert {"personal", "medical_education", "mcc_exams", "work"} <= required
    assert {"usmle", "clinical_electives", "fellowships"}.isdisjoint(required)


def test_an_applicant_adds_changes_and_deletes_an_entry(as_user, applicant):
    client = as_user(applicant.user)
    page = client.get("/en/applicant/information/").content.decode()
    assert "Work experience" in page and "if it applies" in page
    assert _add(client, "work", "en", WORK).status_code == 302
    entry = FileEntry.objects.get(applicant=applicant, section="work")
    assert (
        entry.data["employer"] == "Hôpital Sainte-Justine" and entry.data["start"] == "2022-01-10"
    )
    page = client.get("/en/applicant/information/work/").content.decode()
    assert "Hôpital Sainte-Justine" in page
    client.post(
        f"/en/applicant/information/work/{entry.pk}/", {**WORK, "employer": "CHU de Québec"}
    )
    entry.refresh_from_db()
    assert entry.data["employer"] == "CHU de Québec"
    client.post(f"/en/applicant/information/work/{entry.pk}/delete/")
    assert not FileEntry.objects.filter(pk=entry.pk).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "applicants.file_entry.added",
        "applicants.file_entry.changed",
        "applicants.file_entry.deleted",
    } <= actions


def test_field_errors_are_shown_on_the_field_and_nothing_is_saved(as_user, applicant):
    client = as_user(applicant.user)
    response = _add(client, "work", "en", {**WORK, "end": "2021-01-01", "employer": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end date is before the start date." in page and "This field is required." in page
    assert not FileEntry.objects.filter(applicant=applicant).exists()


def test_errors_are_in_french_on_french_pages(as_user, applicant):
    client = as_user(applicant.user)
    response = client.post(
        "/fr/applicant/information/work/",
        {"language": "en", "work-en-employer": "", "work-en-start": "pas une date"},
    )
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page and "Saisissez une date valide." in page


def test_a_bilingual_application_needs_each_section_in_each_language(as_user, applicant):
    client = as_user(applicant.user)
    client.post("/en/applicant/information/", {"languages": "both"})
    applicant.refresh_from_db()
    assert applicant.languages == ["en", "fr"]
    _add(client, "work", "en", WORK)
    status = file_status(applicant).section("work")
    assert not status.complete and "French" in status.missing[0]
    _add(client, "work", "fr", {**WORK, "role": "Assistante de recherche"})
    assert file_status(applicant).section("work").complete


def test_switching_to_one_language_hides_but_keeps_the_other(as_user, applicant):
    client = as_user(applicant.user)
    client.post("/en/applicant/information/", {"languages": "both"})
    _add(client, "work", "fr", {**WORK, "role": "Assistante de recherche"})
    client.post("/en/applicant/information/", {"languages": "en"})
    page = client.get("/en/applicant/information/work/").content.decode()
    assert "Assistante de recherche" not in page and "kept, hidden" in page
    assert FileEntry.objects.filter(applicant=applicant, language="fr").count() == 1
    client.post("/en/applicant/information/", {"languages": "both"})
    page = client.get("/en/applicant/information/work/").content.decode()
    assert "Assistante de recherche" in page


def test_an_entry_in_a_language_not_chosen_is_refused(as_user, applicant):
    response = _add(as_user(applicant.user), "work", "fr", WORK)
    assert response.status_code == 200
    assert not FileEntry.objects.filter(applicant=applicant).exists()


def test_personal_information_holds_one_entry_per_language(as_user, applicant):
    client = as_user(applicant.user)
    data = {
        "date_of_birth": "1995-04-02",
        "phone": "514 555 0100",
        "address": "1 rue X",
        "country": "Canada",
    }
    _add(client, "personal", "en", data)
    page = client.get("/en/applicant/information/personal/").content.decode()
    assert "Add an entry" not in page
    from applicants.services import file_entry_save
    from core.errors import DomainError

    with pytest.raises(DomainError, match="one entry per language"):
        file_entry_save(applicant=applicant, section_key="personal", language="en", data=data)


def test_an_if_it_applies_section_is_marked_does_not_apply(as_user, applicant):
    client = as_user(applicant.user)
    assert not file_status(applicant).section("usmle").complete
    client.post("/en/applicant/information/usmle/waive/", {"waived": "1"})
    assert file_status(applicant).section("usmle").complete
    client.post("/en/applicant/information/work/waive/", {"waived": "1"}, follow=True)
    assert not SectionWaiver.objects.filter(applicant=applicant, section="work").exists()
    client.post("/en/applicant/information/usmle/waive/", {"waived": "0"})
    assert not file_status(applicant).section("usmle").complete


def test_the_meter_counts_groups_and_overall(as_user, applicant):
    status = file_status(applicant)
    assert status.percent < 10 and not status.complete
    client = as_user(applicant.user)
    for spec in SECTIONS:
        if not spec.required:
            client.post(f"/en/applicant/information/{spec.key}/waive/", {"waived": "1"})
    for spec in SECTIONS:
        if spec.required:
            data = {}
            for f in spec.fields:
                if not f.required:
                    continue
                data[f.key] = {
                    "date": "2020-01-01",
                    "year": "2020",
                    "choice": f.choices[0][0] if f.choices else "",
                }.get(f.kind, "x")
            assert _add(client, spec.key, "en", data).status_code == 302, spec.key
    status = file_status(applicant)
    assert all(g.percent == 100 for g in status.groups)
    assert status.complete and status.percent == 100
    assert "100 %" in client.get("/en/applicant/").content.decode()


def test_an_img_file_is_incomplete_without_an_mcc_id(as_user, cycle):
    img = factories.make_applicant(cycle=cycle, img=True)
    img.mcc_id = None
    img.save()
    assert "MCC ID" in file_status(img).profile_missing[0]
    response = as_user(img.user).post(
        "/en/applicant/information/profile/",
        {"first_name": img.first_name, "last_name": img.last_name, "mcc_id": "12 345"},
    )
    assert "6 to 8 digits" in response.content.decode()
    as_user(img.user).post(
        "/en/applicant/information/profile/",
        {"first_name": img.first_name, "last_name": img.last_name, "mcc_id": "1234 567"},
    )
    img.refresh_from_db()
    assert img.mcc_id == "1234567" and not file_status(img).profile_missing


def test_an_mcc_id_belongs_to_one_applicant(as_user, applicant, other_applicant):
    other_applicant.mcc_id = "7654321"
    other_applicant.save()
    response = as_user(applicant.user).post(
        "/en/applicant/information/profile/",
        {"first_name": "A", "last_name": "B", "mcc_id": "7654321"},
    )
    assert "already in another applicant" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.mcc_id is None and applicant.first_name != "A"


def test_a_single_name_applicant_registers_and_is_shown_by_that_name(as_user, cycle):
    user = factories.make_user()
    client = as_user(user)
    response = client.post(
        "/en/applicant/register/",
        {
            "first_name": "",
            "last_name": "Suharto",
            "single_name": "on",
            "medical_school_region": "elsewhere",
            "medical_school_name": "Universitas Indonesia",
            "graduation_year": 2021,
            "citizenship": "pr",
        },
    )
    assert response.status_code == 302
    profile = ApplicantProfile.objects.get(user=user)
    assert profile.first_name == "" and str(profile) == "Suharto"
    assert profile.sorted_name == "Suharto"
    assert "Welcome, Suharto" in client.get("/en/applicant/").content.decode()


def test_a_missing_given_name_needs_the_single_name_choice(as_user, cycle):
    user = factories.make_user()
    response = as_user(user).post(
        "/en/applicant/register/",
        {
            "first_name": "",
            "last_name": "Suharto",
            "medical_school_region": "elsewhere",
            "medical_school_name": "Universitas Indonesia",
            "graduation_year": 2021,
            "citizenship": "pr",
        },
    )
    assert "tick “I have only one name”" in response.content.decode()
    assert not ApplicantProfile.objects.filter(user=user).exists()


def test_quebec_contingents_are_for_imgs(as_user, applicant):
    response = as_user(applicant.user).post(
        "/en/applicant/information/profile/",
        {"first_name": "A", "last_name": "B", "quebec_contingent": "regular"},
    )
    applicant.refresh_from_db()
    assert applicant.quebec_contingent == ""  # the field is not even offered to a CMG
    assert response.status_code == 302


# --- Refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/en/applicant/information/",
        "/en/applicant/information/profile/",
        "/en/applicant/information/work/",
    ],
)
def test_staff_and_anonymous_have_no_file(as_user, director, path):
    assert as_user(director).get(path).status_code == 403
    response = as_user(None).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_applicant_cannot_see_change_or_delete_my_entry(
    as_user, applicant, other_applicant
):
    _add(as_user(applicant.user), "work", "en", WORK)
    entry = FileEntry.objects.get(applicant=applicant)
    intruder = as_user(other_applicant.user)
    assert intruder.get(f"/en/applicant/information/work/{entry.pk}/").status_code == 403
    assert (
        intruder.post(f"/en/applicant/information/work/{entry.pk}/", {**WORK, "role": "x"})
    ).status_code == 403
    assert intruder.post(f"/en/applicant/information/work/{entry.pk}/delete/").status_code == 403
    assert "Hôpital" not in intruder.get("/en/applicant/information/work/").content.decode()
    entry.refresh_from_db()
    assert entry.data["role"] == WORK["role"]


def test_an_unknown_section_is_not_found(as_user, applicant):
    assert as_user(applicant.user).get("/en/applicant/information/nope/").status_code == 404


def test_my_information_is_in_french_on_french_pages(as_user, applicant):
    client = as_user(applicant.user)
    client.post("/fr/applicant/information/", {"languages": "both"})
    page = client.get("/fr/applicant/information/").content.decode()
    assert "Mes informations" in page and "Formation médicale" in page
    assert "si cela vous concerne" in page
    page = client.get("/fr/applicant/information/work/").content.decode()
    assert "En français" in page and "Ajoutez au moins une entrée en anglais." in page


def test_an_entry_is_changed_in_place_with_htmx_or_on_its_own_page(as_user, applicant):
    client = as_user(applicant.user)
    _add(client, "work", "en", WORK)
    entry = FileEntry.objects.get(applicant=applicant)
    page = client.get("/en/applicant/information/work/").content.decode()
    assert f'hx-target="#entry-{entry.pk}"' in page and 'hx-select="#entry-form"' in page
    edit = client.get(f"/en/applicant/information/work/{entry.pk}/").content.decode()
    assert (
        'id="entry-form"' in edit and f'action="/en/applicant/information/work/{entry.pk}/"' in edit
    )
