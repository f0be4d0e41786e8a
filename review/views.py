"""File review pages: the program's list (filters, saved filters, bulk assignment, CSV and PDF
exports), the reader with the reviewer's panel, scoring criteria and masking rules."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from applications.models import Application
from applications.selectors import assemble_application
from core.errors import DomainError
from core.pdf import pdf_response
from core.permissions import can, require
from cycles.selectors import TORONTO
from programs.models import Program, Quota
from programs.selectors import current_program_or_404
from review import selectors, services
from review.forms import (
    CriterionForm,
    FilterForm,
    MaskingForm,
    NoteForm,
    SavedFilterForm,
    ScoreForm,
    list_from_query,
)
from review.models import AccessKind, Criterion, MaskingRule, SavedFilter

_SESSION_QUERY = "review-list-query-{}"


# --- The list ----------------------------------------------------------------------------------


def _list_access(request: HttpRequest, code: str) -> tuple[Program, list[Quota]]:
    """The program and the quotas whose files the user may review; 403 when none."""
    program = current_program_or_404(code)
    require(request.user, "program.view_applications", program)
    quotas = selectors.visible_quotas(program, request.user)
    if not quotas:
        raise PermissionDenied("application.review")
    return program, quotas


def build_list(
    request: HttpRequest, program: Program, quotas: list[Quota], data: Any
) -> tuple[FilterForm, selectors.ReviewList]:
    return list_from_query(program, quotas, data, viewer=request.user)


def _query(request: HttpRequest) -> str:
    return services.clean_query(request.GET.urlencode())


@login_required
def review_list(request: HttpRequest, code: str) -> HttpResponse:
    program, quotas = _list_access(request, code)
    form, listing = build_list(request, program, quotas, request.GET)
    query = _query(request)
    key = _SESSION_QUERY.format(program.pk)
    if request.session.get(key) != query:
        request.session[key] = query
    manage = can(request.user, "program.manage_review", program)
    reader = reverse("review:reader", args=[0])[:-2]  # ".../application/" + pk + "/"
    return render(
        request,
        "review/list.html",
        {
            "program": program,
            "form": form,
            "listing": listing,
            "rows_html": _rows_html(_display_rows(listing, reader), manage=manage),
            "shown": len(listing.rows),
            "query": query,
            "saved": selectors.saved_filters(request.user, program),
            "save_form": SavedFilterForm(initial={"query": query}),
            "manage": manage,
            "assignable": [r for r in listing.team.values() if r.role] if manage else [],
        },
    )


def _display_rows(listing: selectors.ReviewList, reader: str) -> list[dict[str, Any]]:
    """The rows as the page and the PDF show them: every cell computed once, here."""
    from html import escape

    from django.utils import formats

    streams = {q.stream: selectors.stream_label(q.stream) for q in listing.quotas}
    complete = {s: selectors.completeness_label(s) for s in selectors.COMPLETENESS}
    languages = {c: selectors.language_label(c) for c in ("en", "fr", "both")}
    provinces: dict[str, str] = {}
    interviews: dict[str, str] = {}
    dates: dict[Any, str] = {}
    percent = _("%(value)s %%")  # as selectors.format_percent, translated once
    out = []
    for r in listing.rows:
        if r.province not in provinces:
            provinces[r.province] = selectors.province_label(r.province)
        if r.interview not in interviews:
            interviews[r.interview] = selectors.interview_label(r.interview)
        day = timezone.localtime(r.submitted_at, TORONTO).date() if r.submitted_at else None
        if day not in dates:
            dates[day] = escape(formats.date_format(day, "SHORT_DATE_FORMAT")) if day else ""
        out.append(
            {
                "pk": r.pk,
                "url": f"{reader}{r.pk}/",
                "name": r.name,
                "matching_id": r.matching_id,
                "stream": streams.get(r.stream, r.stream),
                "submitted": dates[day],
                "is_late": r.is_late,
                "late_additions": r.late_additions,
                "language": languages.get(r.language, r.language),
                "province": provinces[r.province],
                "exams": " · ".join(f"{e.label} {e.score_text}".strip() for e in r.exams.values()),
                "completeness": r.completeness,
                "completeness_label": complete[r.completeness],
                "interview": interviews[r.interview],
                "assigned": ", ".join(listing.reviewer_names(r)),
                "score": "" if r.score is None else percent % {"value": f"{r.score:.0f}"},
                "reviews": r.reviews,
                "my_score": "" if r.my_score is None else percent % {"value": f"{r.my_score:.0f}"},
            }
        )
    return out


def _rows_html(rows: list[dict[str, Any]], *, manage: bool) -> str:
    """The table's rows as HTML, escaped here: a template loop over 1,500 rows of twelve cells
    alone takes longer than the page's budget (see bench/README.md)."""
    from html import escape

    from django.utils.safestring import mark_safe

    late = escape(_("late"))
    additions = escape(_("late additions"))
    parts = []
    for r in rows:
        pk = r["pk"]
        select = (
            f'<td><input type="checkbox" form="bulk" name="application" value="{pk}" '
            f'aria-labelledby="a{pk}"></td>'
            if manage
            else ""
        )
        marks = (f' <span class="late">{late}</span>' if r["is_late"] else "") + (
            f' <span class="late">{additions}</span>' if r["late_additions"] else ""
        )
        reviews = f' <small class="muted">({r["reviews"]})</small>' if r["reviews"] else ""
        parts.append(
            f'<tr>{select}<td><a id="a{pk}" href="{r["url"]}">{escape(r["name"])}</a><br>'
            f'<small class="muted">{escape(r["matching_id"])}</small></td>'
            f"<td>{escape(r['stream'])}</td><td>{r['submitted']}{marks}</td>"
            f"<td>{escape(r['language'])}</td><td>{escape(r['province'])}</td>"
            f"<td>{escape(r['exams'])}</td>"
            f'<td class="{r["completeness"]}">{escape(r["completeness_label"])}</td>'
            f"<td>{escape(r['interview'])}</td><td>{escape(r['assigned'])}</td>"
            f"<td>{escape(r['score'])}{reviews}</td><td>{escape(r['my_score'])}</td></tr>"
        )
    # every value above is escaped (or is a number, a code or a URL built here)
    return mark_safe("\n".join(parts))


# --- Exports ---------------------------------------------------------------------------------


def _safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix = + - @, tab, CR)."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Labels:
    """The translated labels of codes, each computed once per export."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], str] = {}

    def _get(self, kind: str, code: str, fn: Any) -> str:
        key = (kind, code)
        if key not in self._cache:
            self._cache[key] = str(fn(code))
        return self._cache[key]

    def stream(self, code: str) -> str:
        return self._get("stream", code, selectors.stream_label)

    def language(self, code: str) -> str:
        return self._get("language", code, selectors.language_label)

    def province(self, code: str) -> str:
        return self._get("province", code, selectors.province_label)

    def completeness(self, code: str) -> str:
        return self._get("completeness", code, selectors.completeness_label)

    def interview(self, code: str) -> str:
        return self._get("interview", code, selectors.interview_label)


@login_required
def export_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The list with the current filters as CSV (UTF-8 with a BOM for Excel), masked as the
    page is."""
    program, quotas = _list_access(request, code)
    _form, listing = build_list(request, program, quotas, request.GET)
    hide_scores = "exam_scores" in listing.masked
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    exam_columns = list(selectors.EXAMS)
    header = [
        _("Match identifier"),
        _("Family name, given name"),
        _("E-mail address"),
        _("Stream"),
        _("Submitted at"),
        _("Late application"),
        _("Late additions"),
        _("Language of the application"),
        _("Province of study"),
        *[
            _("%(exam)s result") % {"exam": selectors.EXAMS[k][2]}
            if hide_scores
            else _("%(exam)s score") % {"exam": selectors.EXAMS[k][2]}
            for k in exam_columns
        ],
        _("Checklist"),
        _("Interview status"),
        _("Assigned reviewers"),
        _("Mean score (%)"),
        _("Reviewers who scored"),
        _("My score (%)"),
    ]
    writer.writerow([_safe_cell(h) for h in header])
    yes, no = _("yes"), _("no")
    label = _Labels()
    for r in listing.rows:
        exams = []
        for k in exam_columns:
            exam = r.exams.get(k)
            exams.append(
                ""
                if exam is None
                else (exam.result if hide_scores else exam.score_text or exam.result)
            )
        writer.writerow(
            [
                _safe_cell(v)
                for v in (
                    r.matching_id,
                    r.name,
                    r.email,
                    label.stream(r.stream),
                    timezone.localtime(r.submitted_at, TORONTO).strftime("%Y-%m-%d %H:%M")
                    if r.submitted_at
                    else "",
                    yes if r.is_late else no,
                    yes if r.late_additions else no,
                    label.language(r.language),
                    label.province(r.province),
                    *exams,
                    label.completeness(r.completeness),
                    label.interview(r.interview),
                    "; ".join(listing.reviewer_names(r)),
                    "" if r.score is None else f"{r.score:.1f}",
                    r.reviews,
                    "" if r.my_score is None else f"{r.my_score:.1f}",
                )
            ]
        )
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now(), TORONTO).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="review-{program.code}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The list with the current filters, printable (WeasyPrint)."""
    program, quotas = _list_access(request, code)
    form, listing = build_list(request, program, quotas, request.GET)
    reader = reverse("review:reader", args=[0])[:-2]
    return pdf_response(
        request,
        "review/list_pdf.html",
        {
            "program": program,
            "listing": listing,
            "rows": _display_rows(listing, reader),
            "filters": [
                (form.fields[k].label, _choice_label(form, k, v))
                for k, v in getattr(form, "cleaned_data", {}).items()
                if v not in (None, "") and k != "sort"
            ],
            "now": timezone.now(),
        },
        filename=f"review-{program.code}.pdf",
    )


def _choice_label(form: FilterForm, key: str, value: Any) -> str:
    choices = getattr(form.fields[key], "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


# --- Saved filters and bulk assignment ------------------------------------------------------


def _back_to_list(program: Program, query: str) -> HttpResponse:
    url = reverse("review:list", args=[program.code])
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def filter_save(request: HttpRequest, code: str) -> HttpResponse:
    program, _quotas = _list_access(request, code)
    form = SavedFilterForm(request.POST)
    query = services.clean_query(request.POST.get("query", ""))
    if not form.is_valid():
        messages.error(request, _("Give the filter a name (80 characters or fewer)."))
        return _back_to_list(program, query)
    try:
        services.saved_filter_save(
            user=request.user, program=program, name=form.cleaned_data["name"], query=query
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Filter “%(name)s” saved.") % {"name": form.cleaned_data["name"]}
        )
    return _back_to_list(program, query)


@login_required
@require_POST
def filter_delete(request: HttpRequest, code: str, saved_id: int) -> HttpResponse:
    program, _quotas = _list_access(request, code)
    saved = get_object_or_404(SavedFilter, pk=saved_id, program=program, user=request.user)
    services.saved_filter_delete(user=request.user, saved=saved)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return _back_to_list(program, request.POST.get("query", ""))


def _reviewer(program: Program, user_id: str | None, *, remove: bool) -> User:
    """The user named by the form: one of the program's team to give files to; anyone still
    assigned (a removed reviewer too) to take files back from."""
    user = User.objects.filter(pk=int(user_id)).first() if (user_id or "").isdigit() else None
    if user is None or (not remove and not selectors.on_team(user, program)):
        raise DomainError(
            _("Choose a reviewer of this program; nothing was changed."), code="no_reviewer"
        )
    return user


@login_required
@require_POST
def assign_bulk(request: HttpRequest, code: str) -> HttpResponse:
    """Give the selected files to a reviewer (or take them back): the director and
    administrators."""
    program = current_program_or_404(code)
    require(request.user, "program.manage_review", program)
    query = services.clean_query(request.POST.get("query", ""))
    ids = [int(i) for i in request.POST.getlist("application") if i.isdigit()]
    applications = list(
        Application.objects.filter(pk__in=ids, program=program).select_related(
            "applicant", "quota", "program__school"
        )
    )
    remove = request.POST.get("action") == "remove"
    try:
        reviewer = _reviewer(program, request.POST.get("reviewer"), remove=remove)
        if len(applications) != len(set(ids)):
            raise DomainError(
                _("Some selected applications are not to this program; nothing was changed."),
                code="foreign",
            )
        n = services.assignments_change(
            actor=request.user,
            program=program,
            applications=applications,
            reviewer=reviewer,
            remove=remove,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = selectors.user_label(reviewer)
        messages.success(
            request,
            (
                ngettext(
                    "%(n)s file taken back from %(reviewer)s.",
                    "%(n)s files taken back from %(reviewer)s.",
                    n,
                )
                if remove
                else ngettext(
                    "%(n)s file given to %(reviewer)s.", "%(n)s files given to %(reviewer)s.", n
                )
            )
            % {"n": n, "reviewer": name},
        )
    return _back_to_list(program, query)


# --- Criteria and masking ---------------------------------------------------------------------


@login_required
def settings_page(request: HttpRequest, code: str) -> HttpResponse:
    """The program's scoring criteria and masking rules: the director and administrators."""
    program = current_program_or_404(code)
    require(request.user, "program.manage_review", program)
    rules = {r.item: r.until for r in MaskingRule.objects.filter(program=program)}
    masking = MaskingForm(
        initial={item: ("always" if until == "" else until) for item, until in rules.items()}
    )
    criteria = list(Criterion.objects.filter(program=program))
    return render(
        request,
        "review/settings.html",
        {
            "program": program,
            "criteria": [
                (
                    c,
                    CriterionForm(
                        initial={
                            "name_en": c.name_en,
                            "name_fr": c.name_fr,
                            "scale_max": c.scale_max,
                            "weight": c.weight,
                            "position": c.position,
                        },
                        prefix=f"c{c.pk}",
                    ),
                )
                for c in criteria
            ],
            "new_form": CriterionForm(prefix="new"),
            "masking": masking,
        },
    )


def _settings_redirect(program: Program) -> HttpResponse:
    return redirect("review:settings", program.code)


@login_required
@require_POST
def criterion_save(
    request: HttpRequest, code: str, criterion_id: int | None = None
) -> HttpResponse:
    program = current_program_or_404(code)
    require(request.user, "program.manage_review", program)
    criterion = (
        get_object_or_404(Criterion, pk=criterion_id, program=program) if criterion_id else None
    )
    form = CriterionForm(request.POST, prefix=f"c{criterion_id}" if criterion_id else "new")
    if not form.is_valid():
        messages.error(
            request,
            _("The criterion was not saved: %(errors)s")
            % {"errors": " ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
        return _settings_redirect(program)
    try:
        saved = services.criterion_save(
            actor=request.user,
            program=program,
            criterion=criterion,
            name_en=form.cleaned_data["name_en"],
            name_fr=form.cleaned_data["name_fr"],
            scale_max=form.cleaned_data["scale_max"],
            weight=form.cleaned_data["weight"],
            position=form.cleaned_data.get("position"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Criterion “%(name)s” saved.") % {"name": saved.name})
    return _settings_redirect(program)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, code: str, criterion_id: int) -> HttpResponse:
    program = current_program_or_404(code)
    require(request.user, "program.manage_review", program)
    criterion = get_object_or_404(Criterion, pk=criterion_id, program=program)
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Criterion “%(name)s” deleted.") % {"name": criterion.name})
    return _settings_redirect(program)


@login_required
@require_POST
def masking_save(request: HttpRequest, code: str) -> HttpResponse:
    program = current_program_or_404(code)
    require(request.user, "program.manage_review", program)
    form = MaskingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the options for each item; nothing was changed."))
        return _settings_redirect(program)
    try:
        services.masking_save(actor=request.user, program=program, rules=form.rules())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Masking rules saved."))
    return _settings_redirect(program)


# --- The reader --------------------------------------------------------------------------------


def _masked(request: HttpRequest, application: Application) -> dict[str, str]:
    return selectors.masked_items(
        application.program, viewer=request.user, iteration=application.quota.iteration
    )


@login_required
def reader(request: HttpRequest, pk: int) -> HttpResponse:
    """One submitted application as the program receives it, masked for the viewer, with the
    reviewer's panel beside it. Every opening is logged."""
    application = selectors.readable_application(request.user, pk)
    services.file_access_record(user=request.user, application=application, what=AccessKind.READER)
    masked = _masked(request, application)
    assembled = selectors.mask_application(
        assemble_application(application, viewer=request.user), masked
    )
    panel = selectors.reader_panel(application, viewer=request.user)
    query = request.session.get(_SESSION_QUERY.format(application.program_id), "")
    list_url = reverse("review:list", args=[application.program.code])
    return render(
        request,
        "review/reader.html",
        {
            "app": assembled,
            "application": application,
            "masked": masked,
            "panel": panel,
            "note_form": NoteForm(
                initial={
                    "text": panel.my_note.text if panel.my_note else "",
                    "shared": panel.my_note.shared if panel.my_note else False,
                }
            ),
            "list_url": f"{list_url}?{query}" if query else list_url,
            "document_base": reverse("review:document", args=[application.pk, 0])[:-2],
        },
    )


@login_required
def reader_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.readable_application(request.user, pk)
    services.file_access_record(user=request.user, application=application, what=AccessKind.PDF)
    masked = _masked(request, application)
    assembled = selectors.mask_application(
        assemble_application(application, viewer=request.user), masked
    )
    return pdf_response(
        request,
        "applications/application_pdf.html",
        {"app": assembled, "masked": masked},
        filename=f"application-{application.program.code}-{application.pk}.pdf",
    )


@login_required
def document(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    """A document of the application, from the reader: refused when masked; logged."""
    from documents.models import DocumentAssignment
    from documents.views import serve_document

    application = selectors.readable_application(request.user, pk)
    assignment = get_object_or_404(
        DocumentAssignment.objects.select_related("document"),
        application=application,
        document_id=document_id,
    )
    if selectors.document_masked(assignment.document, _masked(request, application)):
        raise PermissionDenied("review.masked")
    response = serve_document(request, assignment.document)  # refuses before anything is logged
    services.file_access_record(
        user=request.user,
        application=application,
        what=AccessKind.DOCUMENT,
        document=assignment.document,
    )
    return response


def _reader_redirect(application: Application, anchor: str) -> HttpResponse:
    return redirect(reverse("review:reader", args=[application.pk]) + anchor)


@login_required
@require_POST
def score_save(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.readable_application(request.user, pk)
    require(request.user, "review.write", application)
    criteria = list(Criterion.objects.filter(program_id=application.program_id))
    form = ScoreForm(request.POST, criteria=criteria)
    if not form.is_valid():
        messages.error(
            request,
            _("Scores not saved: %(errors)s")
            % {
                "errors": " ".join(
                    f"{form.fields[k].label}: {e}" for k, errs in form.errors.items() for e in errs
                )
            },
        )
        return _reader_redirect(application, "#scores")
    try:
        services.scores_save(reviewer=request.user, application=application, values=form.values())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your scores were saved."))
    return _reader_redirect(application, "#scores")


@login_required
@require_POST
def note_save(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.readable_application(request.user, pk)
    require(request.user, "review.write", application)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Notes are limited to 5,000 characters; nothing was saved."))
        return _reader_redirect(application, "#notes")
    try:
        note = services.note_save(
            author=request.user,
            application=application,
            text=form.cleaned_data["text"],
            shared=form.cleaned_data["shared"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Your notes were saved.") if note else _("Your notes were deleted.")
        )
    return _reader_redirect(application, "#notes")


@login_required
@require_POST
def assign_one(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.readable_application(request.user, pk)
    require(request.user, "program.manage_review", application.program)
    remove = request.POST.get("action") == "remove"
    try:
        reviewer = _reviewer(application.program, request.POST.get("reviewer"), remove=remove)
        services.assignments_change(
            actor=request.user,
            program=application.program,
            applications=[application],
            reviewer=reviewer,
            remove=remove,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = selectors.user_label(reviewer)
        messages.success(
            request,
            (
                _("File taken back from %(reviewer)s.")
                if remove
                else _("File given to %(reviewer)s.")
            )
            % {"reviewer": name},
        )
    return _reader_redirect(application, "#assignment")
