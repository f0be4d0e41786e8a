"""Fixtures of the documents tests: a private storage in a temporary folder, and real files
built in the test (valid, encrypted, script-carrying, truncated PDFs; JPEG/PNG images)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from integrations.models import Organisation, OrganisationKind
from integrations.services import token_issue


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.CLAMD_SOCKET = ""
    return tmp_path / "private"


def make_pdf(*, text: str = "Dean's letter", title: str | None = "Secret title") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(612, 792))
    page = pdf.pages[0]
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    if title:
        pdf.docinfo["/Title"] = title
        pdf.docinfo["/Author"] = "Dr. Someone"
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def make_encrypted_pdf(*, user_password: str = "secret") -> bytes:
    pdf = pikepdf.open(io.BytesIO(make_pdf()))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user=user_password, R=6))
    return out.getvalue()


def make_scripted_pdf() -> bytes:
    pdf = pikepdf.open(io.BytesIO(make_pdf()))
    js = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pwned');"))
    )
    pdf.Root.OpenAction = js
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), js])),
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([])),
    )
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=js)
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=pikepdf.Array([0, 0, 100, 100]),
                    A=launch,
                )
            ]
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def make_image(fmt: str = "PNG", *, size: tuple[int, int] = (60, 80), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {1: "N"}  # GPS info
        image.save(out, format=fmt, exif=data)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def upload(content: bytes, name: str = "mspr.pdf", content_type: str = "application/pdf"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def organisation_with_token(db):  # type: ignore[no-untyped-def]
    """``organisation_with_token(kind)`` -> (organisation, Authorization header dict)."""

    def build(kind: str, **extra):  # type: ignore[no-untyped-def]
        organisation = Organisation.objects.create(name=f"Org {kind}", kind=kind, **extra)
        _, raw = token_issue(actor=None, organisation=organisation)
        return organisation, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return build


@pytest.fixture
def school_org(organisation_with_token):  # type: ignore[no-untyped-def]
    return organisation_with_token(OrganisationKind.SCHOOL)


@pytest.fixture
def mcc_org(organisation_with_token):  # type: ignore[no-untyped-def]
    return organisation_with_token(OrganisationKind.MCC)


@pytest.fixture
def cycle_and_iteration(db):  # type: ignore[no-untyped-def]
    """The application period: program selection opened a day ago, the application deadline
    is in nine days, rank order list entry in 39."""
    from tests import factories

    return factories.make_cycle(phase="program_selection")


def apply(applicant, program, status="submitted"):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from applications.models import Application

    quota = program.quotas.order_by("id").first()
    return Application.objects.create(
        applicant=applicant,
        program=program,
        quota=quota,
        status=status,
        submitted_at=timezone.now() if status == "submitted" else None,
    )


@pytest.fixture
def mspr(applicant, cycle):  # type: ignore[no-untyped-def]
    """An MSPR the applicant uploaded (English)."""
    from documents.services import document_upload

    return document_upload(
        applicant=applicant,
        cycle=cycle,
        doc_type="mspr",
        language="en",
        upload=make_pdf(),
        filename="mspr.pdf",
    )


# --- Translations (MSPR and references) ---


@pytest.fixture
def translation_lead_days(settings):  # type: ignore[no-untyped-def]
    """Requests close 7 days before the application deadline (in 9 days): in 2 days."""
    settings.TRANSLATION_LEAD_DAYS = 7


@pytest.fixture
def translation_fee(cycle):  # type: ignore[no-untyped-def]
    from fees.models import AdministrativeFee

    return AdministrativeFee.objects.create(
        schedule=cycle.fee_schedule,
        code="translation",
        label_en="Translation",
        label_fr="Traduction",
        amount_cents=15000,
    )


@pytest.fixture
def translator(organisation_with_token):  # type: ignore[no-untyped-def]
    return organisation_with_token(OrganisationKind.TRANSLATOR)
