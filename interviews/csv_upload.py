"""Reading a CSV file of interview statuses and checking it row by row.

The file: UTF-8 text (with or without a byte-order mark, as spreadsheets save "CSV UTF-8"),
separated by commas or semicolons, at most 1 MB and 5,000 rows. First line: the columns, in any
order and case — ``application_id`` and/or ``matching_id`` (the applicant's match identifier;
``applicant_id`` is read the same), ``status``, and optionally ``message`` and
``waitlist_position``. Statuses are written as codes (``selected``, ``not_selected``,
``waitlisted``, ``not_this_iteration``) or as the labels shown on the site, in English or French.
The informative columns of the downloaded list (``family_name``, ``given_name``, ``stream``) are
ignored, so the downloaded file can be edited and uploaded back.

A file that cannot be read at all raises ``DomainError``; row errors are returned as a list of
``{"row", "column", "value", "code"}`` (plus ``first`` for a duplicate) and translated when
shown (``error_message``).
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationStatus
from core.errors import DomainError
from interviews.models import InterviewStatus

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_MESSAGE = 2000
#: Accepted column names (folded) -> the column they mean.
COLUMNS = {
    "application_id": "application_id",
    "application": "application_id",
    "demande": "application_id",
    "matching_id": "matching_id",
    "applicant_id": "matching_id",
    "identifiant": "matching_id",
    "status": "status",
    "statut": "status",
    "message": "message",
    "waitlist_position": "waitlist_position",
    "position": "waitlist_position",
}
#: Columns of the downloaded list that are read by people, not by the upload: ignored.
IGNORED = {"family_name", "given_name", "stream", "name", "nom", "prenom", "volet"}
TEXT_SUFFIXES = {"", ".csv", ".txt"}


@dataclass(frozen=True)
class Row:
    number: int
    application: Application
    status: str
    message: str
    position: int | None


def fold(text: str) -> str:
    """Lower case, no accents, words joined by "_": "Non retenu" -> "non_retenu"."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    for sign in ("-", "'", "’", "/"):
        plain = plain.replace(sign, " ")
    return "_".join(plain.split())


def status_aliases() -> dict[str, str]:
    """Every way a status may be written -> its code (codes, English and French labels)."""
    aliases: dict[str, str] = {}
    for choice in InterviewStatus:
        aliases[fold(choice.value)] = choice.value
        for language in ("en", "fr"):
            with translation.override(language):
                aliases[fold(str(choice.label))] = choice.value
    aliases.update(
        {
            "waitlist": InterviewStatus.WAITLISTED,
            "liste_d_attente": InterviewStatus.WAITLISTED,
            "retenu": InterviewStatus.SELECTED,
            "selectionne": InterviewStatus.SELECTED,
            "non_retenu": InterviewStatus.NOT_SELECTED,
            "not_this_iteration": InterviewStatus.NOT_THIS_ITERATION,
        }
    )
    return aliases


def _refuse_file(message: str, code: str) -> DomainError:
    return DomainError(message, code=code)


def decode(content: bytes, filename: str = "") -> str:
    """The text of the file, or a ``DomainError`` saying why it is not a CSV text file."""
    from documents.uploads import sniff

    if not content:
        raise _refuse_file(_("The file is empty. Choose the file again."), "empty")
    if len(content) > MAX_BYTES:
        raise _refuse_file(
            _("The file is larger than %(limit)s. Split it into several files and upload each.")
            % {"limit": filesizeformat(MAX_BYTES)},
            "too_big",
        )
    suffix = os.path.splitext(filename or "")[1].lower()
    mime = sniff(content)
    if mime or b"\x00" in content[:8192] or suffix not in TEXT_SUFFIXES:
        raise _refuse_file(
            _(
                "This is not a CSV text file (%(kind)s). In your spreadsheet, choose “Save as” "
                "→ “CSV UTF-8” and upload that file."
            )
            % {"kind": mime or suffix or _("binary content")},
            "type",
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse_file(
            _(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” (not another encoding) and "
                "upload it again."
            ),
            "encoding",
        ) from exc


def parse_csv(content: bytes, filename: str = "") -> list[dict[str, Any]]:
    """The rows of the file as ``{"_row": number, column: value}``; ``DomainError`` if the
    file itself is unusable (type, size, encoding, first line)."""
    text = decode(content, filename)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        lines = [(reader.line_num, line) for line in reader]
    except csv.Error as exc:
        raise _refuse_file(
            _("The file is not a readable CSV file (%(error)s). Nothing was changed.")
            % {"error": exc},
            "malformed",
        ) from exc
    lines = [(n, line) for n, line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise _refuse_file(_("The file is empty."), "empty")
    header_cells = [fold(cell) for cell in lines[0][1]]
    header = [
        f"_ignored_{i}" if cell in IGNORED else COLUMNS.get(cell, "")
        for i, cell in enumerate(header_cells)
    ]
    unknown = [lines[0][1][i].strip() for i, name in enumerate(header) if not name]
    expected = "application_id / matching_id, status, message, waitlist_position"
    if (
        unknown
        or "status" not in header
        or not ({"application_id", "matching_id"} & set(header))
        or len(set(header)) != len(header)
    ):
        raise _refuse_file(
            _(
                "The first line must name the columns: %(expected)s (application_id or "
                "matching_id, and status, are required; each column once). It reads: "
                "%(found)s. Nothing was changed."
            )
            % {"expected": expected, "found": ", ".join(c.strip() for c in lines[0][1])},
            "header",
        )
    if len(lines) == 1:
        raise _refuse_file(_("The file has no rows under its first line."), "empty")
    if len(lines) - 1 > MAX_ROWS:
        raise _refuse_file(
            _("The file has more than %(max)s rows. Split it and upload each part.")
            % {"max": MAX_ROWS},
            "too_many",
        )
    rows = []
    for number, line in lines[1:]:
        cells = [cell.strip() for cell in line]
        row: dict[str, Any] = {"_row": number, "_extra": ""}
        if len(cells) > len(header):
            extra = [c for c in cells[len(header) :] if c]
            row["_extra"] = "; ".join(extra)[:80]
        cells += [""] * (len(header) - len(cells))
        row.update(zip(header, cells, strict=False))
        rows.append(row)
    return rows


def check_rows(
    program: Any,
    rows: list[dict[str, Any]],
    *,
    may_decide: Callable[[Application], bool] | None = None,
) -> tuple[list[Row], list[dict[str, Any]]]:
    """Every row checked against the program's submitted applications: the valid rows, and the
    errors (empty when the whole file can be applied). Two queries whatever the size."""
    applications = list(
        Application.objects.filter(program=program, status=ApplicationStatus.SUBMITTED)
        .select_related("applicant", "quota", "program__school")
        .order_by("pk")
    )
    by_id = {a.pk: a for a in applications}
    by_matching: dict[str, list[Application]] = {}
    for a in applications:
        by_matching.setdefault(a.applicant.matching_id.upper(), []).append(a)
    aliases = status_aliases()
    valid: list[Row] = []
    errors: list[dict[str, Any]] = []
    seen: dict[int, int] = {}

    def refuse(row: dict[str, Any], column: str, value: str, code: str, **extra: Any) -> None:
        errors.append(
            {"row": row["_row"], "column": column, "value": str(value)[:80], "code": code, **extra}
        )

    for row in rows:
        before = len(errors)
        if row.get("_extra"):
            refuse(row, "", row["_extra"], "extra_cells")
            continue
        raw_id = row.get("application_id", "")
        raw_matching = row.get("matching_id", "").upper()
        application: Application | None = None
        if not raw_id and not raw_matching:
            refuse(row, "application_id", "", "missing_id")
        if raw_id:
            if not raw_id.isdigit():
                refuse(row, "application_id", raw_id, "bad_application_id")
            else:
                application = by_id.get(int(raw_id))
                if application is None:
                    refuse(row, "application_id", raw_id, "unknown_application")
        if raw_matching and len(errors) == before:
            found = by_matching.get(raw_matching, [])
            if not found:
                refuse(row, "matching_id", raw_matching, "unknown_applicant")
            elif application is not None:
                if application not in found:
                    refuse(row, "matching_id", f"{raw_id} / {raw_matching}", "mismatch")
            elif len(found) > 1:
                refuse(row, "matching_id", raw_matching, "ambiguous_applicant")
            else:
                application = found[0]
        raw_status = row.get("status", "")
        status = aliases.get(fold(raw_status))
        if status is None:
            refuse(row, "status", raw_status, "bad_status")
        message = row.get("message", "")
        if len(message) > MAX_MESSAGE:
            refuse(row, "message", str(len(message)), "long_message")
        raw_position = row.get("waitlist_position", "")
        position: int | None = None
        if raw_position:
            if not raw_position.isdigit() or int(raw_position) < 1:
                refuse(row, "waitlist_position", raw_position, "bad_position")
            elif status is not None and status != InterviewStatus.WAITLISTED:
                refuse(row, "waitlist_position", raw_position, "position_not_waitlisted")
            else:
                position = int(raw_position)
        if application is not None:
            if application.pk in seen:
                refuse(
                    row, "application_id", application.pk, "duplicate", first=seen[application.pk]
                )
            elif may_decide is not None and not may_decide(application):
                refuse(row, "application_id", application.pk, "not_allowed")
            seen.setdefault(application.pk, row["_row"])
        if len(errors) == before and application is not None and status is not None:
            valid.append(
                Row(
                    number=row["_row"],
                    application=application,
                    status=status,
                    message=message,
                    position=position,
                )
            )
    return valid, errors


def error_message(error: dict[str, Any]) -> str:
    """The translated sentence for one refused row: the row, the value, how to fix it."""
    params = {
        "row": error.get("row"),
        "value": error.get("value", ""),
        "first": error.get("first", ""),
        "max": MAX_MESSAGE,
    }
    messages = {
        "extra_cells": _(
            "Row %(row)s has more cells than the first line has columns (“%(value)s”). Check "
            "the separators (, or ;) and the quotes around messages."
        ),
        "missing_id": _(
            "Row %(row)s: neither application_id nor matching_id is filled in. Fill in one of "
            "them (the list of statuses shows both)."
        ),
        "bad_application_id": _(
            "Row %(row)s: application_id “%(value)s” is not a number. Copy the number from the "
            "list of statuses."
        ),
        "unknown_application": _(
            "Row %(row)s: “%(value)s” is not a submitted application to this program. Check the "
            "number in the list of statuses."
        ),
        "unknown_applicant": _(
            "Row %(row)s: no submitted application to this program from the applicant with the "
            "match identifier “%(value)s”. Check the identifier."
        ),
        "ambiguous_applicant": _(
            "Row %(row)s: the applicant “%(value)s” applied to several streams of this program. "
            "Give the application_id of the stream instead."
        ),
        "mismatch": _(
            "Row %(row)s: application_id and matching_id name different applicants "
            "(“%(value)s”). Correct one of them or keep only one."
        ),
        "bad_status": _(
            "Row %(row)s: “%(value)s” is not an interview status. Write one of: selected, "
            "not_selected, waitlisted, not_this_iteration."
        ),
        "long_message": _(
            "Row %(row)s: the message has %(value)s characters; the limit is %(max)s. Shorten it."
        ),
        "bad_position": _(
            "Row %(row)s: waitlist_position “%(value)s” is not a whole number from 1. Correct it "
            "or leave it empty (the end of the waitlist)."
        ),
        "position_not_waitlisted": _(
            "Row %(row)s: a waitlist_position (“%(value)s”) is given but the status is not "
            "waitlisted. Leave it empty or change the status."
        ),
        "duplicate": _(
            "Row %(row)s: application “%(value)s” is already on row %(first)s. Keep one row per "
            "application."
        ),
        "not_allowed": _(
            "Row %(row)s: you may not set the status of application “%(value)s” (it is outside "
            "the streams you review). Remove the row or ask the program director."
        ),
    }
    template = messages.get(error.get("code", ""), _("Row %(row)s: “%(value)s” was refused."))
    return template % params
