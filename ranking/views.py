"""Pages of the ranking domain: an applicant's list, a couple's list of pairs, a quota's list
(with its CSV import, its history, and the PGME office's approval).

Each list page has one POST endpoint taking ``op`` (add, remove, up, down, move, submit): htmx
requests get the list fragment back (``ranking/_board.html``), plain form posts are redirected
to the page (the same controls work without JavaScript).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from applicants.models import ApplicantProfile, Couple
from applicants.selectors import participation_active
from core.errors import DomainError
from core.pdf import pdf_response
from core.permissions import can, require, roles_of
from cycles.deadlines import format_toronto
from cycles.models import Iteration
from cycles.selectors import current_iteration
from programs.models import Quota
from ranking import selectors, services
from ranking.couples import couple_dissolve, couple_invite, couple_respond
from ranking.models import (
    RankEntry,
    RankList,
    RankListApproval,
    RankListVersion,
    UnrankedReasonKind,
)

# --- Shared helpers ---------------------------------------------------------------------------


def _iteration() -> Iteration:
    iteration = current_iteration()
    if iteration is None:
        raise Http404("No current match")
    return iteration


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.select_related("user").get(
        pk=roles_of(request.user).applicant_id
    )


def _board(
    request: HttpRequest,
    *,
    kind: str,
    iteration: Iteration,
    rank_list: RankList | None,
    edit_url: str,
    pdf_url: str,
    read_only: str | None = None,
) -> dict[str, Any]:
    entries = selectors.entries_of(rank_list)
    version = selectors.last_version(rank_list)
    locked = read_only or selectors.closed_message(iteration, kind)
    deadline = selectors.deadline_of(kind, iteration)
    return {
        "kind": kind,
        "rank_list": rank_list,
        "rows": selectors.rows_of_entries(entries),
        "count": len(entries),
        "version": version,
        "version_at": format_toronto(version.submitted_at) if version else "",
        "changed": selectors.has_unsubmitted_changes(entries, version),
        "locked": locked,
        "deadline": format_toronto(deadline) if deadline else "",
        "edit_url": edit_url,
        "pdf_url": pdf_url,
        "ranked_quota_ids": {e.quota_id for e in entries},
        "ranked_applicant_ids": {e.applicant_id for e in entries},
        "inline_messages": list(messages.get_messages(request)) if request.htmx else [],
    }


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _edit(
    request: HttpRequest,
    *,
    rank_list: RankList | None,
    add: Callable[[], Any],
    page_url: str,
    board: Callable[[], dict[str, Any]],
    extra_ops: dict[str, Callable[[], str]] | None = None,
    label_of: Callable[[int], str] | None = None,
) -> HttpResponse:
    """Apply one ``op`` to a list, then show the list again (fragment or redirect).

    ``extra_ops`` are further operations of one kind of list (each returns its success
    message); ``label_of(entry_id)`` names a line in the "moved" message read out to screen
    reader users."""
    op = request.POST.get("op", "")
    entry_id = _int(request.POST.get("entry"))
    try:
        if extra_ops and op in extra_ops:
            messages.success(request, extra_ops[op]())
        elif op == "add":
            add()
            messages.success(request, _("Added at the end of the list (saved as a draft)."))
        elif rank_list is None:
            if op == "submit":
                raise DomainError(services.empty_list_message())
            raise DomainError(_("This line is no longer on the list."))
        elif op == "submit":
            result = services.rank_list_submit(actor=request.user, rank_list=rank_list)
            if isinstance(result, RankListApproval):
                messages.success(
                    request,
                    _(
                        "Submitted for approval: submission %(number)d, %(when)s (Toronto "
                        "time). The school's PGME office was told; the match uses this list "
                        "only once the office approves it."
                    )
                    % {"number": result.number, "when": format_toronto(result.submitted_at)},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Submitted: version %(number)d, %(when)s (Toronto time). This is the "
                        "version the match will use."
                    )
                    % {"number": result.number, "when": format_toronto(result.submitted_at)},
                )
        elif op in ("remove", "up", "down", "move"):
            if entry_id is None:
                raise DomainError(_("Choose a line of the list."))
            if op == "remove":
                services.rank_list_remove(
                    actor=request.user, rank_list=rank_list, entry_id=entry_id
                )
                messages.success(request, _("Removed from the list (saved as a draft)."))
            else:
                if op == "move":
                    position = _int(request.POST.get("position"))
                    if position is None:
                        raise DomainError(_("Enter the new position as a whole number."))
                else:
                    current = (
                        RankEntry.objects.filter(rank_list=rank_list, pk=entry_id)
                        .values_list("position", flat=True)
                        .first()
                    )
                    if current is None:
                        raise DomainError(_("This line is no longer on the list."))
                    position = current - 1 if op == "up" else current + 1
                    count = RankEntry.objects.filter(rank_list=rank_list).count()
                    position = max(1, min(position, count))
                services.rank_list_move(
                    actor=request.user, rank_list=rank_list, entry_id=entry_id, position=position
                )
                if label_of is not None:
                    messages.success(
                        request,
                        _(
                            "%(name)s moved to position %(position)d of %(count)d (saved as a "
                            "draft)."
                        )
                        % {
                            "name": label_of(entry_id),
                            "position": position,
                            "count": RankEntry.objects.filter(rank_list=rank_list).count(),
                        },
                    )
                else:
                    messages.success(
                        request,
                        _("Moved to position %(position)d (saved as a draft).")
                        % {"position": position},
                    )
        else:
            raise DomainError(_("Unknown action: reload the page and try again."))
    except DomainError as error:
        messages.error(request, error.message)
    if request.htmx:
        return render(request, "ranking/_board.html", board())
    return redirect(page_url)


def _pdf(
    request: HttpRequest,
    *,
    kind: str,
    title: str,
    owner: str,
    rank_list: RankList | None,
    filename: str,
    members: tuple[ApplicantProfile, ApplicantProfile] | None = None,
) -> HttpResponse:
    """A printable copy: the last submitted version (what counts), or the draft if none."""
    version: RankListVersion | None = selectors.last_version(rank_list)
    entries = selectors.entries_of(rank_list)
    rows = selectors.rows_of_version(version) if version else selectors.rows_of_entries(entries)
    return pdf_response(
        request,
        "ranking/pdf.html",
        {
            "kind": kind,
            "title": title,
            "owner": owner,
            "rows": rows,
            "version": version,
            "version_at": format_toronto(version.submitted_at) if version else "",
            "changed": selectors.has_unsubmitted_changes(entries, version),
            "printed_at": format_toronto(timezone.now()),
            "members": members,
        },
        filename=filename,
    )


# --- Applicant --------------------------------------------------------------------------------


def _applicant_read_only(applicant: ApplicantProfile, iteration: Iteration) -> str | None:
    if not participation_active(applicant, iteration.cycle_id):
        return _("You do not take part in this match (or you withdrew): you cannot rank programs.")
    return None


def _applicant_board(
    request: HttpRequest, applicant: ApplicantProfile, iteration: Iteration
) -> dict[str, Any]:
    rank_list = selectors.applicant_rank_list(applicant, iteration)
    board = _board(
        request,
        kind="applicant",
        iteration=iteration,
        rank_list=rank_list,
        edit_url=reverse("ranking:applicant_edit"),
        pdf_url=reverse("ranking:applicant_pdf"),
        read_only=_applicant_read_only(applicant, iteration),
    )
    board["choices"] = [
        q
        for q in selectors.applied_quotas(applicant, iteration)
        if q.pk not in board["ranked_quota_ids"]
    ]
    return board


@login_required
def applicant(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    context = _applicant_board(request, me, iteration)
    context["couple"] = selectors.linked_couple(me, iteration.cycle_id)
    return render(request, "ranking/applicant.html", context)


@login_required
@require_POST
def applicant_edit(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()

    def add() -> None:
        quota = (
            Quota.objects.filter(pk=_int(request.POST.get("quota")) or 0, iteration=iteration)
            .select_related("program", "iteration")
            .first()
        )
        if quota is None:
            raise DomainError(_("Choose one of the programs you applied to."))
        services.rank_list_add(applicant=me, quota=quota, actor=request.user)

    return _edit(
        request,
        rank_list=selectors.applicant_rank_list(me, iteration),
        add=add,
        page_url=reverse("ranking:applicant"),
        board=lambda: _applicant_board(request, me, iteration),
    )


@login_required
def applicant_pdf(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    return _pdf(
        request,
        kind="applicant",
        title=_("Rank order list"),
        owner=f"{me} ({me.matching_id})",
        rank_list=selectors.applicant_rank_list(me, iteration),
        filename=f"rank-order-list-{me.matching_id}.pdf",
    )


# --- Couple -----------------------------------------------------------------------------------


def _couple_board(request: HttpRequest, couple: Couple, iteration: Iteration) -> dict[str, Any]:
    board = _board(
        request,
        kind="couple",
        iteration=iteration,
        rank_list=selectors.couple_rank_list(couple, iteration),
        edit_url=reverse("ranking:couple_edit"),
        pdf_url=reverse("ranking:couple_pdf"),
    )
    board["couple"] = couple
    board["choices"] = selectors.applied_quotas(couple.inviter_id, iteration)
    board["partner_choices"] = selectors.applied_quotas(couple.partner_id, iteration)
    return board


def _my_linked_couple(request: HttpRequest, me: ApplicantProfile, iteration: Iteration) -> Couple:
    couple = selectors.linked_couple(me, iteration.cycle_id)
    if couple is None:
        raise Http404("Not linked in a couple")
    require(request.user, "couple.act", couple)
    return couple


@login_required
def couple(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    linked = selectors.linked_couple(me, iteration.cycle_id)
    pending = selectors.pending_invitations(me, iteration.cycle_id)
    context: dict[str, Any] = {
        "me": me,
        "linked": linked,
        "received": [c for c in pending if c.partner_id == me.pk],
        "sent": [c for c in pending if c.inviter_id == me.pk],
        "couple_closed": selectors.closed_message(iteration, "couple") if linked else None,
    }
    if linked is not None:
        context.update(_couple_board(request, linked, iteration))
    return render(request, "ranking/couple.html", context)


@login_required
@require_POST
def couple_invite_view(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    identifier = request.POST.get("partner", "")
    try:
        invited = couple_invite(inviter=me, partner_matching_id=identifier, iteration=iteration)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invitation sent to %(name)s. You are linked once they accept it.")
            % {"name": invited.partner},
        )
    return redirect("ranking:couple")


@login_required
@require_POST
def couple_respond_view(request: HttpRequest, couple_id: int) -> HttpResponse:
    me = _me(request)
    invitation = get_object_or_404(Couple, pk=couple_id)
    require(request.user, "couple.respond", invitation)
    accept = request.POST.get("answer") == "accept"
    try:
        couple_respond(partner=me, couple=invitation, accept=accept, iteration=_iteration())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You are now linked as a couple.") if accept else _("Invitation declined."),
        )
    return redirect("ranking:couple")


@login_required
@require_POST
def couple_dissolve_view(request: HttpRequest, couple_id: int) -> HttpResponse:
    me = _me(request)
    target = get_object_or_404(Couple, pk=couple_id)
    require(request.user, "couple.act", target)
    try:
        couple_dissolve(actor=me, couple=target, iteration=_iteration())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Unlinked: your own rank order list is the one that counts again.")
        )
    return redirect("ranking:couple")


@login_required
@require_POST
def couple_edit(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    linked = _my_linked_couple(request, me, iteration)

    def pick(name: str) -> Quota | None:
        value = request.POST.get(name, "")
        if value in ("", "none"):
            return None
        quota = Quota.objects.filter(pk=_int(value) or 0, iteration=iteration).first()
        if quota is None:
            raise DomainError(_("Choose one of the programs in the list, or “No match”."))
        return quota

    def add() -> None:
        services.couple_rank_list_add(
            actor=request.user,
            couple=linked,
            quota=pick("quota"),
            partner_quota=pick("partner_quota"),
        )

    return _edit(
        request,
        rank_list=selectors.couple_rank_list(linked, iteration),
        add=add,
        page_url=reverse("ranking:couple"),
        board=lambda: _couple_board(request, linked, iteration),
    )


@login_required
def couple_pdf(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    iteration = _iteration()
    linked = _my_linked_couple(request, me, iteration)
    return _pdf(
        request,
        kind="couple",
        title=_("Couple's rank order list"),
        owner=f"{linked.inviter} ({linked.inviter.matching_id}) & "
        f"{linked.partner} ({linked.partner.matching_id})",
        rank_list=selectors.couple_rank_list(linked, iteration),
        filename=f"rank-order-list-{linked.code}.pdf",
        members=(linked.inviter, linked.partner),
    )


# --- Program quota ----------------------------------------------------------------------------


def _quota(request: HttpRequest, quota_id: int, action: str = "quota.rank") -> Quota:
    quota = get_object_or_404(
        Quota.objects.select_related("program__school", "program__discipline", "iteration"),
        pk=quota_id,
    )
    require(request.user, action, quota)
    return quota


def _ids(payload: list[dict[str, Any]] | None) -> list[Any] | None:
    if payload is None:
        return None
    return [
        selectors.item_applicant_id(i) for i in sorted(payload, key=lambda i: i.get("position", 0))
    ]


def _program_board(request: HttpRequest, quota: Quota) -> dict[str, Any]:
    rank_list = selectors.quota_rank_list(quota)
    board = _board(
        request,
        kind="quota",
        iteration=quota.iteration,
        rank_list=rank_list,
        edit_url=reverse("ranking:program_edit", args=[quota.pk]),
        pdf_url=reverse("ranking:program_pdf", args=[quota.pk]),
    )
    ranked = {row.applicant.pk: row.position for row in board["rows"] if row.applicant}
    draft_ids = [row.applicant.pk for row in board["rows"] if row.applicant]
    version = board["version"]
    last_approval = selectors.last_approval(rank_list)
    latest = _ids(selectors.latest_submission_payload(version, last_approval))
    pending = last_approval if last_approval and last_approval.state == "pending" else None
    returned = (
        last_approval
        if last_approval is not None
        and last_approval.state == "returned"
        and (version is None or last_approval.submitted_at > version.submitted_at)
        else None
    )
    quebec = selectors.is_quebec(quota)
    candidates = selectors.interviewed_candidates(quota, rank_list, ranked)
    approval_of_version = getattr(version, "approval", None) if version else None
    board.update(
        {
            "quota": quota,
            "changed": draft_ids != latest if latest is not None else bool(draft_ids),
            "approval_required": selectors.approval_required(quota),
            "quebec": quebec,
            "pending": pending,
            "pending_at": format_toronto(pending.submitted_at) if pending else "",
            "returned": returned,
            "returned_at": (
                format_toronto(returned.decided_at) if returned and returned.decided_at else ""
            ),
            "version_approval": approval_of_version,
            "candidates": candidates,
            "missing_reasons": selectors.unranked_without_reason(candidates) if quebec else [],
            "reason_choices": UnrankedReasonKind.choices,
            "import_url": reverse("ranking:program_import", args=[quota.pk]),
            "history_url": reverse("ranking:program_history", args=[quota.pk]),
            "choices": [],
        }
    )
    return board


@login_required
def program(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = _quota(request, quota_id)
    return render(request, "ranking/program.html", _program_board(request, quota))


def _applicant_from_post(request: HttpRequest) -> ApplicantProfile:
    applicant_id = _int(request.POST.get("applicant"))
    chosen = ApplicantProfile.objects.filter(pk=applicant_id or 0).first()
    if chosen is None:
        raise DomainError(_("Choose one of the applicants interviewed for this program."))
    return chosen


@login_required
@require_POST
def program_edit(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = _quota(request, quota_id)

    def add() -> None:
        services.program_rank_list_add(
            actor=request.user, quota=quota, applicant=_applicant_from_post(request)
        )

    def reason() -> str:
        chosen = _applicant_from_post(request)
        saved = services.unranked_reason_set(
            actor=request.user,
            quota=quota,
            applicant=chosen,
            kind=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
        )
        if saved is None:
            return _("Reason cleared for %(name)s.") % {"name": chosen}
        return _("Reason saved for %(name)s.") % {"name": chosen}

    def label_of(entry_id: int) -> str:
        entry = RankEntry.objects.select_related("applicant").filter(pk=entry_id).first()
        return str(entry.applicant) if entry and entry.applicant else ""

    return _edit(
        request,
        rank_list=selectors.quota_rank_list(quota),
        add=add,
        page_url=reverse("ranking:program", args=[quota.pk]),
        board=lambda: _program_board(request, quota),
        extra_ops={"reason": reason},
        label_of=label_of,
    )


@login_required
def program_import(request: HttpRequest, quota_id: int) -> HttpResponse:
    """Replace the draft with the order of an uploaded CSV file (all or nothing)."""
    quota = _quota(request, quota_id)
    problems: list[services.ImportProblem] = []
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Choose a CSV file to upload."), code="no_file")
            if upload.size is not None and upload.size > services.MAX_IMPORT_BYTES:
                content = b"x" * (services.MAX_IMPORT_BYTES + 1)  # refused by the parser
            else:
                content = upload.read(services.MAX_IMPORT_BYTES + 1)
            rank_list = services.program_rank_list_import(
                actor=request.user, quota=quota, content=content, filename=upload.name or ""
            )
        except services.RankListImportError as exc:
            error, problems = exc.message, exc.problems
        except DomainError as exc:
            error = exc.message
        else:
            count = rank_list.entries.count()
            messages.success(
                request,
                ngettext(
                    "Imported %(count)d applicant into the draft, in the file's order. Check "
                    "the list, then submit it.",
                    "Imported %(count)d applicants into the draft, in the file's order. Check "
                    "the list, then submit it.",
                    count,
                )
                % {"count": count},
            )
            return redirect("ranking:program", quota_id=quota.pk)
    return render(
        request,
        "ranking/program_import.html",
        {
            "quota": quota,
            "error": error,
            "problems": problems,
            "locked": selectors.closed_message(quota.iteration, "quota"),
            "max_bytes": services.MAX_IMPORT_BYTES,
            "example": [c.applicant for c in selectors.interviewed_candidates(quota, None, {})][:3],
        },
        status=400 if request.method == "POST" else 200,
    )


def _may_read_history(request: HttpRequest, quota: Quota) -> None:
    """The history is read by those who rank the list and by the office that approves it."""
    if not (
        can(request.user, "quota.rank", quota)
        or can(request.user, "quota.approve_rank_list", quota)
    ):
        raise PermissionDenied("quota.rank")


@login_required
def program_history(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = get_object_or_404(
        Quota.objects.select_related("program__school", "program__discipline", "iteration"),
        pk=quota_id,
    )
    _may_read_history(request, quota)
    rank_list = selectors.quota_rank_list(quota)
    items = selectors.program_history(rank_list, selectors.entries_of(rank_list))
    return render(
        request,
        "ranking/program_history.html",
        {
            "quota": quota,
            "items": items,
            "reason_labels": dict(UnrankedReasonKind.choices),
            "can_rank": can(request.user, "quota.rank", quota),
        },
    )


@login_required
def program_pdf(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = _quota(request, quota_id)
    return _pdf(
        request,
        kind="quota",
        title=_("Program rank order list"),
        owner=f"{quota} ({quota.code})",
        rank_list=selectors.quota_rank_list(quota),
        filename=f"rank-order-list-{quota.code}.pdf",
    )


# --- PGME approval ----------------------------------------------------------------------------


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """The lists submitted for approval by the programs of the user's schools (PGME office)."""
    require(request.user, "program.staff_home")
    roles = roles_of(request.user)
    if not roles.school_ids:
        raise PermissionDenied("quota.approve_rank_list")
    iteration = _iteration()
    return render(
        request,
        "ranking/approvals.html",
        {"approvals": list(selectors.approvals_for_schools(roles.school_ids, iteration)[:200])},
    )


def _approval(request: HttpRequest, pk: int) -> RankListApproval:
    approval = get_object_or_404(
        RankListApproval.objects.select_related(
            "rank_list__iteration",
            "rank_list__quota__program__school",
            "rank_list__quota__program__discipline",
            "submitted_by",
            "decided_by",
        ),
        pk=pk,
    )
    require(request.user, "quota.approve_rank_list", approval.rank_list.quota)
    return approval


@login_required
def approval(request: HttpRequest, pk: int) -> HttpResponse:
    """One submission: its lines compared with the version the match uses now; approve it or
    return it with a comment."""
    found = _approval(request, pk)
    comment = ""
    if request.method == "POST":
        op = request.POST.get("op", "")
        comment = request.POST.get("comment", "")
        try:
            if op == "approve":
                version = services.rank_list_approve(actor=request.user, approval=found)
                messages.success(
                    request,
                    _(
                        "Approved: the list is now version %(number)d, the one the match "
                        "uses. The program's directors were told."
                    )
                    % {"number": version.number},
                )
                return redirect("ranking:approvals")
            if op == "return":
                services.rank_list_return(actor=request.user, approval=found, comment=comment)
                messages.success(
                    request,
                    _("Returned to the program with your comment; its directors were e-mailed."),
                )
                return redirect("ranking:approvals")
            raise DomainError(_("Unknown action: reload the page and try again."))
        except DomainError as error:
            messages.error(request, error.message)
            found.refresh_from_db()
    rank_list = found.rank_list
    current = selectors.last_version(rank_list)
    if found.version_id is not None and current is not None and current.pk == found.version_id:
        compared = (
            RankListVersion.objects.filter(rank_list=rank_list, number__lt=current.number)
            .order_by("-number")
            .first()
        )
    else:
        compared = current
    ids = {selectors.item_applicant_id(i) for i in found.entries} | {
        selectors.item_applicant_id(i) for i in found.unranked
    }
    if compared is not None:
        ids |= {selectors.item_applicant_id(i) for i in compared.entries}
    ids.discard(None)
    people = ApplicantProfile.objects.in_bulk(list(ids)) if ids else {}
    rows, removed = selectors.diff_rows(
        found.entries, list(compared.entries) if compared else None, people
    )
    iteration = rank_list.iteration
    return render(
        request,
        "ranking/approval.html",
        {
            "approval": found,
            "quota": rank_list.quota,
            "rows": rows,
            "removed": removed,
            "compared": compared,
            "unranked": [
                {**u, "person": people.get(selectors.item_applicant_id(u))} for u in found.unranked
            ],
            "reason_labels": dict(UnrankedReasonKind.choices),
            "submitted_at": format_toronto(found.submitted_at),
            "decided_at": format_toronto(found.decided_at) if found.decided_at else "",
            "comment": comment,
            "program_deadline": format_toronto(d)
            if (d := selectors.deadline_of("quota", iteration))
            else "",
            "return_closed": selectors.closed_message(iteration, "quota"),
        },
    )
