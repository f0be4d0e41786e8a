"""clean_letter (the documents pipeline for referees' PDFs): refuses what is not a readable,
unencrypted PDF; strips what could run or leak."""

from __future__ import annotations

import io

import pikepdf
import pytest

from core.errors import DomainError
from references.services import clean_letter
from references.tests.conftest import make_pdf, upload


def _with_active_content() -> bytes:
    pdf = pikepdf.open(io.BytesIO(make_pdf(javascript=True, title="Secret")))
    page = pdf.pages[0]
    js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('x')"))
    page.obj.AA = pikepdf.Dictionary(O=js)
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], A=js
    )
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    pdf.Root.AA = pikepdf.Dictionary(WC=js)
    pdf.Root.Metadata = pdf.make_stream(b"<x:xmpmeta>author</x:xmpmeta>")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_active_content_and_metadata_are_removed():
    cleaned = clean_letter(upload(_with_active_content()))
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        for key in ("/OpenAction", "/AA", "/Metadata"):
            assert key not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        page = pdf.pages[0].obj
        assert "/AA" not in page
        assert "/A" not in page.Annots[0]
        assert "/Title" not in pdf.docinfo
    assert b"app.launchURL" not in cleaned and b"Secret" not in cleaned


def test_a_plain_pdf_keeps_its_pages():
    with pikepdf.open(io.BytesIO(clean_letter(upload()))) as pdf:
        assert len(pdf.pages) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a not a pdf", "not_pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 50, "not_pdf"),
        (make_pdf(encrypt=True), "encrypted"),
        (b"%PDF-1.4\nnothing else here", "malformed"),
        (b"", "empty"),
    ],
)
def test_bad_files_are_refused(data, code):
    with pytest.raises(DomainError) as error:
        clean_letter(upload(data))
    assert error.value.code == code


def test_a_pdf_renamed_is_still_sniffed(settings):
    assert clean_letter(upload(make_pdf(), name="letter.docx")).startswith(b"%PDF")


def test_the_size_cap(settings):
    settings.REFERENCE_MAX_UPLOAD_BYTES = 50
    with pytest.raises(DomainError) as error:
        clean_letter(upload())
    assert error.value.code == "too_large"
