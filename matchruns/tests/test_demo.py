import json
import re
from io import StringIO

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

import matchengine
from accounts.models import User
from applicants.models import (
    ApplicantProfile,
    Couple,
    FileEntry,
    ProvincialListImport,
    SectionWaiver,
)
from applicants.selectors import file_status
from cycles.selectors import current_iteration, phase
from cycles.services import calendar_shift_to_phase
from documents.models import (
    Document,
    DocumentAssignment,
    PersonalLetter,
    StatusVerification,
    TranslationRequest,
)
from documents.selectors import citizenship_verified
from integrations.models import Organisation, OrganisationKind
from matchruns.demo import DEMO_PASSWORD, PERSONAS
from matchruns.models import MatchRun
from programs.models import Program, Quota
from ranking.models import RankListVersion
from references.models import (
    ReferenceAssignment,
    ReferenceContent,
    ReferenceRequest,
)
from references.services import reference_claim_placeholder


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The demo writes real PDFs: keep them in a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {**settings.STORAGES["private"]["OPTIONS"], "location": str(tmp_path)},
        },
    }


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("load_demo", "--scale", "0.05", "--seed", "7", stdout=out)
    return out.getvalue()


def test_a_small_demo_is_in_the_rank_period_with_submitted_lists(demo):
    iteration = current_iteration()
    assert iteration is not None and iteration.cycle.name == "R-1 2027"
    assert phase(iteration) == "ranking_opens"
    assert Program.objects.values("school").distinct().count() == 17
    assert Quota.objects.filter(reverts_to__isnull=False).exists()
    assert Couple.objects.exists()
    assert RankListVersion.objects.filter(rank_list__quota__isnull=False).exists()
    assert RankListVersion.objects.filter(rank_list__couple__isnull=False).exists()
    assert DEMO_PASSWORD in demo


def test_the_demo_programs_are_bilingual_with_real_provinces(demo):
    program = Program.objects.select_related("school").get(code="FM-ULAV")
    assert program.school.province == "QC" and program.school.city == "Québec"
    assert program.language == "fr"
    assert program.description_en.startswith("The Family Medicine program")
    assert program.description_fr.startswith("Le programme de médecine familiale")
    assert Program.objects.get(code="FM-UBC").school.province == "BC"
    assert Program.objects.get(code="FM-MUN").school.city == "St. John's"


def test_the_demo_match_verifies_stable(demo):
    out = StringIO()
    call_command("run_match", stdout=out)
    run = MatchRun.objects.get()
    instance = json.loads(run.snapshot)
    assert matchengine.verify(instance, run.result) == []
    assert run.status == "stable"
    assert run.snapshot_sha256 == matchengine.canonical_sha256(instance)
    assert instance["couples"]


def test_every_persona_can_sign_in_with_the_printed_password(demo, client):
    for persona in PERSONAS:
        assert client.login(email=persona.email, password=DEMO_PASSWORD), persona.email
    assert User.objects.get(email=PERSONAS[-1].email).is_staff


def test_load_demo_if_empty_does_nothing_the_second_time(demo):
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())


def test_demo_logins_prints_the_table(demo):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    for persona in PERSONAS:
        assert persona.email in out.getvalue()


def test_demo_phase_moves_the_calendar_or_says_what_is_missing(demo):
    try:
        from cycles.services import calendar_shift_to_phase  # noqa: F401
    except ImportError:
        with pytest.raises(CommandError, match="calendar_shift_to_phase"):
            call_command("demo_phase", "match_day", stdout=StringIO())
        return
    call_command("demo_phase", "match_day", stdout=StringIO())
    assert phase(current_iteration()) == "match_day"


def test_the_demo_has_files_documents_references_and_third_parties(demo):
    assert FileEntry.objects.values("applicant").distinct().count() >= 15
    assert FileEntry.objects.filter(language="fr").exists()
    assert FileEntry.objects.filter(language="en").exists()
    assert SectionWaiver.objects.exists()
    assert ApplicantProfile.objects.filter(application_languages="both").exists()
    single = ApplicantProfile.objects.filter(single_name=True).first()
    assert single is not None and single.first_name == "" and single.file_entries.exists()
    assert not ApplicantProfile.objects.filter(
        medical_school_region="elsewhere", mcc_id__isnull=True
    ).exists()
    # Documents in every status, with real files on the private storage.
    statuses = set(Document.objects.values_list("status", flat=True))
    assert statuses >= {"requested", "uploaded", "received", "processed", "rejected"}
    assert Document.objects.get(status="rejected").rejected_reason
    assert Document.objects.filter(status="requested", source="school").exists()
    assert Document.objects.filter(source="third_party", organisation__kind="casper").exists()
    storage = storages["private"]
    for document in Document.objects.exclude(file="")[:20]:
        with storage.open(document.file.name) as f:
            assert f.read(5) == b"%PDF-"
    assert DocumentAssignment.objects.exists()
    assert PersonalLetter.objects.filter(assigned_at__isnull=False).exists()
    assert set(TranslationRequest.objects.values_list("state", flat=True)) == {
        "requested",
        "in_progress",
        "delivered",
    }
    # Citizenship: verified through the MCC and by a document, one waiting for review.
    verified = StatusVerification.objects.filter(state="verified")
    assert verified.filter(source="mcc").exists() and verified.filter(source="document").exists()
    assert StatusVerification.objects.filter(state="pending").count() == 1
    # References in every state, an early letter to claim, assignments to applications.
    states = set(ReferenceRequest.objects.values_list("state", flat=True))
    assert states == {"draft", "sent", "received", "withdrawn"}
    assert ReferenceRequest.objects.filter(is_placeholder=True, applicant__isnull=True).count() == 1
    assert ReferenceContent.objects.filter(answers__isnull=False).exists()
    for content in ReferenceContent.objects.exclude(file_name="")[:5]:
        assert storage.exists(content.file_name)
    assert ReferenceAssignment.objects.exists()
    # Third parties, each with a token; both provincial uploads have a report.
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    assert Organisation.objects.filter(kind="school").count() == 17
    assert not Organisation.objects.filter(tokens__isnull=True).exists()
    imports = {i.province: i for i in ProvincialListImport.objects.all()}
    assert set(imports) == {"AB", "BC"}
    assert all(i.accepted and i.rejected for i in imports.values())


def test_the_personas_files_are_complete_and_incomplete(demo):
    amina = ApplicantProfile.objects.get(user__email=PERSONAS[0].email)
    julien = ApplicantProfile.objects.get(user__email=PERSONAS[1].email)
    assert file_status(amina).complete
    assert citizenship_verified(amina)
    status = file_status(julien)
    assert not status.complete and status.languages == ["en", "fr"]
    assert not citizenship_verified(julien)


def test_demo_logins_prints_a_referee_link_and_an_api_token_that_work(demo, client):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "Amina Haddad" in text and "Julien Tremblay" in text
    link = re.search(r"http://127\.0\.0\.1:8000(/en/references/r/[\w-]+/)", text)
    assert link is not None
    # In the rank period the page explains that submitting is closed; earlier, it takes a letter.
    assert client.get(link.group(1)).status_code == 410
    calendar_shift_to_phase(actor=None, iteration=current_iteration(), phase="program_selection")
    page = client.get(link.group(1))
    assert page.status_code == 200
    # The printed curl works as is against the MCC status endpoint.
    token = re.search(r"Bearer (jmlg_[\w-]+)", text).group(1)  # type: ignore[union-attr]
    body = re.search(r"-d '(\{.*\})'", text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/en/api/documents/third-party/mcc/status",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    assert citizenship_verified(ApplicantProfile.objects.get(user__email=PERSONAS[1].email))


def test_the_early_letter_can_be_claimed_by_its_applicant(demo):
    calendar_shift_to_phase(actor=None, iteration=current_iteration(), phase="program_selection")
    amina = ApplicantProfile.objects.get(user__email=PERSONAS[0].email)
    placeholder = ReferenceRequest.objects.get(is_placeholder=True)
    claimed = reference_claim_placeholder(
        applicant=amina, cycle=placeholder.cycle, reference_id=placeholder.reference_id
    )
    assert claimed.applicant == amina and claimed.state == "received"
