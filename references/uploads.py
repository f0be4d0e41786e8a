"""Check and clean an uploaded reference letter (PDF).

Kept small on purpose: one function, :func:`clean_pdf`, that the general documents pipeline
will replace. It refuses what is not a readable, unencrypted PDF and removes what could run or
leak: JavaScript, automatic actions, embedded files and the document's metadata.
"""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import puremagic
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import DomainError

#: Keys removed from the document catalogue (actions, scripts, attachments, metadata).
_CATALOG_KEYS = ("/OpenAction", "/AA", "/Metadata", "/JavaScript")
#: Entries of the catalogue's name tree that hold scripts or attachments.
_NAME_TREES = ("/JavaScript", "/EmbeddedFiles")
#: Action types that run code or open something outside the document.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}


def _read(uploaded_file: Any) -> bytes:
    limit = int(settings.REFERENCE_MAX_UPLOAD_BYTES)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise DomainError(_too_large(limit), code="too_large")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_too_large(limit), code="too_large")
    if not data:
        raise DomainError(_("The file is empty. Choose the PDF of the letter."), code="empty")
    return bytes(data)


def _too_large(limit: int) -> str:
    return _(
        "The file is larger than %(limit)s. Send a smaller PDF (scan at a lower resolution)."
    ) % {"limit": filesizeformat(limit)}


def _is_pdf(data: bytes) -> bool:
    try:
        mime = puremagic.from_string(data[:4096], mime=True)
    except (puremagic.PureError, ValueError):
        return False
    return mime == "application/pdf" and data.lstrip()[:5] == b"%PDF-"


def _strip_action(holder: Any) -> None:
    action = holder.get("/A")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") in _ACTIVE_ACTIONS:
        del holder["/A"]
    if "/AA" in holder:
        del holder["/AA"]


def clean_pdf(uploaded_file: Any) -> bytes:
    """The bytes of a cleaned copy of ``uploaded_file``, or a translated ``DomainError``."""
    data = _read(uploaded_file)
    if not _is_pdf(data):
        raise DomainError(
            _("This file is not a PDF. Save or export the letter as PDF and send it again."),
            code="not_pdf",
        )
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise DomainError(_encrypted(), code="encrypted") from None
    except (pikepdf.PdfError, ValueError, RuntimeError):
        raise DomainError(_damaged(), code="malformed") from None
    with pdf:
        if pdf.is_encrypted:
            raise DomainError(_encrypted(), code="encrypted")
        try:
            if len(pdf.pages) == 0:
                raise DomainError(_damaged(), code="malformed")
            root = pdf.Root
            for key in _CATALOG_KEYS:
                if key in root:
                    del root[key]
            names = root.get("/Names")
            if isinstance(names, pikepdf.Dictionary):
                for key in _NAME_TREES:
                    if key in names:
                        del names[key]
            if "/AcroForm" in root:
                del root["/AcroForm"]
            for page in pdf.pages:
                if "/AA" in page.obj:
                    del page.obj["/AA"]
                for annot in page.obj.get("/Annots", []) or []:
                    if isinstance(annot, pikepdf.Dictionary):
                        _strip_action(annot)
                        if annot.get("/Subtype") in ("/FileAttachment", "/RichMedia", "/Movie"):
                            annot["/Subtype"] = pikepdf.Name("/Square")
                            for key in ("/FS", "/RichMediaContent", "/Movie"):
                                if key in annot:
                                    del annot[key]
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        except DomainError:
            raise
        except (pikepdf.PdfError, ValueError, RuntimeError, KeyError, TypeError):
            raise DomainError(_damaged(), code="malformed") from None
    return out.getvalue()


def _encrypted() -> str:
    return _(
        "This PDF is protected by a password or encrypted. Save an unprotected copy "
        "(print it to PDF) and send it again."
    )


def _damaged() -> str:
    return _("This PDF cannot be read (it may be damaged). Export it again as PDF and retry.")
