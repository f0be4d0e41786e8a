"""Applicant pages: registering, the dashboard, the contract, withdrawing; provincial lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants import selectors, services
from applicants.eligibility import can_apply, ros_applies, ros_terms
from applicants.forms import (
    AcceptContractForm,
    LanguagesForm,
    ProfileForm,
    ProvincialListAddForm,
    ProvincialListUploadForm,
    RegisterForm,
    WithdrawForm,
)
from applicants.models import (
    IMPORT_REASONS,
    ApplicantProfile,
    FileEntry,
    ProvincialEligibility,
    ProvincialListImport,
)
from applicants.sections import Section, display_value, form_for, section
from core.choices import Stream
from core.errors import DomainError
from core.permissions import can, require, roles_of
from cycles.models import Cycle
from cycles.selectors import current_cycle, current_iteration
from programs.models import Program


def _cycle() -> Cycle:
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return cycle


def _me(request: HttpRequest) -> ApplicantProfile:
    require(request.user, "applicant.act")
    return ApplicantProfile.objects.select_related("user").get(
        pk=roles_of(request.user).applicant_id
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    if roles_of(request.user).applicant_id is not None:
        return redirect("applicants:dashboard")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_register(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("You are registered. Next: accept the applicant contract."))
            return redirect("applicants:participate")
    return render(request, "applicants/register.html", {"form": form})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if roles_of(request.user).applicant_id is None:
        if can(request.user, "program.staff_home") or roles_of(request.user).match_admin:
            raise PermissionDenied
        return redirect("applicants:register")
    applicant = _me(request)
    cycle = current_cycle()
    iteration = current_iteration()
    context: dict[str, object] = {
        "applicant": applicant,
        "cycle": cycle,
        "iteration": iteration,
        "file_status": selectors.file_status(applicant),
    }
    if cycle is not None:
        from applications.selectors import applications_of
        from fees.selectors import balance_of
        from ranking.selectors import rank_list_status

        applications = applications_of(applicant, cycle)
        context.update(
            participation=selectors.participation_of(applicant, cycle),
            balance=balance_of(applicant, cycle),
            submitted_count=sum(1 for a in applications if a.status == "submitted"),
            selected_count=sum(1 for a in applications if a.status == "selected"),
            couple=selectors.active_couple_of(applicant, cycle),
            rank_status=rank_list_status(applicant, iteration) if iteration else None,
        )
    return render(request, "applicants/dashboard.html", context)


@login_required
def participate(request: HttpRequest) -> HttpResponse:
    applicant = _me(request)
    cycle = _cycle()
    contract = selectors.current_contract(cycle)
    if contract is None:
        raise Http404(_("The applicant contract of this cycle is not published yet."))
    participation = selectors.participation_of(applicant, cycle)
    form = AcceptContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_accept(
                applicant=applicant,
                cycle=cycle,
                contract=contract,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("You accepted the applicant contract. Welcome to the match.")
            )
            return redirect("applicants:dashboard")
    return render(
        request,
        "applicants/participate.html",
        {"contract": contract, "form": form, "participation": participation, "cycle": cycle},
    )


@login_required
def withdraw(request: HttpRequest) -> HttpResponse:
    applicant = _me(request)
    cycle = _cycle()
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_withdraw(
                applicant=applicant, cycle=cycle, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You have withdrawn from the match."))
            return redirect("applicants:dashboard")
    return render(request, "applicants/withdraw.html", {"form": form, "cycle": cycle})


def _body_province(request: HttpRequest) -> str:
    provinces = sorted(roles_of(request.user).provinces)
    province = (
        request.GET.get("province")
        or request.POST.get("province")
        or (provinces[0] if provinces else "")
    )
    require(request.user, "province.manage_list", province)
    return province


@login_required
def provincial_list(request: HttpRequest) -> HttpResponse:
    province = _body_province(request)
    cycle = _cycle()
    form = ProvincialListAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        applicant = ApplicantProfile.objects.filter(
            matching_id=form.cleaned_data["matching_id"].strip().upper()
        ).first()
        if applicant is None:
            form.add_error("matching_id", _("No applicant has this match identifier."))
        else:
            try:
                services.provincial_eligibility_add(
                    actor=request.user, applicant=applicant, cycle=cycle, province=province
                )
            except DomainError as exc:
                form.add_error("matching_id", exc.message)
            else:
                messages.success(
                    request, _("%(name)s was added to the list.") % {"name": applicant}
                )
                return redirect(f"{request.path}?province={province}")
    return render(
        request,
        "applicants/provincial_list.html",
        {
            "form": form,
            "province": province,
            "entries": selectors.provincial_list(cycle=cycle, province=province),
        },
    )


@login_required
@require_POST
def provincial_list_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ProvincialEligibility.objects.select_related("applicant"), pk=pk)
    require(request.user, "province.manage_list", entry.province)
    services.provincial_eligibility_remove(actor=request.user, entry=entry)
    messages.success(request, _("%(name)s was removed from the list.") % {"name": entry.applicant})
    return redirect(f"{_provincial_list_url()}?province={entry.province}")


def _provincial_list_url() -> str:
    from django.urls import reverse

    return reverse("applicants:provincial_list")


# --- My Information ---------------------------------------------------------------------------


def _section_or_404(key: str) -> Section:
    spec = section(key)
    if spec is None:
        raise Http404(_("This section of your file does not exist."))
    return spec


@login_required
def my_information(request: HttpRequest) -> HttpResponse:
    applicant = _me(request)
    form = LanguagesForm(
        request.POST or None, initial={"languages": applicant.application_languages}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_languages_set(
                applicant=applicant, languages=form.cleaned_data["languages"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The language of your application was saved."))
            return redirect("applicants:my_information")
    return render(
        request,
        "applicants/my_information.html",
        {"applicant": applicant, "status": selectors.file_status(applicant), "form": form},
    )


@login_required
def file_profile(request: HttpRequest) -> HttpResponse:
    applicant = _me(request)
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": applicant.first_name,
            "last_name": applicant.last_name,
            "single_name": applicant.single_name,
            "mcc_id": applicant.mcc_id or "",
            "quebec_contingent": applicant.quebec_contingent,
        },
    )
    if applicant.stream != Stream.IMG:
        del form.fields["quebec_contingent"]
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_profile_update(
                applicant=applicant,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                single_name=form.cleaned_data["single_name"],
                mcc_id=form.cleaned_data["mcc_id"],
                quebec_contingent=form.cleaned_data.get("quebec_contingent") or "",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("applicants:my_information")
    return render(
        request,
        "applicants/file_profile.html",
        {"applicant": applicant, "form": form, "missing": selectors.profile_missing(applicant)},
    )


def _entry_rows(spec: Section, entries: list[FileEntry]) -> list[dict[str, object]]:
    return [
        {
            "entry": entry,
            "values": [
                (f.label, display_value(spec, f.key, entry.data.get(f.key)))
                for f in spec.fields
                if entry.data.get(f.key) not in (None, "")
            ],
        }
        for entry in entries
    ]


@login_required
def file_section(request: HttpRequest, key: str) -> HttpResponse:
    applicant = _me(request)
    spec = _section_or_404(key)
    status = selectors.file_status(applicant).section(spec.key)
    language = request.POST.get("language") or request.GET.get("language") or ""
    forms_by_language = {}
    for lang in applicant.languages:
        bound = request.method == "POST" and lang == language
        forms_by_language[lang] = form_for(
            spec, request.POST if bound else None, prefix=f"{spec.key}-{lang}"
        )
    if request.method == "POST":
        form = forms_by_language.get(language)
        if form is None:
            messages.error(
                request, _("Your application is not in this language; nothing was saved.")
            )
        elif form.is_valid():
            try:
                services.file_entry_save(
                    applicant=applicant,
                    section_key=spec.key,
                    language=language,
                    data=form.cleaned_json(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The entry was added."))
                return redirect("applicants:file_section", key=spec.key)
        else:
            messages.error(request, _("Please correct the errors below; nothing was saved."))
    names = selectors.language_names()
    blocks = [
        {
            "language": lang,
            "name": names[lang],
            "rows": _entry_rows(spec, status.entries[lang]),
            "form": forms_by_language[lang],
            "can_add": spec.repeatable or not status.entries[lang],
        }
        for lang in applicant.languages
    ]
    return render(
        request,
        "applicants/file_section.html",
        {"applicant": applicant, "spec": spec, "status": status, "blocks": blocks},
    )


def _my_entry(
    request: HttpRequest, key: str, pk: int
) -> tuple[ApplicantProfile, Section, FileEntry]:
    applicant = _me(request)
    spec = _section_or_404(key)
    entry = get_object_or_404(FileEntry, pk=pk, section=spec.key)
    require(request.user, "applicant.file_entry", entry)
    return applicant, spec, entry


@login_required
def file_entry_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    applicant, spec, entry = _my_entry(request, key, pk)
    initial = {k: v for k, v in entry.data.items()}
    form = form_for(spec, request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.file_entry_save(
                    applicant=applicant,
                    section_key=spec.key,
                    language=entry.language,
                    data=form.cleaned_json(),
                    entry=entry,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The entry was saved."))
                return redirect("applicants:file_section", key=spec.key)
        else:
            messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(
        request,
        "applicants/file_entry_edit.html",
        {"spec": spec, "entry": entry, "form": form},
    )


@login_required
@require_POST
def file_entry_delete(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    applicant, spec, entry = _my_entry(request, key, pk)
    try:
        services.file_entry_delete(applicant=applicant, entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The entry was deleted."))
    return redirect("applicants:file_section", key=spec.key)


@login_required
@require_POST
def file_section_waive(request: HttpRequest, key: str) -> HttpResponse:
    applicant = _me(request)
    spec = _section_or_404(key)
    waived = request.POST.get("waived") == "1"
    try:
        services.section_waive(applicant=applicant, section_key=spec.key, waived=waived)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The section is marked “does not apply to me”.")
            if waived
            else _("The section is no longer marked “does not apply to me”."),
        )
    return redirect("applicants:file_section", key=spec.key)


# --- Can I apply here? ------------------------------------------------------------------------


def _program_or_404(code: str) -> Program:
    from programs.selectors import program_by_code

    program = program_by_code(_cycle(), code)
    if program is None:
        raise Http404(_("No program has this code."))
    return program


@login_required
def can_apply_page(request: HttpRequest, code: str) -> HttpResponse:
    applicant = _me(request)
    program = _program_or_404(code)
    return render(
        request,
        "applicants/can_apply.html",
        {
            "program": program,
            "verdict": can_apply(applicant, program),
            "ros_applies": ros_applies(applicant, program),
            "ros_terms": ros_terms(program) if program.return_of_service_years else "",
        },
    )


@login_required
@require_POST
def ros_acknowledge(request: HttpRequest, code: str) -> HttpResponse:
    applicant = _me(request)
    program = _program_or_404(code)
    if request.POST.get("acknowledge") != "on":
        messages.error(request, _("Tick the box to acknowledge the return-of-service terms."))
    else:
        try:
            services.ros_acknowledge(applicant=applicant, program=program)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You acknowledged the return-of-service terms."))
    return redirect("applicants:can_apply", code=program.code)


# --- Provincial lists: uploads ----------------------------------------------------------------


def _report_rows(report: ProvincialListImport) -> list[dict[str, object]]:
    return [{**row, "message": IMPORT_REASONS.get(row["code"], row["code"])} for row in report.rows]


@login_required
def provincial_upload(request: HttpRequest) -> HttpResponse:
    province = _body_province(request)
    cycle = _cycle()
    form = ProvincialListUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_LIST_BYTES:
            form.add_error(
                "file",
                _("The file is larger than 2 MB. Split it in several files and upload each."),
            )
        else:
            try:
                report = services.provincial_list_import(
                    cycle=cycle,
                    province=province,
                    content=upload.read(),
                    filename=upload.name or "",
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "%(accepted)s rows added, %(unchanged)s already on the list, "
                        "%(rejected)s rejected."
                    )
                    % {
                        "accepted": report.accepted,
                        "unchanged": report.unchanged,
                        "rejected": report.rejected,
                    },
                )
                return redirect("applicants:provincial_import", pk=report.pk)
    return render(
        request,
        "applicants/provincial_upload.html",
        {
            "form": form,
            "province": province,
            "imports": selectors.provincial_imports(cycle=cycle, province=province)[:20],
        },
    )


@login_required
def provincial_import(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        ProvincialListImport.objects.select_related("uploaded_by", "organisation"), pk=pk
    )
    require(request.user, "province.manage_list", report.province)
    return render(
        request,
        "applicants/provincial_import.html",
        {"report": report, "rows": _report_rows(report)},
    )
