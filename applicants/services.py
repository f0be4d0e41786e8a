"""Writes about applicants: registering, the contract, withdrawing, provincial lists."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import (
    ApplicantProfile,
    ApplicationLanguages,
    Citizenship,
    ContractVersion,
    FileEntry,
    Participation,
    ProvincialEligibility,
    ProvincialListImport,
    QuebecContingent,
    ReturnOfServiceAcknowledgement,
    SectionWaiver,
)
from applicants.sections import Section, form_for, section
from core.audit import audit
from core.choices import PROVINCES_WITH_IMG_LIST, Stream
from core.errors import DomainError
from core.permissions import forget_roles
from cycles.deadlines import require_window
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import iteration_of


def _next_matching_id() -> str:
    last = ApplicantProfile.objects.order_by("-matching_id").values_list("matching_id", flat=True)
    numbers = [int(m[1:]) for m in last[:1] if m[1:].isdigit()]
    return f"A{(numbers[0] if numbers else 0) + 1:06d}"


def _clean_names(*, first_name: str, last_name: str, single_name: bool) -> tuple[str, str]:
    first_name, last_name = first_name.strip(), last_name.strip()
    if not last_name:
        raise DomainError(
            _("Give your family name (if you have only one name, write it there)."),
            code="last_name",
        )
    if single_name and first_name:
        raise DomainError(
            _(
                "You ticked “I have only one name”: write your name in “family name” and leave "
                "“given name” empty."
            ),
            code="single_name",
        )
    if not single_name and not first_name:
        raise DomainError(
            _("Give your given name, or tick “I have only one name”."), code="first_name"
        )
    return first_name, last_name


def applicant_register(
    *,
    user: Any,
    first_name: str,
    last_name: str,
    medical_school_region: str,
    medical_school_name: str,
    graduation_year: int,
    citizenship: str,
    single_name: bool = False,
) -> ApplicantProfile:
    """Create the applicant profile of ``user`` with a unique match identifier."""
    first_name, last_name = _clean_names(
        first_name=first_name, last_name=last_name, single_name=single_name
    )
    if citizenship == Citizenship.OTHER:
        raise DomainError(
            _(
                "Only Canadian citizens and permanent residents may take part in the match. "
                "If your status has changed, choose it above."
            ),
            code="citizenship",
        )
    if ApplicantProfile.objects.filter(user=user).exists():
        raise DomainError(_("You are already registered as an applicant."), code="exists")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                profile = ApplicantProfile.objects.create(
                    user=user,
                    first_name=first_name,
                    last_name=last_name,
                    single_name=single_name,
                    medical_school_region=medical_school_region,
                    medical_school_name=medical_school_name.strip(),
                    graduation_year=graduation_year,
                    citizenship=citizenship,
                    matching_id=_next_matching_id(),
                )
                audit(actor=user, action="applicants.applicant.registered", target=profile)
        except IntegrityError:
            continue  # another registration took the same identifier: take the next one
        forget_roles(user)
        return profile
    raise DomainError(_("Registration is busy; please try again in a moment."), code="busy")


@transaction.atomic
def participation_accept(
    *,
    applicant: ApplicantProfile,
    cycle: Cycle,
    contract: ContractVersion,
    ip: str | None,
    now: dt.datetime | None = None,
) -> Participation:
    """Accept the applicant contract (the version read is kept, with time and address)."""
    iteration = iteration_of(cycle)
    if iteration is not None:
        require_window(
            iteration,
            opens=MilestoneKind.OPENING,
            closes=MilestoneKind.APPLICANT_ROL_DEADLINE,
            what=_("Joining the match"),
        )
    if contract.cycle_id != cycle.pk:
        raise DomainError(_("This contract is not the one of this cycle."), code="contract")
    existing = Participation.objects.select_for_update().filter(applicant=applicant, cycle=cycle)
    if existing.exists():
        raise DomainError(
            _("You have already accepted the applicant contract for this cycle."), code="exists"
        )
    participation = Participation.objects.create(
        applicant=applicant,
        cycle=cycle,
        contract=contract,
        accepted_at=now or timezone.now(),
        accepted_ip=ip,
    )
    audit(
        actor=applicant.user,
        action="applicants.participation.accepted",
        target=participation,
        data={"contract_version": contract.version},
    )
    return participation


@transaction.atomic
def participation_withdraw(*, applicant: ApplicantProfile, cycle: Cycle, reason: str) -> None:
    """Withdraw from the match, before the applicant rank order list deadline."""
    iteration = iteration_of(cycle)
    if iteration is not None:
        require_window(
            iteration,
            opens=None,
            closes=MilestoneKind.APPLICANT_ROL_DEADLINE,
            what=_("Withdrawing from the match"),
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for your withdrawal."), code="reason")
    participation = (
        Participation.objects.select_for_update().filter(applicant=applicant, cycle=cycle).first()
    )
    if participation is None or participation.withdrawn_at is not None:
        raise DomainError(_("You are not taking part in this match."), code="not_participating")
    participation.withdrawn_at = timezone.now()
    participation.withdrawal_reason = reason.strip()
    participation.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    audit(actor=applicant.user, action="applicants.participation.withdrawn", target=participation)


@transaction.atomic
def provincial_eligibility_add(
    *, actor: Any, applicant: ApplicantProfile, cycle: Cycle, province: str
) -> ProvincialEligibility:
    if province not in PROVINCES_WITH_IMG_LIST:
        raise DomainError(_("This province keeps no IMG list."), code="province")
    if applicant.stream != Stream.IMG:
        raise DomainError(
            _("%(name)s is a Canadian medical graduate; only IMGs go on a provincial list.")
            % {"name": applicant},
            code="not_img",
        )
    entry, created = ProvincialEligibility.objects.get_or_create(
        applicant=applicant, cycle=cycle, province=province, defaults={"added_by": actor}
    )
    if not created:
        raise DomainError(_("%(name)s is already on the list.") % {"name": applicant}, code="dup")
    audit(actor=actor, action="applicants.provincial_list.added", target=entry)
    return entry


@transaction.atomic
def provincial_eligibility_remove(*, actor: Any, entry: ProvincialEligibility) -> None:
    audit(
        actor=actor,
        action="applicants.provincial_list.removed",
        target=entry.applicant,
        data={"province": entry.province, "cycle": entry.cycle_id},
    )
    entry.delete()


# --- My Information ---------------------------------------------------------------------------

MCC_ID_RE = re.compile(r"^\d{6,8}$")


def clean_mcc_id(raw: str) -> str | None:
    """An MCC ID is 6 to 8 digits (spaces ignored); empty means not given yet."""
    value = re.sub(r"\s+", "", raw or "")
    if not value:
        return None
    if not MCC_ID_RE.fullmatch(value):
        raise DomainError(
            _(
                "An MCC ID is made of 6 to 8 digits (e.g. 1234567); you find it on your "
                "physiciansapply.ca account. Correct it and save again."
            ),
            code="mcc_id",
        )
    return value


@transaction.atomic
def applicant_profile_update(
    *,
    applicant: ApplicantProfile,
    first_name: str,
    last_name: str,
    single_name: bool,
    mcc_id: str,
    quebec_contingent: str,
) -> ApplicantProfile:
    """Names (single-name applicants included), MCC ID and Québec contingent."""
    first_name, last_name = _clean_names(
        first_name=first_name, last_name=last_name, single_name=single_name
    )
    mcc = clean_mcc_id(mcc_id)
    if mcc and ApplicantProfile.objects.filter(mcc_id=mcc).exclude(pk=applicant.pk).exists():
        raise DomainError(
            _(
                "This MCC ID is already in another applicant's file. Check the number; if it "
                "is yours, contact the match administrator."
            ),
            code="mcc_id_taken",
        )
    if quebec_contingent not in QuebecContingent.values:
        raise DomainError(_("Choose one of the Québec contingents."), code="contingent")
    if quebec_contingent and applicant.stream != Stream.IMG:
        raise DomainError(
            _("Québec contingents are for international medical graduates only."),
            code="contingent",
        )
    profile = ApplicantProfile.objects.select_for_update().get(pk=applicant.pk)
    before = {"mcc_id": profile.mcc_id, "quebec_contingent": profile.quebec_contingent}
    profile.first_name, profile.last_name, profile.single_name = first_name, last_name, single_name
    profile.mcc_id, profile.quebec_contingent = mcc, quebec_contingent
    try:
        with transaction.atomic():
            profile.save(
                update_fields=[
                    "first_name",
                    "last_name",
                    "single_name",
                    "mcc_id",
                    "quebec_contingent",
                ]
            )
    except IntegrityError as exc:
        raise DomainError(
            _(
                "This MCC ID is already in another applicant's file. Check the number; if it "
                "is yours, contact the match administrator."
            ),
            code="mcc_id_taken",
        ) from exc
    audit(
        actor=profile.user,
        action="applicants.profile.updated",
        target=profile,
        data={"before": before, "mcc_id": mcc, "quebec_contingent": quebec_contingent},
    )
    return profile


@transaction.atomic
def application_languages_set(*, applicant: ApplicantProfile, languages: str) -> ApplicantProfile:
    """English, French or both. Entries of a language no longer chosen are kept, hidden."""
    if languages not in ApplicationLanguages.values:
        raise DomainError(
            _("Choose English, French or both for your application."), code="languages"
        )
    profile = ApplicantProfile.objects.select_for_update().get(pk=applicant.pk)
    before = profile.application_languages
    profile.application_languages = languages
    profile.save(update_fields=["application_languages"])
    audit(
        actor=profile.user,
        action="applicants.file.languages_set",
        target=profile,
        data={"before": before, "after": languages},
    )
    applicant.application_languages = languages
    return profile


def _section_or_error(key: str) -> Section:
    spec = section(key)
    if spec is None:
        raise DomainError(_("This section of your file does not exist."), code="section")
    return spec


def _form_errors(form: Any) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            parts.append(f"{label}: {error}" if label else str(error))
    return " ".join(parts)


@transaction.atomic
def file_entry_save(
    *,
    applicant: ApplicantProfile,
    section_key: str,
    language: str,
    data: dict[str, Any],
    entry: FileEntry | None = None,
) -> FileEntry:
    """Add an entry to a section (or change ``entry``), validated by the section's form."""
    spec = _section_or_error(section_key)
    if language not in applicant.languages:
        raise DomainError(
            _(
                "Your application is not in this language; choose it in “Language of your "
                "application” first."
            ),
            code="language",
        )
    form = form_for(spec, data)
    if not form.is_valid():
        raise DomainError(_form_errors(form), code="invalid")
    ApplicantProfile.objects.select_for_update().filter(pk=applicant.pk).first()  # serialise
    siblings = FileEntry.objects.filter(applicant=applicant, section=spec.key, language=language)
    if entry is None:
        if not spec.repeatable and siblings.exists():
            raise DomainError(
                _("This section holds one entry per language: change the existing one."),
                code="one_entry",
            )
        last = siblings.order_by("-position").values_list("position", flat=True).first()
        entry = FileEntry.objects.create(
            applicant=applicant,
            section=spec.key,
            language=language,
            position=(last or 0) + 1,
            data=form.cleaned_json(),
        )
        action = "applicants.file_entry.added"
    else:
        if entry.applicant_id != applicant.pk or entry.section != spec.key:
            raise DomainError(_("This entry is not in your file."), code="forbidden")
        entry.data = form.cleaned_json()
        entry.save(update_fields=["data", "updated_at"])
        action = "applicants.file_entry.changed"
    SectionWaiver.objects.filter(applicant=applicant, section=spec.key).delete()
    audit(actor=applicant.user, action=action, target=entry, data={"section": spec.key})
    return entry


@transaction.atomic
def file_entry_delete(*, applicant: ApplicantProfile, entry: FileEntry) -> None:
    if entry.applicant_id != applicant.pk:
        raise DomainError(_("This entry is not in your file."), code="forbidden")
    audit(
        actor=applicant.user,
        action="applicants.file_entry.deleted",
        target=entry,
        data={"section": entry.section, "language": entry.language, "data": entry.data},
    )
    entry.delete()


@transaction.atomic
def section_waive(*, applicant: ApplicantProfile, section_key: str, waived: bool) -> None:
    """Mark an if-it-applies section "does not apply to me" (or take the mark back)."""
    spec = _section_or_error(section_key)
    if spec.required:
        raise DomainError(
            _("This section is required: it cannot be marked “does not apply to me”."),
            code="required",
        )
    if not waived:
        SectionWaiver.objects.filter(applicant=applicant, section=spec.key).delete()
        audit(
            actor=applicant.user,
            action="applicants.section.unwaived",
            target=applicant,
            data={"section": spec.key},
        )
        return
    if FileEntry.objects.filter(
        applicant=applicant, section=spec.key, language__in=applicant.languages
    ).exists():
        raise DomainError(
            _("This section has entries. Delete them first if the section does not apply to you."),
            code="has_entries",
        )
    SectionWaiver.objects.get_or_create(applicant=applicant, section=spec.key)
    audit(
        actor=applicant.user,
        action="applicants.section.waived",
        target=applicant,
        data={"section": spec.key},
    )


# --- Return of service ------------------------------------------------------------------------


@transaction.atomic
def ros_acknowledge(*, applicant: ApplicantProfile, program: Any) -> ReturnOfServiceAcknowledgement:
    """The applicant read the program's return-of-service terms (this version of them)."""
    from applicants.eligibility import ros_version

    if not program.return_of_service_years:
        raise DomainError(_("This program carries no return-of-service obligation."), code="no_ros")
    ack, created = ReturnOfServiceAcknowledgement.objects.get_or_create(
        applicant=applicant, program=program, text_version=ros_version(program)
    )
    if created:
        audit(
            actor=applicant.user,
            action="applicants.return_of_service.acknowledged",
            target=ack,
            data={"program": program.code, "version": ack.text_version},
        )
    return ack


# --- Provincial lists: uploads ----------------------------------------------------------------

MAX_LIST_BYTES = 2 * 1024 * 1024
MAX_LIST_ROWS = 20000
LIST_COLUMNS = ("matching_id", "family_name")
LIST_OPTIONAL = ("province",)


def _fold(name: str) -> str:
    """A family name compared without case, accents or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())


def parse_provincial_csv(content: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded list, or a DomainError if the file itself is unusable."""
    if len(content) > MAX_LIST_BYTES:
        raise DomainError(
            _("The file is larger than 2 MB. Split it in several files and upload each."),
            code="too_big",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
            code="encoding",
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        lines = [line for line in reader if any(cell.strip() for cell in line)]
    except csv.Error as exc:
        raise DomainError(
            _("The file is not a readable CSV file (%(error)s). Nothing was changed.")
            % {"error": exc},
            code="malformed",
        ) from exc
    expected = ", ".join(LIST_COLUMNS)
    if not lines:
        raise DomainError(_("The file is empty."), code="empty")
    header = [cell.strip().lower() for cell in lines[0]]
    if (
        set(LIST_COLUMNS) - set(header)
        or set(header) - set(LIST_COLUMNS) - set(LIST_OPTIONAL)
        or len(set(header)) != len(header)
    ):
        raise DomainError(
            _(
                "The first line must name the columns %(expected)s (and, optionally, province). "
                "It reads: %(found)s. Nothing was changed."
            )
            % {"expected": expected, "found": ", ".join(header)},
            code="header",
        )
    if len(lines) == 1:
        raise DomainError(_("The file has no rows under its first line."), code="empty")
    if len(lines) - 1 > MAX_LIST_ROWS:
        raise DomainError(
            _("The file has more than %(max)s rows. Split it and upload each part.")
            % {"max": MAX_LIST_ROWS},
            code="too_many",
        )
    rows = []
    for line in lines[1:]:
        cells = [cell.strip() for cell in line] + [""] * (len(header) - len(line))
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


@transaction.atomic
def provincial_list_import(
    *,
    cycle: Cycle,
    province: str,
    content: bytes,
    filename: str = "",
    actor: Any | None = None,
    organisation: Any | None = None,
) -> ProvincialListImport:
    """Validate every row of an uploaded list; add the accepted ones, all in one transaction.

    Each row is accepted (added), unchanged (already on the list) or rejected with its reason.
    The file itself being unusable (not UTF-8, wrong header, too big) changes nothing.
    """
    if province not in PROVINCES_WITH_IMG_LIST:
        raise DomainError(_("This province keeps no IMG list."), code="province")
    rows = parse_provincial_csv(content)
    ids = {row.get("matching_id", "").upper() for row in rows}
    applicants = {a.matching_id: a for a in ApplicantProfile.objects.filter(matching_id__in=ids)}
    on_list = set(
        ProvincialEligibility.objects.filter(cycle=cycle, province=province).values_list(
            "applicant_id", flat=True
        )
    )
    report = ProvincialListImport.objects.create(
        cycle=cycle,
        province=province,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
        filename=filename[:200],
    )
    seen: set[str] = set()
    out = []
    counts = {"accepted": 0, "unchanged": 0, "rejected": 0}
    for number, row in enumerate(rows, start=2):
        matching_id = row.get("matching_id", "").upper()
        family_name = row.get("family_name", "")
        row_province = row.get("province", "").upper()
        applicant = applicants.get(matching_id)
        if not matching_id or not family_name:
            outcome, code = "rejected", "missing"
        elif matching_id in seen:
            outcome, code = "rejected", "duplicate"
        elif row_province and row_province != province:
            outcome, code = "rejected", "wrong_province"
        elif applicant is None:
            outcome, code = "rejected", "unknown"
        elif _fold(family_name) != _fold(applicant.last_name):
            outcome, code = "rejected", "name_mismatch"
        elif applicant.stream != Stream.IMG:
            outcome, code = "rejected", "not_img"
        elif applicant.pk in on_list:
            outcome, code = "unchanged", "unchanged"
        else:
            entry = ProvincialEligibility.objects.create(
                applicant=applicant, cycle=cycle, province=province, added_by=report.uploaded_by
            )
            on_list.add(applicant.pk)
            audit(
                actor=actor,
                action="applicants.provincial_list.added",
                target=entry,
                data={
                    "import": report.pk,
                    "organisation": organisation.pk if organisation is not None else None,
                    "row": number,
                },
            )
            outcome, code = "accepted", "added"
        if matching_id:
            seen.add(matching_id)
        counts[outcome] += 1
        out.append(
            {
                "row": number,
                "matching_id": matching_id[:20],
                "family_name": family_name[:100],
                "outcome": outcome,
                "code": code,
            }
        )
    report.rows = out
    report.accepted, report.unchanged, report.rejected = (
        counts["accepted"],
        counts["unchanged"],
        counts["rejected"],
    )
    report.save(update_fields=["rows", "accepted", "unchanged", "rejected"])
    audit(
        actor=actor,
        action="applicants.provincial_list.imported",
        target=report,
        data={"province": province, **counts},
    )
    return report
