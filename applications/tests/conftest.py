"""Fixtures of the applications tests: a cycle in program selection, an application with
everything the default requirements ask for, private storage in a temporary folder."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from applications.models import Application
from applications.services import application_select
from documents import services as documents
from references.models import ReferenceContent, ReferenceRequest
from references.services import reference_assign
from tests import factories


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


def pdf_upload(name: str = "file.pdf") -> SimpleUploadedFile:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


@pytest.fixture
def cycle_and_iteration(db):  # type: ignore[no-untyped-def]
    """Program selection is open; the application deadline is nine days away."""
    return factories.make_cycle(phase="program_selection")


@dataclass
class World:
    cycle: Any
    iteration: Any
    program: Any
    other_program: Any
    applicant: Any
    other_applicant: Any
    director: Any
    reviewer: Any
    other_director: Any
    other_reviewer: Any


@pytest.fixture
def world(cycle, iteration, program, other_program):  # type: ignore[no-untyped-def]
    return World(
        cycle=cycle,
        iteration=iteration,
        program=program,
        other_program=other_program,
        applicant=factories.make_applicant(cycle=cycle),
        other_applicant=factories.make_applicant(cycle=cycle),
        director=factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=program),
        reviewer=factories.make_staff(role=Role.FILE_REVIEWER, program=program),
        other_director=factories.make_staff(role=Role.PROGRAM_DIRECTOR, program=other_program),
        other_reviewer=factories.make_staff(role=Role.FILE_REVIEWER, program=other_program),
    )


def upload_document(applicant: Any, cycle: Any, doc_type: str, language: str = "en") -> Any:
    return documents.document_upload(
        applicant=applicant,
        cycle=cycle,
        doc_type=doc_type,
        language=language,
        upload=pdf_upload(f"{doc_type}.pdf"),
        filename=f"{doc_type}.pdf",
    )


_ids = itertools.count(1)


def received_reference(applicant: Any, cycle: Any, n: int, *, secret: str = "") -> Any:
    """A structured reference already received, whose answers hold ``secret``."""
    request = ReferenceRequest.objects.create(
        reference_id=f"REF-T{next(_ids):05d}",
        applicant=applicant,
        cycle=cycle,
        kind="structured",
        referee_name=f"Dr Referee {n}",
        state="received",
        sent_at=timezone.now(),
        received_at=timezone.now(),
    )
    ReferenceContent.objects.create(
        request=request,
        answers={"comments": secret or f"Excellent resident {n}"},
        questions=[{"key": "comments", "type": "text", "label_en": "C", "label_fr": "C"}],
        submitted_at=timezone.now(),
    )
    return request


def complete_application(applicant: Any, program: Any, *, secret: str = "") -> Application:
    """An application to ``program`` with what the default requirements ask for."""
    cycle = program.cycle
    application = application_select(applicant=applicant, program=program)
    for doc_type in ("cv", "mspr", "transcript"):
        document = upload_document(applicant, cycle, doc_type)
        documents.document_assign(applicant=applicant, document=document, application=application)
    letter = documents.personal_letter_save(
        applicant=applicant, program=program, text="I want to train with you.", language="en"
    )
    documents.personal_letter_assign(applicant=applicant, letter=letter)
    for n in range(3):
        reference_assign(
            applicant=applicant,
            request=received_reference(applicant, cycle, n, secret=secret),
            application=application,
        )
    return application
