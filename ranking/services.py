"""Writes of the ranking domain: build, reorder and submit rank order lists.

Every write is atomic, locks the list (``select_for_update``), checks the rank period of its
kind of list (applicants and couples: until the applicant ROL deadline; quotas: until the
program ROL deadline) and is audited. Submitting keeps an immutable ``RankListVersion``; the
match uses the last submitted version, so later edits count only once submitted again.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.models import ApplicantProfile, Couple, CoupleStatus
from applicants.selectors import participation_active
from core.audit import audit
from core.errors import DomainError
from cycles.deadlines import require_window
from cycles.models import Iteration, MilestoneKind
from programs.models import Quota
from ranking import selectors
from ranking.models import (
    ApprovalState,
    RankEntry,
    RankList,
    RankListApproval,
    RankListStatus,
    RankListVersion,
    UnrankedReason,
    UnrankedReasonKind,
)

OFFSET = 1_000_000  # positions are moved out of the way before renumbering (unique per list)


def _kind(rank_list: RankList) -> str:
    if rank_list.quota_id is not None:
        return "quota"
    return "couple" if rank_list.couple_id is not None else "applicant"


def _require_open(iteration: Iteration, kind: str, *, submitting: bool = False) -> None:
    if kind == "quota":
        closes = MilestoneKind.PROGRAM_ROL_DEADLINE
        what = (
            _("Submitting a program's rank order list")
            if submitting
            else _("Changing a program's rank order list")
        )
    else:
        closes = MilestoneKind.APPLICANT_ROL_DEADLINE
        what = _("Submitting a rank order list") if submitting else _("Changing a rank order list")
    require_window(iteration, opens=MilestoneKind.RANKING_OPENS, closes=closes, what=what)


def _lock(rank_list: RankList) -> RankList:
    return RankList.objects.select_for_update().select_related("iteration").get(pk=rank_list.pk)


def _get_or_create_locked(**owner: Any) -> RankList:
    try:
        with transaction.atomic():
            rank_list, _created = RankList.objects.get_or_create(**owner)
    except IntegrityError:  # created by a concurrent request
        rank_list = RankList.objects.get(**owner)
    return _lock(rank_list)


def _require_participant(applicant: ApplicantProfile, iteration: Iteration) -> None:
    if not participation_active(applicant, iteration.cycle_id):
        raise DomainError(
            _(
                "%(name)s does not take part in this match (no participation, or withdrawn). "
                "Only participating applicants rank and are ranked."
            )
            % {"name": applicant},
            code="not_participating",
        )


def _append(rank_list: RankList, **what: Any) -> RankEntry:
    last = rank_list.entries.aggregate(m=Max("position"))["m"] or 0
    return RankEntry.objects.create(rank_list=rank_list, position=last + 1, **what)


def _renumber(rank_list: RankList, ordered_ids: list[int]) -> None:
    """Give the entries ``ordered_ids`` the positions 1..n without breaking uniqueness."""
    RankEntry.objects.filter(rank_list=rank_list).update(position=F("position") + OFFSET)
    entries = [RankEntry(pk=pk, position=i + 1) for i, pk in enumerate(ordered_ids)]
    RankEntry.objects.bulk_update(entries, ["position"])


def empty_list_message() -> str:
    return _("The list is empty: add at least one line before submitting.")


def _touch(rank_list: RankList) -> None:
    rank_list.save(update_fields=["updated_at"])


# --- Adding lines -----------------------------------------------------------------------------


@transaction.atomic
def rank_list_add(
    *, applicant: ApplicantProfile, quota: Quota, actor: Any | None = None
) -> RankEntry:
    """Add ``quota`` at the end of ``applicant``'s own list (created on first use)."""
    iteration = quota.iteration
    _require_open(iteration, "applicant")
    _require_participant(applicant, iteration)
    if not selectors.has_applied(applicant.pk, quota.pk):
        raise DomainError(
            _(
                "You can only rank programs you applied to: “%(quota)s” is not among your "
                "submitted applications."
            )
            % {"quota": quota},
            code="not_applied",
        )
    rank_list = _get_or_create_locked(iteration=iteration, applicant=applicant)
    if rank_list.entries.filter(quota=quota).exists():
        raise DomainError(
            _("“%(quota)s” is already on your list.") % {"quota": quota}, code="duplicate"
        )
    entry = _append(rank_list, quota=quota)
    _touch(rank_list)
    audit(
        actor=actor or applicant.user,
        action="ranking.entry.add",
        target=rank_list,
        data={"quota": quota.code, "position": entry.position},
    )
    return entry


@transaction.atomic
def couple_rank_list_add(
    *, actor: Any, couple: Couple, quota: Quota | None, partner_quota: Quota | None
) -> RankEntry:
    """Add a pair at the end of a linked couple's list: ``quota`` for the inviter (member 1),
    ``partner_quota`` for the partner (member 2); ``None`` means no match for that member."""
    if quota is None and partner_quota is None:
        raise DomainError(
            _(
                "Choose a program for at least one of you: a pair where both of you go "
                "unmatched is always implied at the end of the list."
            ),
            code="empty_pair",
        )
    iteration = (quota or partner_quota).iteration  # type: ignore[union-attr]
    _require_open(iteration, "couple")
    couple = Couple.objects.select_related("inviter", "partner").get(pk=couple.pk)
    if couple.status != CoupleStatus.ACTIVE:
        raise DomainError(
            _("This couple is not linked: both partners must be linked to rank pairs."),
            code="not_linked",
        )
    for member, chosen in ((couple.inviter, quota), (couple.partner, partner_quota)):
        _require_participant(member, iteration)
        if chosen is None:
            continue
        if chosen.iteration_id != iteration.pk:
            raise DomainError(_("Both programs of a pair must be in the same match round."))
        if not selectors.has_applied(member.pk, chosen.pk):
            raise DomainError(
                _(
                    "%(name)s did not apply to “%(quota)s”: each of you can only be ranked to "
                    "programs they applied to."
                )
                % {"name": member, "quota": chosen},
                code="not_applied",
            )
    rank_list = _get_or_create_locked(iteration=iteration, couple=couple)
    if rank_list.entries.filter(quota=quota, partner_quota=partner_quota).exists():
        raise DomainError(_("This pair is already on your couple's list."), code="duplicate")
    entry = _append(rank_list, quota=quota, partner_quota=partner_quota)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.add",
        target=rank_list,
        data={
            "quota": quota.code if quota else None,
            "partner_quota": partner_quota.code if partner_quota else None,
            "position": entry.position,
        },
    )
    return entry


def _not_interviewed(applicant: ApplicantProfile, quota: Quota) -> DomainError:
    return DomainError(
        _(
            "%(name)s was not interviewed for “%(quota)s” (their interview status is not "
            "“Selected for an interview”): a program ranks only the applicants it interviewed. "
            "Nothing was changed."
        )
        % {"name": applicant, "quota": quota},
        code="not_interviewed",
    )


def _require_interviewed(applicant: ApplicantProfile, quota: Quota) -> None:
    if not selectors.was_interviewed(applicant.pk, quota):
        raise _not_interviewed(applicant, quota)


@transaction.atomic
def program_rank_list_add(*, actor: Any, quota: Quota, applicant: ApplicantProfile) -> RankEntry:
    """Add ``applicant`` at the end of ``quota``'s list: only an applicant who applied to the
    quota and whom the program interviewed for it (interview status "selected")."""
    iteration = quota.iteration
    _require_open(iteration, "quota")
    _require_participant(applicant, iteration)
    if not selectors.has_applied(applicant.pk, quota.pk):
        raise DomainError(
            _(
                "%(name)s has no submitted application to “%(quota)s”: a program can only "
                "rank applicants who applied to it."
            )
            % {"name": applicant, "quota": quota},
            code="not_applied",
        )
    _require_interviewed(applicant, quota)
    rank_list = _get_or_create_locked(iteration=iteration, quota=quota)
    if rank_list.entries.filter(applicant=applicant).exists():
        raise DomainError(
            _("%(name)s is already on this list.") % {"name": applicant}, code="duplicate"
        )
    entry = _append(rank_list, applicant=applicant)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.add",
        target=rank_list,
        data={"applicant": applicant.matching_id, "position": entry.position},
    )
    return entry


# --- Removing, moving, submitting (every kind of list) ------------------------------------------


def _entry_ids(rank_list: RankList) -> list[int]:
    return list(rank_list.entries.order_by("position").values_list("pk", flat=True))


def _missing_entry() -> DomainError:
    return DomainError(
        _(
            "This line is no longer on the list (it may have been changed elsewhere). "
            "The list below is up to date."
        ),
        code="no_entry",
    )


@transaction.atomic
def rank_list_remove(*, actor: Any, rank_list: RankList, entry_id: int) -> None:
    rank_list = _lock(rank_list)
    _require_open(rank_list.iteration, _kind(rank_list))
    ids = _entry_ids(rank_list)
    if entry_id not in ids:
        raise _missing_entry()
    position = ids.index(entry_id) + 1
    RankEntry.objects.filter(pk=entry_id).delete()
    ids.remove(entry_id)
    _renumber(rank_list, ids)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.remove",
        target=rank_list,
        data={"entry": entry_id, "position": position},
    )


@transaction.atomic
def rank_list_move(*, actor: Any, rank_list: RankList, entry_id: int, position: int) -> None:
    """Move a line to ``position`` (1 = most preferred); the others shift."""
    rank_list = _lock(rank_list)
    _require_open(rank_list.iteration, _kind(rank_list))
    ids = _entry_ids(rank_list)
    if entry_id not in ids:
        raise _missing_entry()
    if not 1 <= position <= len(ids):
        raise DomainError(
            _("Choose a position between 1 and %(count)d.") % {"count": len(ids)},
            code="bad_position",
        )
    before = ids.index(entry_id) + 1
    if before == position:
        return
    ids.remove(entry_id)
    ids.insert(position - 1, entry_id)
    _renumber(rank_list, ids)
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.entry.move",
        target=rank_list,
        data={"entry": entry_id, "from": before, "to": position},
    )


def _check_still_valid(rank_list: RankList, entries: list[RankEntry]) -> None:
    """Before submitting: every line still names an application and an active participant."""
    iteration = rank_list.iteration
    kind = _kind(rank_list)
    if kind == "quota":
        allowed = set(selectors.rankable_applicants(rank_list.quota).values_list("pk", flat=True))
        for entry in entries:
            if entry.applicant_id not in allowed:
                raise DomainError(
                    _(
                        "%(name)s (rank %(position)d) is no longer an interviewed applicant "
                        "with an active application to this program: remove them, then submit "
                        "again."
                    )
                    % {"name": entry.applicant, "position": entry.position},
                    code="stale",
                )
        return
    members: list[tuple[ApplicantProfile, str]]
    if kind == "couple":
        couple = rank_list.couple
        if couple.status != CoupleStatus.ACTIVE:
            raise DomainError(_("This couple is no longer linked: its list cannot be submitted."))
        members = [(couple.inviter, "quota_id"), (couple.partner, "partner_quota_id")]
    else:
        members = [(rank_list.applicant, "quota_id")]
    for member, field in members:
        _require_participant(member, iteration)
        applied = {q.pk for q in selectors.applied_quotas(member, iteration)}
        for entry in entries:
            quota_id = getattr(entry, field)
            if quota_id is not None and quota_id not in applied:
                quota = entry.quota if field == "quota_id" else entry.partner_quota
                raise DomainError(
                    _(
                        "“%(quota)s” (rank %(position)d) is no longer among the submitted "
                        "applications of %(name)s: remove it, then submit again."
                    )
                    % {"quota": quota, "position": entry.position, "name": member},
                    code="stale",
                )


@transaction.atomic
def rank_list_submit(*, actor: Any, rank_list: RankList) -> RankListVersion | RankListApproval:
    """Keep the list as it is now as a new immutable version: the one the match will use.

    A program's list goes through ``_program_submit``: Québec reasons are checked, and where
    the school requires it the list is submitted for PGME approval instead (a
    ``RankListApproval``, which becomes a version only once approved)."""
    rank_list = _lock(rank_list)
    _require_open(rank_list.iteration, _kind(rank_list), submitting=True)
    entries = selectors.entries_of(rank_list)
    if not entries:
        raise DomainError(empty_list_message(), code="empty")
    _check_still_valid(rank_list, entries)
    if rank_list.quota_id is not None:
        return _program_submit(actor=actor, rank_list=rank_list, entries=entries)
    return _new_version(actor=actor, rank_list=rank_list, entries=entries)


def _new_version(
    *,
    actor: Any,
    rank_list: RankList,
    entries: list[RankEntry] | None = None,
    payload: list[dict[str, Any]] | None = None,
    unranked: list[dict[str, Any]] | None = None,
    submitted_by: Any = None,
    action: str = "ranking.list.submit",
) -> RankListVersion:
    now = timezone.now()
    last = rank_list.versions.aggregate(m=Max("number"))["m"] or 0
    if payload is None:
        payload = selectors.version_payload(entries or [], couple=rank_list.couple_id is not None)
    if submitted_by is None and getattr(actor, "is_authenticated", False):
        submitted_by = actor
    version = RankListVersion.objects.create(
        rank_list=rank_list,
        number=last + 1,
        entries=payload,
        unranked=unranked or [],
        submitted_at=now,
        submitted_by=submitted_by,
    )
    rank_list.status = RankListStatus.SUBMITTED
    rank_list.submitted_at = now
    rank_list.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(
        actor=actor,
        action=action,
        target=rank_list,
        data={"version": version.number, "entries": len(payload)},
    )
    return version


# --- Program lists: Québec reasons, PGME approval, CSV import ----------------------------------


def _quota_of(rank_list: RankList) -> Quota:
    return Quota.objects.select_related("program__school", "iteration").get(pk=rank_list.quota_id)


def _names(applicants: list[ApplicantProfile]) -> str:
    return "; ".join(f"{a.sorted_name} ({a.matching_id})" for a in applicants)


def _supersede_pending(rank_list: RankList) -> None:
    RankListApproval.objects.filter(rank_list=rank_list, state=ApprovalState.PENDING).update(
        state=ApprovalState.SUPERSEDED, decided_at=timezone.now()
    )


def _program_submit(
    *, actor: Any, rank_list: RankList, entries: list[RankEntry]
) -> RankListVersion | RankListApproval:
    quota = _quota_of(rank_list)
    candidates = selectors.interviewed_candidates(
        quota, rank_list, {e.applicant_id: e.position for e in entries}
    )
    unranked: list[dict[str, Any]] = []
    if selectors.is_quebec(quota):
        missing = selectors.unranked_without_reason(candidates)
        if missing:
            raise DomainError(
                _(
                    "A Québec program gives a reason for each interviewed applicant it leaves "
                    "unranked. No reason is given yet for: %(names)s. Choose a reason for each "
                    "under “Interviewed applicants”, then submit again. Nothing was submitted."
                )
                % {"names": _names(missing)},
                code="reasons_missing",
            )
        unranked = selectors.unranked_payload(candidates)
    payload = selectors.version_payload(entries)
    if not selectors.approval_required(quota):
        _supersede_pending(rank_list)  # the school stopped requiring approval meanwhile
        return _new_version(actor=actor, rank_list=rank_list, payload=payload, unranked=unranked)
    _supersede_pending(rank_list)
    now = timezone.now()
    last = rank_list.approvals.aggregate(m=Max("number"))["m"] or 0
    approval = RankListApproval.objects.create(
        rank_list=rank_list,
        number=last + 1,
        entries=payload,
        unranked=unranked,
        submitted_at=now,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rank_list.status = RankListStatus.PENDING
    rank_list.save(update_fields=["status", "updated_at"])
    audit(
        actor=actor,
        action="ranking.list.submit_for_approval",
        target=rank_list,
        data={"submission": approval.number, "entries": len(payload)},
    )
    from ranking.emails import queue_approval_requested

    queue_approval_requested(approval)
    return approval


def _lock_approval(approval: RankListApproval) -> tuple[RankListApproval, RankList]:
    rank_list = _lock(approval.rank_list)
    approval = RankListApproval.objects.select_related("submitted_by").get(pk=approval.pk)
    if approval.state != ApprovalState.PENDING:
        raise DomainError(
            _(
                "This submission is no longer awaiting approval (it was %(state)s). The page "
                "below is up to date; nothing was changed."
            )
            % {"state": approval.get_state_display().lower()},
            code="not_pending",
        )
    return approval, rank_list


@transaction.atomic
def rank_list_approve(*, actor: Any, approval: RankListApproval) -> RankListVersion:
    """The PGME office approves a program's submitted list: it becomes the list's next
    version, the one the match uses.

    Allowed after the program deadline (the list was submitted in time; approving changes
    nothing the program could still change) until the applicant ROL deadline, and never once
    the official match has run."""
    approval, rank_list = _lock_approval(approval)
    iteration = rank_list.iteration
    require_window(
        iteration,
        opens=MilestoneKind.RANKING_OPENS,
        closes=MilestoneKind.APPLICANT_ROL_DEADLINE,
        what=_("Approving a program's rank order list"),
    )
    from matchruns.models import MatchRun, RunKind

    if MatchRun.objects.filter(iteration=iteration, kind=RunKind.OFFICIAL).exists():
        raise DomainError(
            _("The official match has run: rank order lists can no longer be approved."),
            code="matched",
        )
    version = _new_version(
        actor=actor,
        rank_list=rank_list,
        payload=list(approval.entries),
        unranked=list(approval.unranked),
        submitted_by=approval.submitted_by,
        action="ranking.list.approve",
    )
    approval.state = ApprovalState.APPROVED
    approval.decided_at = version.submitted_at
    approval.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    approval.version = version
    approval.save(update_fields=["state", "decided_at", "decided_by", "version"])
    from ranking.emails import queue_approval_decided

    queue_approval_decided(approval)
    return version


@transaction.atomic
def rank_list_return(*, actor: Any, approval: RankListApproval, comment: str) -> RankListApproval:
    """The PGME office sends a program's submitted list back with a comment; the program's
    directors are e-mailed. Only before the program deadline, while the program can still
    correct and submit again."""
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(
            _(
                "Write a comment saying what the program should change: it is e-mailed to the "
                "program's directors. Nothing was changed."
            ),
            code="no_comment",
        )
    if len(comment) > 2000:
        raise DomainError(
            _("The comment is longer than 2,000 characters: shorten it. Nothing was changed."),
            code="too_long",
        )
    approval, rank_list = _lock_approval(approval)
    require_window(
        rank_list.iteration,
        opens=MilestoneKind.RANKING_OPENS,
        closes=MilestoneKind.PROGRAM_ROL_DEADLINE,
        what=_("Returning a program's rank order list"),
    )
    approval.state = ApprovalState.RETURNED
    approval.decided_at = timezone.now()
    approval.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    approval.comment = comment
    approval.save(update_fields=["state", "decided_at", "decided_by", "comment"])
    rank_list.status = RankListStatus.RETURNED
    rank_list.save(update_fields=["status", "updated_at"])
    audit(
        actor=actor,
        action="ranking.list.return",
        target=rank_list,
        data={"submission": approval.number},
    )
    from ranking.emails import queue_approval_decided

    queue_approval_decided(approval)
    return approval


@transaction.atomic
def unranked_reason_set(
    *,
    actor: Any,
    quota: Quota,
    applicant: ApplicantProfile,
    kind: str,
    text: str = "",
) -> UnrankedReason | None:
    """Record (or, with an empty ``kind``, clear) why a Québec program leaves an interviewed
    applicant off its list."""
    iteration = quota.iteration
    _require_open(iteration, "quota")
    quota = Quota.objects.select_related("program__school").get(pk=quota.pk)
    if not selectors.is_quebec(quota):
        raise DomainError(
            _("Only Québec programs give reasons for the applicants they do not rank."),
            code="not_quebec",
        )
    _require_interviewed(applicant, quota)
    rank_list = _get_or_create_locked(iteration=iteration, quota=quota)
    text = (text or "").strip()
    if not kind:
        deleted, _rows = UnrankedReason.objects.filter(
            rank_list=rank_list, applicant=applicant
        ).delete()
        if deleted:
            audit(
                actor=actor,
                action="ranking.unranked_reason.clear",
                target=rank_list,
                data={"applicant": applicant.matching_id},
            )
        return None
    if kind not in UnrankedReasonKind.values:
        raise DomainError(_("Choose one of the reasons in the list."), code="bad_reason")
    if kind == UnrankedReasonKind.OTHER and not text:
        raise DomainError(
            _("You chose “Other reason”: explain it in a few words. Nothing was changed."),
            code="no_text",
        )
    if len(text) > 500:
        raise DomainError(
            _("The explanation is longer than 500 characters: shorten it. Nothing was changed."),
            code="too_long",
        )
    if rank_list.entries.filter(applicant=applicant).exists():
        raise DomainError(
            _(
                "%(name)s is on the list: a reason is given only for an interviewed applicant "
                "you leave unranked. Nothing was changed."
            )
            % {"name": applicant},
            code="ranked",
        )
    reason, _created = UnrankedReason.objects.update_or_create(
        rank_list=rank_list,
        applicant=applicant,
        defaults={
            "kind": kind,
            "text": text,
            "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.unranked_reason.set",
        target=rank_list,
        data={"applicant": applicant.matching_id, "reason": kind},
    )
    return reason


# --- Program lists: import from CSV ----------------------------------------------------------

MAX_IMPORT_BYTES = 256 * 1024
MAX_IMPORT_ROWS = 5000
#: Names accepted (case and accents ignored) for the column of match identifiers.
ID_HEADERS = {
    "matching_id",
    "matching id",
    "match id",
    "match identifier",
    "applicant",
    "applicant id",
    "applicant_id",
    "id",
    "identifiant",
    "identifiant de jumelage",
    "candidat",
}


@dataclass(frozen=True)
class ImportProblem:
    """One refused row of an uploaded list: its line in the file, what it holds, why, and how
    to fix it."""

    row: int
    value: str
    problem: str
    fix: str


class RankListImportError(DomainError):
    """The file was read but some rows are refused: nothing was changed (``problems`` lists
    every refused row)."""

    def __init__(self, message: str, *, problems: list[ImportProblem]) -> None:
        super().__init__(message, code="rows_refused")
        self.problems = problems


def _fold_header(cell: str) -> str:
    decomposed = unicodedata.normalize("NFKD", cell)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())


def _binary_label(mime: str) -> str:
    if mime == "application/pdf":
        return "PDF"
    if "spreadsheet" in mime or "excel" in mime:
        return _("an Excel workbook")
    if mime:
        return _("a document or archive (%(type)s)") % {"type": mime}
    return _("binary data")


def parse_rank_csv(content: bytes) -> list[tuple[int, str]]:
    """The (line number, match identifier) of every non-empty row of an uploaded list, in
    order; a ``DomainError`` when the file itself cannot be used (nothing is changed).

    One row per applicant, most preferred first. The identifier is in the first column, or
    in the column headed ``matching_id`` (or a synonym, EN or FR) when the first line is a
    header; other columns (a name, a rank) are ignored. UTF-8 with or without a BOM; comma,
    semicolon or tab separated.
    """
    if len(content) > MAX_IMPORT_BYTES:
        raise DomainError(
            _(
                "The file is larger than %(limit)s: a rank order list file holds one short row "
                "per applicant. Check that you chose the right file. Nothing was changed."
            )
            % {"limit": filesizeformat(MAX_IMPORT_BYTES)},
            code="too_big",
        )
    if not content.strip():
        raise DomainError(_("The file is empty. Nothing was changed."), code="empty")
    from documents.uploads import sniff

    sniffed = sniff(content)
    binary = sniffed == "application/pdf" or sniffed.startswith(
        ("application/vnd", "application/zip", "application/x-zip")
    )
    if binary or b"\x00" in content[:8192]:
        raise DomainError(
            _(
                "This is not a CSV text file (its content reads as %(type)s). In your "
                "spreadsheet choose “Save as”, then “CSV UTF-8”, and upload that file. Nothing "
                "was changed."
            )
            % {"type": _binary_label(sniffed)},
            code="not_csv",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            _(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again. "
                "Nothing was changed."
            ),
            code="encoding",
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise DomainError(
            _("The file is not a readable CSV file (%(error)s). Nothing was changed.")
            % {"error": exc},
            code="malformed",
        ) from exc
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if any(c.strip() for c in line)]
    if not numbered:
        raise DomainError(_("The file is empty. Nothing was changed."), code="empty")
    column = 0
    header = [_fold_header(c) for c in numbered[0][1]]
    named = [i for i, cell in enumerate(header) if cell in ID_HEADERS]
    if named:
        column = named[0]
        numbered = numbered[1:]
    if not numbered:
        raise DomainError(
            _("The file has no rows under its first line. Nothing was changed."), code="empty"
        )
    if len(numbered) > MAX_IMPORT_ROWS:
        raise DomainError(
            _("The file has more than %(max)s rows. Nothing was changed.")
            % {"max": MAX_IMPORT_ROWS},
            code="too_many",
        )
    return [(n, line[column].strip().upper() if column < len(line) else "") for n, line in numbered]


@transaction.atomic
def program_rank_list_import(
    *, actor: Any, quota: Quota, content: bytes, filename: str = ""
) -> RankList:
    """Replace the draft of ``quota``'s list with the uploaded order, all or nothing.

    Every row is checked (known identifier, not repeated, applied to this quota, interviewed
    for it, still taking part); if any is refused nothing changes and ``RankListImportError``
    lists every refused row with its fix. The list is not submitted: the program reads it and
    submits it as usual."""
    iteration = quota.iteration
    _require_open(iteration, "quota")
    rows = parse_rank_csv(content)
    ids = {value for _n, value in rows if value}
    applicants = {
        a.matching_id.upper(): a for a in ApplicantProfile.objects.filter(matching_id__in=ids)
    }
    applied = set(selectors.applicants_who_applied_ids(quota, [a.pk for a in applicants.values()]))
    interviewed = set(selectors.rankable_applicants(quota).values_list("pk", flat=True))
    from interviews.selectors import interviewed_applications

    interviewed_any = set(interviewed_applications(quota).values_list("applicant_id", flat=True))
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    order: list[ApplicantProfile] = []
    for number, value in rows:
        applicant = applicants.get(value)
        if not value:
            problems.append(
                ImportProblem(
                    number,
                    "",
                    _("The match identifier is missing."),
                    _("Write the applicant's match identifier, or delete the row."),
                )
            )
        elif value in seen:
            problems.append(
                ImportProblem(
                    number,
                    value,
                    _("This applicant is already on row %(row)d.") % {"row": seen[value]},
                    _("Keep one row per applicant, at the rank you want."),
                )
            )
        elif applicant is None:
            problems.append(
                ImportProblem(
                    number,
                    value,
                    _("No applicant has this match identifier."),
                    _(
                        "Copy the identifier from the list of interviewed applicants on the "
                        "rank order list page."
                    ),
                )
            )
        elif applicant.pk not in applied:
            problems.append(
                ImportProblem(
                    number,
                    value,
                    _("%(name)s did not apply to this quota.") % {"name": applicant},
                    _("Delete the row: a program ranks only applicants who applied to it."),
                )
            )
        elif applicant.pk not in interviewed_any:
            problems.append(
                ImportProblem(
                    number,
                    value,
                    _("%(name)s was not interviewed for this quota.") % {"name": applicant},
                    _(
                        "Delete the row, or first set their interview status to “Selected for "
                        "an interview”."
                    ),
                )
            )
        elif applicant.pk not in interviewed:
            problems.append(
                ImportProblem(
                    number,
                    value,
                    _("%(name)s no longer takes part in the match.") % {"name": applicant},
                    _("Delete the row: a withdrawn applicant cannot be matched."),
                )
            )
        else:
            order.append(applicant)
        if value and value not in seen:
            seen[value] = number
    if problems:
        raise RankListImportError(
            ngettext(
                "%(count)d row of the file is refused (listed below): nothing was changed. "
                "Correct the file and upload it again.",
                "%(count)d rows of the file are refused (listed below): nothing was changed. "
                "Correct the file and upload it again.",
                len(problems),
            )
            % {"count": len(problems)},
            problems=problems,
        )
    rank_list = _get_or_create_locked(iteration=iteration, quota=quota)
    before = rank_list.entries.count()
    rank_list.entries.all().delete()
    RankEntry.objects.bulk_create(
        [RankEntry(rank_list=rank_list, position=i + 1, applicant=a) for i, a in enumerate(order)]
    )
    _touch(rank_list)
    audit(
        actor=actor,
        action="ranking.list.import",
        target=rank_list,
        data={"filename": filename[:200], "entries": len(order), "replaced": before},
    )
    return rank_list
