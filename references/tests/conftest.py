"""Fixtures of the references tests: private storage in a temporary folder, PDFs, requests."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application, ApplicationStatus
from core.choices import Stream
from references import services
from references.models import Delivery, ReferenceKind


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def make_pdf(*, javascript: bool = False, encrypt: bool = False, title: str = "") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if title:
        pdf.docinfo["/Title"] = title
        pdf.docinfo["/Author"] = "Dr Secret"
    if javascript:
        action = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
        pdf.Root.OpenAction = action
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), action]))
        )
    out = io.BytesIO()
    if encrypt:
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    else:
        pdf.save(out)
    return out.getvalue()


def upload(data: bytes | None = None, name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf() if data is None else data, "application/pdf")


def token_from_mail() -> str:
    """The referee's token in the last e-mail sent."""
    match = re.search(r"/references/r/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def apply(applicant, program, status=ApplicationStatus.SUBMITTED):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    quota = program.quotas.get(stream=Stream.CMG)
    return Application.objects.create(
        applicant=applicant,
        program=program,
        quota=quota,
        status=status,
        submitted_at=timezone.now() if status == ApplicationStatus.SUBMITTED else None,
    )


@pytest.fixture
def draft(applicant, cycle):  # type: ignore[no-untyped-def]
    return services.reference_request_create(
        applicant=applicant,
        cycle=cycle,
        kind=ReferenceKind.NARRATIVE,
        referee_name="Dr Ada Tremblay",
        referee_email="ada@example.org",
        referee_language="fr",
        message="Merci de votre aide.",
        delivery=Delivery.EMAIL,
    )


@pytest.fixture
def sent(draft, applicant, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A narrative request e-mailed to its referee: (request, token)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.reference_request_finalise(applicant=applicant, request=draft)
    draft.refresh_from_db()
    return draft, token_from_mail()


@pytest.fixture
def received(sent, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    request, token = sent
    with django_capture_on_commit_callbacks(execute=True):
        services.reference_submit_letter(request=request, token=token, uploaded_file=upload())
    request.refresh_from_db()
    return request


@pytest.fixture
def cycle_and_iteration(db):  # type: ignore[no-untyped-def]
    """References are requested during the application period: program selection is open."""
    from tests import factories

    return factories.make_cycle(phase="program_selection")
