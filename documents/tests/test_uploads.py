"""The upload pipeline with real files: valid, oversized, mislabelled, encrypted, truncated,
script-carrying PDFs; images with metadata; a virus found by a (fake) clamd."""

from __future__ import annotations

import io
import os
import socketserver
import struct
import tempfile
import threading

import pikepdf
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from core.errors import DomainError
from documents.models import DocumentType, ScanResult
from documents.tests.conftest import (
    make_encrypted_pdf,
    make_image,
    make_pdf,
    make_scripted_pdf,
)
from documents.uploads import clean_upload

MSPR = DocumentType.MSPR


def _refused(content: bytes, name: str = "mspr.pdf", doc_type: str = MSPR) -> DomainError:
    with pytest.raises(DomainError) as info:
        clean_upload(upload=content, filename=name, doc_type=doc_type)
    return info.value


def test_a_valid_pdf_is_accepted_with_its_metadata_stripped() -> None:
    clean = clean_upload(upload=make_pdf(), filename="../../etc/mspr.pdf", doc_type=MSPR)
    assert clean.mime == "application/pdf"
    assert clean.extension == "pdf"
    assert clean.original_filename == "mspr.pdf"
    assert clean.scan == ScanResult.NOT_SCANNED
    assert len(clean.sha256) == 64 and clean.size == len(clean.content)
    with pikepdf.open(io.BytesIO(clean.content)) as pdf:
        assert len(pdf.pages) == 1
        assert "/Title" not in pdf.docinfo and "/Author" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root
    assert b"Secret title" not in clean.content


def test_an_oversized_file_is_refused_with_the_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 2000
    big = make_pdf(text=os.urandom(3000).hex())
    assert len(big) > 2000
    error = _refused(big)
    assert error.code == "too_large"
    assert "limit" in error.message


def test_a_photo_has_a_smaller_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DOCUMENTS_MAX_PHOTO_BYTES = 100
    error = _refused(make_image("PNG", size=(200, 200)), "me.png", DocumentType.PHOTO)
    assert error.code == "too_large"


def test_a_png_named_pdf_is_refused_as_mislabelled() -> None:
    error = _refused(make_image("PNG"), "mspr.pdf")
    assert error.code == "mislabelled"
    assert "PNG" in error.message and "mspr.pdf" in error.message


def test_a_pdf_named_jpg_is_refused_as_mislabelled() -> None:
    error = _refused(make_pdf(), "photo.jpg", DocumentType.PHOTO)
    assert error.code == "mislabelled"


def test_an_image_where_a_pdf_is_needed_and_unknown_content_are_refused() -> None:
    assert _refused(make_image("JPEG"), "scan.jpeg").code == "type"
    assert _refused(b"MZ\x90\x00 not a document at all" * 10, "cv.docx").code == "type"
    assert _refused(b"", "empty.pdf").code == "empty"


def test_an_encrypted_pdf_is_refused_with_a_clear_message() -> None:
    error = _refused(make_encrypted_pdf())
    assert error.code == "encrypted"
    assert "password" in error.message


def test_a_pdf_encrypted_with_an_empty_user_password_is_refused_too() -> None:
    assert _refused(make_encrypted_pdf(user_password="")).code == "encrypted"


def test_a_truncated_pdf_is_refused_as_damaged() -> None:
    data = make_pdf()
    error = _refused(data[: len(data) // 2])
    assert error.code == "malformed"
    assert "damaged" in error.message


def test_garbage_after_a_pdf_header_is_refused_as_damaged() -> None:
    assert _refused(b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n").code == "malformed"


def test_javascript_open_actions_launch_and_embedded_files_are_removed() -> None:
    data = make_scripted_pdf()
    assert b"app.alert" in data
    clean = clean_upload(upload=data, filename="mspr.pdf", doc_type=MSPR)
    assert b"app.alert" not in clean.content
    assert b"calc.exe" not in clean.content
    with pikepdf.open(io.BytesIO(clean.content)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        page = pdf.pages[0].obj
        assert "/AA" not in page
        for annot in page.get("/Annots", []):
            assert "/A" not in annot


def test_an_image_is_re_encoded_without_its_exif() -> None:
    data = make_image("JPEG", exif=True)
    assert b"SpyCam" in data
    clean = clean_upload(upload=data, filename="me.jpg", doc_type=DocumentType.PHOTO)
    assert clean.mime == "image/jpeg"
    assert b"SpyCam" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.size == (60, 80)
        assert not image.getexif()


def test_a_decompression_bomb_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DOCUMENTS_MAX_IMAGE_PIXELS = 10_000
    error = _refused(make_image("PNG", size=(1000, 1000)), "me.png", DocumentType.PHOTO)
    assert error.code == "too_large"


def test_a_damaged_image_is_refused() -> None:
    data = make_image("PNG", size=(100, 100))
    assert _refused(data[:60], "me.png", DocumentType.PHOTO).code == "malformed"


# --- The virus scanner (a fake clamd on a temporary UNIX socket) ------------------------------


class _FakeClamd(socketserver.StreamRequestHandler):
    answer = b"stream: OK\0"

    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.rfile.read(1)
        assert command == b"zINSTREAM\0"
        received = b""
        while True:
            (length,) = struct.unpack("!L", self.rfile.read(4))
            if length == 0:
                break
            received += self.rfile.read(length)
        self.server.received = received  # type: ignore[attr-defined]
        self.wfile.write(self.answer)


@pytest.fixture
def clamd(settings):  # type: ignore[no-untyped-def]
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "clamd.sock")

    def start(answer: bytes):  # type: ignore[no-untyped-def]
        handler = type("Handler", (_FakeClamd,), {"answer": answer})
        server = socketserver.UnixStreamServer(path, handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        settings.CLAMD_SOCKET = path
        servers.append(server)
        return server

    servers: list[socketserver.UnixStreamServer] = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
    if os.path.exists(path):
        os.unlink(path)
    os.rmdir(folder)


def test_a_clean_file_is_scanned_and_recorded_clean(clamd) -> None:  # type: ignore[no-untyped-def]
    server = clamd(b"stream: OK\0")
    clean = clean_upload(upload=make_pdf(), filename="mspr.pdf", doc_type=MSPR)
    assert clean.scan == ScanResult.CLEAN
    assert server.received == clean.content


def test_a_virus_found_by_clamd_refuses_the_upload(clamd) -> None:  # type: ignore[no-untyped-def]
    clamd(b"stream: Eicar-Test FOUND\0")
    error = _refused(make_pdf())
    assert error.code == "virus"
    assert "Eicar-Test" in error.message


def test_a_configured_scanner_that_does_not_answer_refuses(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CLAMD_SOCKET = "/nonexistent/clamd.sock"
    assert _refused(make_pdf()).code == "scanner"


# --- Whatever arrives, the answer is a clear refusal or a clean file, never a crash ------------


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0"]),
    body=st.binary(max_size=2048),
    cut=st.integers(min_value=0, max_value=4000),
    name=st.sampled_from(["a.pdf", "a.png", "a.jpg", "a", "a.PDF"]),
    doc_type=st.sampled_from([MSPR, DocumentType.PHOTO]),
)
def test_any_input_is_refused_clearly_or_cleaned(prefix, body, cut, name, doc_type) -> None:  # type: ignore[no-untyped-def]
    valid = make_pdf() if not prefix.startswith(b"\x89") else make_image("PNG")
    for data in (prefix + body, valid[:cut] + body):
        try:
            clean = clean_upload(upload=data, filename=name, doc_type=doc_type)
        except DomainError as error:
            assert error.message and error.code
        else:
            assert clean.mime in ("application/pdf", "image/png", "image/jpeg")
