"""Pages of interviews: the program's interview page (statuses one by one, in bulk, by CSV;
slots; the release; bookings; iCalendar) and the applicant's invitations (pick, swap, decline
with htmx; iCalendar). Thin: permission, service, message."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.models import ApplicantProfile
from applications.models import Application, ApplicationStatus
from core.errors import DomainError
from core.permissions import can, require, roles_of
from cycles.models import MilestoneKind
from cycles.selectors import current_cycle, milestone_at
from interviews import ics, selectors, services
from interviews.csv_upload import MAX_BYTES, error_message
from interviews.forms import (
    BulkStatusForm,
    ReleaseForm,
    SlotForm,
    StatusForm,
    UploadForm,
    next_day_noon,
)
from interviews.models import (
    ChangeSource,
    InterviewOffer,
    InterviewSlot,
    InterviewStatus,
    InterviewUpload,
)
from programs.models import Program
from programs.selectors import current_program_or_404

# --- The program's side -------------------------------------------------------------------------


def _back(program: Program, anchor: str = "") -> HttpResponse:
    url = reverse("interviews:program", args=[program.code])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _decidable(user: Any, program: Program) -> list[Application]:
    """The program's submitted applications whose status ``user`` may set."""
    return [
        a
        for a in Application.objects.filter(
            program=program, status=ApplicationStatus.SUBMITTED
        ).select_related("program__school", "quota", "applicant")
        if can(user, "interview.decide", a)
    ]


def _windows(program: Program) -> dict[str, Any]:
    from cycles.selectors import iteration_of

    iteration = iteration_of(program.cycle)
    if iteration is None:
        return {}
    return {
        key: milestone_at(iteration, kind)
        for key, kind in (
            ("statuses_open", MilestoneKind.APPLICATION_DEADLINE),
            ("interviews_start", MilestoneKind.INTERVIEWS_START),
            ("interviews_end", MilestoneKind.INTERVIEWS_END),
            ("statuses_close", MilestoneKind.PROGRAM_ROL_DEADLINE),
        )
    }


def _slot_rows(user: Any, program: Program) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for slot in selectors.slots_of(program):
        bookings = [
            {"booking": b, "visible": can(user, "application.review", b.offer.application)}
            for b in slot.bookings.all()
        ]
        rows.append(
            {
                "slot": slot,
                "bookings": bookings,
                "free": slot.capacity - len(bookings),
                "past": slot.starts_at <= now,
            }
        )
    return rows


@login_required
def program(request: HttpRequest, code: str) -> HttpResponse:
    """The program's interview page."""
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    filters = {
        "status": request.GET.get("status", ""),
        "stream": request.GET.get("stream", ""),
        "search": request.GET.get("q", "").strip(),
    }
    rows = selectors.program_rows(found, viewer=request.user, **filters)
    release = selectors.release_of(found)
    now = timezone.now()
    can_manage = can(request.user, "program.manage_review", found)
    windows = _windows(found)
    return render(
        request,
        "interviews/program.html",
        {
            "program": found,
            "rows": rows,
            "filters": filters,
            "statuses": InterviewStatus.choices,
            "streams": sorted({q.stream for q in found.quotas.all()}),
            "counts": selectors.status_counts(found),
            "can_decide": any(r.can_decide for r in rows),
            "can_manage": can_manage,
            "release": release,
            "released": release is not None and release.is_released(now),
            "bulk_form": BulkStatusForm(),
            "upload_form": UploadForm(),
            "release_form": ReleaseForm(
                initial={"release_at": release.release_at if release else next_day_noon(now)}
            ),
            "slot_form": SlotForm(),
            "slots": _slot_rows(request.user, found),
            "uploads": selectors.uploads_of(found),
            "windows": windows,
            "slots_closed": bool(
                windows.get("interviews_end") and now >= windows["interviews_end"]
            ),
            "statuses_closed": bool(
                windows.get("statuses_close") and now >= windows["statuses_close"]
            ),
        },
    )


@login_required
def offer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One application: its status, message, place on the waitlist, and its history."""
    found = current_program_or_404(code)
    application = get_object_or_404(
        Application.objects.select_related("program__school", "quota", "applicant__user"),
        pk=pk,
        program=found,
        status=ApplicationStatus.SUBMITTED,
    )
    require(request.user, "application.review", application)
    current = InterviewOffer.objects.filter(application=application).first()
    may_decide = can(request.user, "interview.decide", application)
    initial = (
        {
            "status": current.status,
            "message": current.message,
            "waitlist_position": current.waitlist_position,
        }
        if current
        else {}
    )
    form = StatusForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(request.user, "interview.decide", application)
        if form.is_valid():
            try:
                services.interview_status_set(
                    actor=request.user,
                    application=application,
                    status=form.cleaned_data["status"],
                    message=form.cleaned_data["message"],
                    waitlist_position=form.cleaned_data["waitlist_position"],
                    source=ChangeSource.ONE,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("The interview status of %(name)s was saved.")
                    % {"name": application.applicant},
                )
                return _back(found, f"application-{application.pk}")
    return render(
        request,
        "interviews/offer.html",
        {
            "program": found,
            "application": application,
            "offer": current,
            "form": form,
            "may_decide": may_decide,
            "history": selectors.history_of(current) if current else [],
            "booking": getattr(current, "booking", None) if current else None,
        },
    )


@login_required
@require_POST
def bulk(request: HttpRequest, code: str) -> HttpResponse:
    """The same status (and message) for every ticked application."""
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    ids = {int(v) for v in request.POST.getlist("application") if v.isdigit()}
    form = BulkStatusForm(request.POST)
    chosen = list(
        Application.objects.filter(
            program=found, pk__in=ids, status=ApplicationStatus.SUBMITTED
        ).select_related("program__school", "quota", "applicant__user")
    )
    if len(chosen) != len(ids):
        raise Http404(_("Some of the ticked applications are not submitted to this program."))
    for application in chosen:
        require(request.user, "interview.decide", application)
    if not form.is_valid():
        messages.error(request, _("Choose a status (and a message of at most 2,000 characters)."))
        return _back(found, "statuses")
    try:
        changes = services.interview_statuses_set(
            actor=request.user,
            applications=chosen,
            status=form.cleaned_data["status"],
            message=form.cleaned_data["message"],
            source=ChangeSource.BULK,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(changed)s of %(chosen)s ticked applications changed (the others had it already).")
            % {"changed": len(changes), "chosen": len(chosen)},
        )
    return _back(found, "statuses")


@login_required
@require_POST
def upload(request: HttpRequest, code: str) -> HttpResponse:
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    if not _decidable(request.user, found):
        raise PermissionDenied("interview.decide")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file to upload."))
        return _back(found, "upload")
    file = form.cleaned_data["file"]
    content = file.read(MAX_BYTES + 1)
    try:
        report = services.interview_csv_import(
            actor=request.user,
            program=found,
            content=content,
            filename=file.name or "",
            may_decide=lambda a: can(request.user, "interview.decide", a),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(found, "upload")
    if report.applied:
        messages.success(
            request,
            _("The file was applied: %(changed)s statuses changed (%(rows)s rows).")
            % {"changed": report.changed, "rows": report.rows},
        )
    else:
        messages.error(
            request,
            _("Nothing was changed: %(n)s rows must be corrected. The report lists them.")
            % {"n": report.bad_rows},
        )
    return redirect("interviews:upload_report", found.code, report.pk)


@login_required
def upload_report(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    report = get_object_or_404(InterviewUpload, pk=pk, program=found)
    if report.uploaded_by_id != request.user.pk:  # its rows may name any stream's applicants
        require(request.user, "program.manage_review", found)
    return render(
        request,
        "interviews/upload_report.html",
        {
            "program": found,
            "report": report,
            "errors": [{**e, "text": error_message(e)} for e in report.errors],
        },
    )


def _csv_cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def statuses_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The list of statuses as CSV, in the upload's columns (edit it, upload it back)."""
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "application_id",
            "matching_id",
            "family_name",
            "given_name",
            "stream",
            "status",
            "message",
            "waitlist_position",
        ]
    )
    for row in selectors.program_rows(found, viewer=request.user):
        applicant = row.application.applicant
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    row.application.pk,
                    applicant.matching_id,
                    applicant.last_name,
                    applicant.first_name,
                    row.application.quota.stream,
                    row.offer.status if row.offer else "",
                    row.offer.message if row.offer else "",
                    row.offer.waitlist_position if row.offer else "",
                )
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.code}-interviews.csv"'
    return response


@login_required
@require_POST
def slots_publish(request: HttpRequest, code: str) -> HttpResponse:
    found = current_program_or_404(code)
    require(request.user, "program.manage_review", found)
    form = SlotForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(found, "slots")
    data = form.cleaned_data
    try:
        slots = services.slots_publish(
            actor=request.user,
            program=found,
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            capacity=data["capacity"],
            count=data["count"],
            video_link=data["video_link"],
            instructions_en=data["instructions_en"],
            instructions_fr=data["instructions_fr"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s interview slots published.") % {"n": len(slots)})
    return _back(found, "slots")


@login_required
@require_POST
def slot_withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = current_program_or_404(code)
    require(request.user, "program.manage_review", found)
    slot = get_object_or_404(InterviewSlot, pk=pk, program=found)
    try:
        services.slot_delete(actor=request.user, slot=slot)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The slot was withdrawn."))
    return _back(found, "slots")


@login_required
@require_POST
def release(request: HttpRequest, code: str) -> HttpResponse:
    """Schedule (or move) the release, release now, or take back a release to come."""
    found = current_program_or_404(code)
    require(request.user, "program.manage_review", found)
    action = request.POST.get("action", "schedule")
    try:
        if action == "cancel":
            services.release_cancel(actor=request.user, program=found)
            messages.success(request, _("The release was taken back; nobody saw anything."))
        else:
            if action == "now":
                at = timezone.now()
            else:
                form = ReleaseForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Give the release date and time (Toronto time)."))
                    return _back(found, "release")
                at = form.cleaned_data["release_at"]
            done = services.release_schedule(actor=request.user, program=found, release_at=at)
            from cycles.deadlines import format_toronto

            messages.success(
                request,
                _(
                    "The invitations are released on %(when)s (Toronto time): every selected "
                    "applicant sees theirs and may choose a time from that moment."
                )
                % {"when": format_toronto(done.release_at)},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(found, "release")


@login_required
def program_ics(request: HttpRequest, code: str) -> HttpResponse:
    """Every booked interview of the program the viewer may read, as an iCalendar file."""
    found = current_program_or_404(code)
    require(request.user, "program.view_applications", found)
    bookings = [
        b
        for b in selectors.bookings_of(found)
        if can(request.user, "application.review", b.offer.application)
    ]
    name = _("Interviews — %(program)s") % {"program": found.code}
    return ics.ics_response(
        ics.calendar_bytes(bookings, for_program=True, name=name), f"{found.code}-interviews.ics"
    )


# --- The applicant's side -----------------------------------------------------------------------


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)


def _offer_for(request: HttpRequest, offer_id: int) -> InterviewOffer:
    found = get_object_or_404(
        InterviewOffer.objects.select_related("application__program__school", "application__quota"),
        pk=offer_id,
    )
    require(request.user, "interview.respond", found)
    return found


def _item(offer: InterviewOffer) -> selectors.ApplicantInterview:
    application = offer.application
    return selectors.applicant_interviews([application], with_slots=True)[application.pk]


def _answer(request: HttpRequest, offer: InterviewOffer, error: str = "") -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "interviews/_invitation.html",
            {"item": _item(offer), "error": error, "notice": "" if error else _("Saved.")},
        )
    if error:
        messages.error(request, error)
    return redirect("interviews:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The applicant's released interview invitations."""
    applicant = _me(request)
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return render(
        request,
        "interviews/mine.html",
        {"items": selectors.invitations_of(applicant, cycle)},
    )


@login_required
@require_POST
def pick(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Choose (or change to) an interview time."""
    found = _offer_for(request, offer_id)
    slot_id = request.POST.get("slot", "")
    slot = InterviewSlot.objects.filter(pk=int(slot_id)).first() if slot_id.isdigit() else None
    if slot is None:
        return _answer(request, found, _("Choose one of the interview times listed."))
    try:
        booking = services.slot_pick(actor=request.user, offer=found, slot=slot)
    except DomainError as exc:
        return _answer(request, found, exc.message)
    if not request.htmx:  # type: ignore[attr-defined]
        from cycles.deadlines import format_toronto

        messages.success(
            request,
            _("Your interview is booked: %(when)s (Toronto time).")
            % {"when": format_toronto(booking.slot.starts_at)},
        )
    return _answer(request, found)


@login_required
@require_POST
def decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    found = _offer_for(request, offer_id)
    try:
        services.interview_decline(actor=request.user, offer=found)
    except DomainError as exc:
        return _answer(request, found, exc.message)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(
            request,
            _(
                "You declined the interview with %(program)s; your place goes to the next "
                "applicant on its waitlist."
            )
            % {"program": found.application.program.name},
        )
    return _answer(request, found)


@login_required
def applicant_ics(request: HttpRequest, offer_id: int) -> HttpResponse:
    found = _offer_for(request, offer_id)
    item = _item(found)
    if item.booking is None or item.declined:
        raise Http404(_("You have no interview time booked with this program."))
    booking = item.booking
    booking.offer = found
    program = found.application.program
    return ics.ics_response(
        ics.calendar_bytes(
            [booking], for_program=False, name=_("Interview — %(code)s") % {"code": program.code}
        ),
        f"interview-{program.code}.ics",
    )
