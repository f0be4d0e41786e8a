"""The one upload pipeline every document goes through (applicant, school, third party,
translator).

``clean_upload`` reads at most the size cap, sniffs the real type from the content (puremagic),
refuses files whose name says one type and whose content is another, opens PDFs with pikepdf
(refusing encrypted and malformed ones), removes active content (JavaScript, open actions,
additional actions, launch actions, embedded files, XFA forms) and metadata (document info and
XMP), re-encodes images with Pillow (which drops EXIF and refuses decompression bombs), then
runs the virus scanner when ``CLAMD_SOCKET`` is set. It returns the cleaned bytes; any refusal is
a :class:`~core.errors.DomainError` with a translated message.
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import struct
import warnings
from dataclasses import dataclass
from typing import Any

import pikepdf
import puremagic
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import DomainError
from documents.models import DocumentType, ScanResult

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
#: What each name suffix claims the content is.
CLAIMED = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}

#: Action types that run code, open other files or send data: removed from every PDF.
DANGEROUS_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
}
#: Keys removed wherever they appear.
DANGEROUS_KEYS = ("/JS", "/AA", "/OpenAction", "/XFA", "/EmbeddedFiles", "/JavaScript")


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    mime: str
    extension: str
    sha256: str
    size: int
    scan: str
    original_filename: str


def allowed_mimes(doc_type: str) -> tuple[str, ...]:
    return (JPEG, PNG) if doc_type == DocumentType.PHOTO else (PDF,)


def max_bytes(doc_type: str) -> int:
    if doc_type == DocumentType.PHOTO:
        return int(settings.DOCUMENTS_MAX_PHOTO_BYTES)
    return int(settings.DOCUMENTS_MAX_UPLOAD_BYTES)


def _read(upload: Any, limit: int) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload[: limit + 1])
    if hasattr(upload, "seek"):
        upload.seek(0)
    return bytes(upload.read(limit + 1))


def _safe_name(name: str) -> str:
    base = os.path.basename(str(name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    return base[-200:] or "document"


def sniff(data: bytes) -> str:
    """The MIME type read from the content (not from the name), or "" when unknown."""
    try:
        mime = puremagic.from_string(data[:8192], mime=True)
    except (puremagic.PureError, ValueError):
        mime = ""
    # A PDF may start after a little junk; readers accept a header in the first 1024 bytes.
    if mime != PDF and b"%PDF-" in data[:1024]:
        mime = PDF
    return str(mime or "")


def _label(mime: str) -> str:
    return {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}.get(mime, mime or _("unknown"))


def clean_upload(*, upload: Any, filename: str, doc_type: str) -> CleanFile:
    """Check and clean one uploaded file; raise ``DomainError`` to refuse it."""
    name = _safe_name(filename)
    limit = max_bytes(doc_type)
    data = _read(upload, limit)
    if not data:
        raise DomainError(_("The file is empty. Choose the file again."), code="empty")
    if len(data) > limit:
        raise DomainError(
            _(
                "The file is too large: the limit is %(limit)s. Reduce it (scan in black and "
                "white or at a lower resolution) and upload it again."
            )
            % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    mime = sniff(data)
    allowed = allowed_mimes(doc_type)
    claimed = CLAIMED.get(os.path.splitext(name)[1].lower())
    if claimed and mime and claimed != mime:
        raise DomainError(
            _(
                "The file is named “%(name)s” but its content is not %(claimed)s (it looks like "
                "%(real)s). Export or save it again in the right format."
            )
            % {"name": name, "claimed": _label(claimed), "real": _label(mime)},
            code="mislabelled",
        )
    if mime not in allowed:
        raise DomainError(
            _("This kind of file is not accepted for a photo: upload a JPEG or PNG image.")
            if doc_type == DocumentType.PHOTO
            else _("This kind of file is not accepted here: upload a PDF."),
            code="type",
        )
    content = clean_pdf(data) if mime == PDF else clean_image(data, mime)
    scan = scan_for_viruses(content)
    return CleanFile(
        content=content,
        mime=mime,
        extension=EXTENSIONS[mime],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        scan=scan,
        original_filename=name,
    )


# --- PDF -------------------------------------------------------------------------------------


def _malformed() -> DomainError:
    return DomainError(
        _(
            "This PDF is damaged or incomplete and cannot be read. Export it again from the "
            "original (or print it to a new PDF) and upload it again."
        ),
        code="malformed",
    )


def _encrypted() -> DomainError:
    return DomainError(
        _(
            "This PDF is protected by a password or encrypted. Remove the protection (save an "
            "unprotected copy) and upload it again."
        ),
        code="encrypted",
    )


def _strip(obj: Any, seen: set[tuple[int, int]]) -> None:
    """Remove active content from ``obj`` and everything it refers to."""
    if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary):
        if obj.is_indirect:
            key = obj.objgen
            if key in seen:
                return
            seen.add(key)
        for bad in DANGEROUS_KEYS:
            if bad in obj:
                del obj[bad]
        action = obj.get("/A")
        if (
            isinstance(action, pikepdf.Dictionary)
            and str(action.get("/S", "")) in DANGEROUS_ACTIONS
        ):
            del obj["/A"]
        if str(obj.get("/S", "")) in DANGEROUS_ACTIONS:
            obj["/S"] = pikepdf.Name("/GoTo") if "/D" in obj else pikepdf.Name("/Named")
            if "/N" not in obj and "/D" not in obj:
                obj["/N"] = pikepdf.Name("/NextPage")
        if obj.get("/Subtype") == pikepdf.Name("/FileAttachment"):
            for key in ("/FS",):
                if key in obj:
                    del obj[key]
        for key in list(obj.keys()):
            _strip(obj[key], seen)
    elif isinstance(obj, pikepdf.Array):
        if obj.is_indirect:
            key = obj.objgen
            if key in seen:
                return
            seen.add(key)
        for item in obj:
            _strip(item, seen)


def clean_pdf(data: bytes) -> bytes:
    if b"%%EOF" not in data[-2048:]:
        raise _malformed()  # truncated: the end-of-file marker is missing
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        raise _malformed() from exc
    with pdf:
        if pdf.is_encrypted:
            raise _encrypted()
        try:
            if len(pdf.pages) == 0:
                raise _malformed()
            seen: set[tuple[int, int]] = set()
            _strip(pdf.trailer, seen)
            for page in pdf.pages:  # reached from the trailer too; kept for damaged page trees
                _strip(page.obj, seen)
            root = pdf.Root
            if "/Metadata" in root:
                del root["/Metadata"]
            if "/AcroForm" in root and "/XFA" in root.AcroForm:
                del root.AcroForm["/XFA"]
            if "/Names" in root:
                for key in ("/JavaScript", "/EmbeddedFiles"):
                    if key in root.Names:
                        del root.Names[key]
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            out = io.BytesIO()
            # A deterministic /ID: the same upload always gives the same bytes (and SHA-256),
            # so a repeated transfer is recognised (a time-based /ID changed every second).
            pdf.save(out, deterministic_id=True, linearize=False)
        except DomainError:
            raise
        except (pikepdf.PdfError, ValueError, OSError, RuntimeError, KeyError) as exc:
            raise _malformed() from exc
    return out.getvalue()


# --- Images ----------------------------------------------------------------------------------


def _bad_image() -> DomainError:
    return DomainError(
        _(
            "This image is damaged or cannot be read. Save it again as JPEG or PNG and upload it "
            "again."
        ),
        code="malformed",
    )


def clean_image(data: bytes, mime: str) -> bytes:
    """Re-encode the image: drops EXIF, GPS and every other metadata; refuses bombs."""
    limit = int(settings.DOCUMENTS_MAX_IMAGE_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > limit:
                    raise DomainError(
                        _(
                            "This image is too large (%(w)s × %(h)s pixels). Resize it to at "
                            "most a few thousand pixels per side and upload it again."
                        )
                        % {"w": width, "h": height},
                        code="too_large",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                fmt = "JPEG" if mime == JPEG else "PNG"
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                elif fmt == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    image = image.convert("RGBA")
                clean = Image.new(image.mode, image.size)
                clean.paste(image)
                if image.mode == "P" and image.getpalette():
                    clean.putpalette(image.getpalette())
                out = io.BytesIO()
                clean.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError(
            _("This image is too large to be opened safely. Resize it and upload it again."),
            code="too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _bad_image() from exc
    return out.getvalue()


# --- Virus scan (clamd INSTREAM over its UNIX socket) -----------------------------------------


def scan_for_viruses(content: bytes) -> str:
    """``ScanResult.CLEAN`` after a clamd scan; ``NOT_SCANNED`` when no scanner is configured.
    A virus, or a scanner that does not answer, refuses the upload."""
    path = settings.CLAMD_SOCKET
    if not path:
        return ScanResult.NOT_SCANNED
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(settings.CLAMD_TIMEOUT)
            sock.connect(path)
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), 65536):
                chunk = content[start : start + 65536]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise DomainError(
            _(
                "The virus scanner is not answering, so the file could not be checked. Nothing "
                "was saved; try again in a few minutes."
            ),
            code="scanner",
        ) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("FOUND"):
        raise DomainError(
            _(
                "The virus scanner found a threat in this file (%(name)s). It was not saved. "
                "Scan your computer and upload a clean copy."
            )
            % {"name": answer.removeprefix("stream:").removesuffix("FOUND").strip()},
            code="virus",
        )
    if not answer.endswith("OK"):
        raise DomainError(
            _(
                "The virus scanner could not check this file. Nothing was saved; try again in a "
                "few minutes."
            ),
            code="scanner",
        )
    return ScanResult.CLEAN
