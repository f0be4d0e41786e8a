"""Program directory, program pages, the staff workspace and program editing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants.models import ApplicantProfile
from core.choices import PROVINCES_WITH_IMG_LIST, Stream
from core.errors import DomainError
from core.permissions import can, require, roles_of
from core.tokens import digest
from cycles.models import Cycle, MilestoneKind
from cycles.selectors import current_cycle, current_iteration, has_passed, milestone_at
from programs import selectors, services
from programs.forms import (
    ApproveForm,
    DescriptionForm,
    DirectoryFilterForm,
    QuotaForm,
    RequirementForm,
    ReturnForm,
    ReviewerAccessForm,
    ReviewerInviteForm,
)
from programs.models import (
    DescriptionState,
    InvitationState,
    Program,
    Quota,
    ReviewerInvitation,
)


def _cycle_or_404() -> Cycle:
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return cycle


def _viewer_applicant(request: HttpRequest) -> ApplicantProfile | None:
    applicant_id = roles_of(request.user).applicant_id
    if applicant_id is None:
        return None
    return ApplicantProfile.objects.get(pk=applicant_id)


def _openness(
    applicant: ApplicantProfile | None, programs: Any, cycle: Cycle
) -> dict[int, tuple[bool, str]]:
    if applicant is None:
        return {}
    provinces = selectors.eligible_provinces_of(applicant, cycle)
    return {
        quota.pk: selectors.quota_open_to(applicant, quota, eligible_provinces=provinces)
        for program in programs
        for quota in program.quotas.all()
    }


def directory(request: HttpRequest) -> HttpResponse:
    cycle = _cycle_or_404()
    form = DirectoryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    applicant = _viewer_applicant(request)
    page = selectors.program_directory(
        cycle=cycle,
        text=data.get("q", ""),
        discipline=data.get("discipline", ""),
        province=data.get("province", ""),
        language=data.get("language", ""),
        page=request.GET.get("page", 1),
    )
    if applicant is not None and data.get("open_to_me"):
        provinces = selectors.eligible_provinces_of(applicant, cycle)
        open_q = Q(quotas__stream__in=[applicant.stream, Stream.COMPETITIVE])
        if applicant.stream == Stream.IMG:
            closed = set(PROVINCES_WITH_IMG_LIST) - provinces
            open_q &= ~Q(quotas__stream=Stream.IMG, school__province__in=closed) | Q(
                quotas__stream=Stream.COMPETITIVE
            )
        programs = selectors.program_queryset(cycle).filter(
            pk__in=page.paginator.object_list.filter(open_q).values("pk")
        )
        from django.core.paginator import Paginator

        page = Paginator(programs, 25).get_page(request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/directory.html",
        {
            "form": form,
            "page": page,
            "openness": _openness(applicant, page.object_list, cycle),
            "applicant": applicant,
            "query": query.urlencode(),
        },
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    program = selectors.current_program_or_404(code, with_quotas=True)
    applicant = _viewer_applicant(request)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "published": selectors.latest_published(program),
            "chains": selectors.reversion_chains(program),
            "openness": _openness(applicant, [program], program.cycle),
            "applicant": applicant,
            "can_describe": can(request.user, "program.describe", program),
            "can_see_quotas": can(request.user, "program.edit", program),
        },
    )


def _can(user: Any, action: str, obj: Any) -> bool:
    return can(user, action, obj)


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    require(request.user, "program.staff_home")
    cycle = _cycle_or_404()
    roles = roles_of(request.user)
    programs = list(
        selectors.programs_of_staff(roles, cycle)
        .prefetch_related(None)
        .prefetch_related(_quota_prefetch())
    )
    return render(
        request,
        "programs/workspace.html",
        {
            "programs": programs,
            "iteration": current_iteration(),
            "editable": {p.pk for p in programs if _can(request.user, "program.edit", p)},
            "describable": {p.pk for p in programs if _can(request.user, "program.describe", p)},
            "reviewers_managed": {
                p.pk for p in programs if _can(request.user, "program.manage_review", p)
            },
            "rankable": roles.programs_with("program_director", "program_admin"),
            "approvals": _can(request.user, "program.approvals", None),
        },
    )


def _quota_prefetch() -> Any:
    from django.db.models import Prefetch

    return Prefetch(
        "quotas",
        queryset=Quota.objects.annotate(
            submitted=Count("applications", filter=Q(applications__status="submitted"))
        ).select_related("reverts_to__program"),
    )


def _program_or_404(code: str) -> Program:
    return selectors.current_program_or_404(code, with_quotas=True)


@login_required
def edit(request: HttpRequest, code: str) -> HttpResponse:
    """The description's working copy: the director or program administrator writes it in
    both languages, saves it as a draft, submits it to the PGME office, or withdraws it."""
    program = _program_or_404(code)
    require(request.user, "program.describe", program)
    working = selectors.description_working_copy(program)
    initial = {
        **working.content(),
        "training_language": working.training_language,
        "revision": working.revision,
    }
    form = DescriptionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "withdraw":
                services.description_withdraw(actor=request.user, program=program)
                messages.success(
                    request, _("The submission was withdrawn: you may change the draft.")
                )
                return redirect("programs:edit", code=program.code)
            if not form.is_valid():
                raise DomainError(_("Please correct the errors below; nothing was saved."))
            working = services.description_save(
                actor=request.user,
                program=program,
                content=form.content(),
                training_language=form.cleaned_data["training_language"],
                revision=form.cleaned_data.get("revision"),
            )
            if action != "submit":
                messages.success(
                    request,
                    _("The draft was saved. Applicants still read the published version."),
                )
                return redirect("programs:edit", code=program.code)
            try:
                services.description_submit(
                    actor=request.user, program=program, revision=working.revision
                )
            except DomainError as exc:
                messages.success(request, _("The draft was saved; it was not submitted."))
                messages.error(request, exc.message)
                return redirect("programs:edit", code=program.code)
            messages.success(
                request,
                _("The description was submitted to the PGME office for approval."),
            )
            return redirect("programs:edit", code=program.code)
        except DomainError as exc:
            messages.error(request, exc.message)
    iteration = current_iteration()
    return render(
        request,
        "programs/edit.html",
        {
            "program": program,
            "form": form,
            "working": working,
            "published": selectors.latest_published(program),
            "locked": working.state == DescriptionState.SUBMITTED,
            "deadline": milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)
            if iteration
            else None,
        },
    )


@login_required
def description_review(request: HttpRequest, code: str) -> HttpResponse:
    """The PGME office reads a submitted description beside the published one, approves it
    (it becomes the next published version) or sends it back with a comment."""
    program = _program_or_404(code)
    require(request.user, "program.approve", program)
    working = selectors.description_working_copy(program)
    published = selectors.latest_published(program)
    approve_form = ApproveForm(initial={"revision": working.revision})
    return_form = ReturnForm(
        request.POST if request.POST.get("action") == "return" else None,
        initial={"revision": working.revision},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                form = ApproveForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_("Reload the page and try again; nothing was changed."))
                version = services.description_approve(
                    actor=request.user, program=program, revision=form.cleaned_data["revision"]
                )
                messages.success(
                    request,
                    _("Version %(n)s of the description is published.") % {"n": version.version},
                )
                return redirect("programs:approvals")
            if action == "return":
                if not return_form.is_valid():
                    raise DomainError(
                        _("Say what the program should change in a comment; nothing was changed.")
                    )
                services.description_return(
                    actor=request.user,
                    program=program,
                    revision=return_form.cleaned_data["revision"],
                    comment=return_form.cleaned_data["comment"],
                )
                messages.success(
                    request, _("The description was sent back to the program with your comment.")
                )
                return redirect("programs:approvals")
            raise DomainError(_("Choose to approve or to send back; nothing was changed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    before = published.content() if published else {}
    rows = [
        {
            "title": title,
            "en": getattr(working, f"{key}_en"),
            "fr": getattr(working, f"{key}_fr"),
            "changed": (before.get(f"{key}_en"), before.get(f"{key}_fr"))
            != (getattr(working, f"{key}_en"), getattr(working, f"{key}_fr")),
        }
        for key, title, _text in working.sections()
    ]
    return render(
        request,
        "programs/description_review.html",
        {
            "program": program,
            "working": working,
            "published": published,
            "rows": rows,
            "language_changed": published is not None
            and published.training_language != working.training_language,
            "submitted": working.state == DescriptionState.SUBMITTED,
            "approve_form": approve_form,
            "return_form": return_form,
        },
    )


@login_required
def description_versions(request: HttpRequest, code: str) -> HttpResponse:
    """Every published version of the description, with who submitted and approved it."""
    program = _program_or_404(code)
    require(request.user, "program.edit", program)
    return render(
        request,
        "programs/description_versions.html",
        {"program": program, "versions": selectors.published_versions(program)},
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """The PGME office's page: its school's programs, descriptions awaiting approval first."""
    require(request.user, "program.approvals")
    cycle = _cycle_or_404()
    programs = selectors.programs_for_approval(roles_of(request.user), cycle)
    waiting = [
        p
        for p in programs
        if p.working is not None and p.working.state == DescriptionState.SUBMITTED  # type: ignore[attr-defined]
    ]
    return render(
        request,
        "programs/approvals.html",
        {"programs": programs, "waiting": waiting, "submitted": DescriptionState.SUBMITTED},
    )


@login_required
def quotas(request: HttpRequest, code: str) -> HttpResponse:
    """Quotas per stream and their reversion: set by the school's PGME office until ranking
    opens; the program's director and administrator read them."""
    program = _program_or_404(code)
    require(request.user, "program.edit", program)
    may_set = can(request.user, "program.approve", program)
    if request.method == "POST":
        require(request.user, "program.approve", program)
    cycle = program.cycle
    quota_list = list(program.quotas.all())
    iteration = quota_list[0].iteration if quota_list else current_iteration()
    closed = iteration is not None and has_passed(iteration, MilestoneKind.RANKING_OPENS)
    targets = Quota.objects.filter(program__school=program.school, iteration__cycle=cycle)
    target_choices = [("", _("Nowhere (positions stay unfilled)"))] + [
        (str(q.pk), f"{q.program.code} — {q.get_stream_display()}")
        for q in targets.select_related("program")
    ]
    quota_forms = []
    for quota in quota_list:
        qf = QuotaForm(
            request.POST or None,
            prefix=f"q{quota.pk}",
            initial={"positions": quota.positions, "reverts_to": quota.reverts_to_id or ""},
        )
        qf.fields["reverts_to"].choices = [c for c in target_choices if c[0] != str(quota.pk)]
        quota_forms.append((quota, qf))
    if request.method == "POST":
        if all(qf.is_valid() for _q, qf in quota_forms):
            try:
                with transaction.atomic():  # all or nothing
                    for quota, qf in quota_forms:
                        target_id = qf.cleaned_data["reverts_to"]
                        services.quota_update(
                            actor=request.user,
                            quota=quota,
                            positions=qf.cleaned_data["positions"],
                            reverts_to=targets.get(pk=target_id) if target_id else None,
                        )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The quotas and their reversion were saved."))
                return redirect("programs:quotas", code=program.code)
        else:
            messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(
        request,
        "programs/quotas.html",
        {
            "program": program,
            "quota_forms": quota_forms,
            "chains": selectors.reversion_chains(program),
            "may_set": may_set,
            "closed": closed,
            "closes_at": milestone_at(iteration, MilestoneKind.RANKING_OPENS)
            if iteration
            else None,
        },
    )


# --- File reviewers ----------------------------------------------------------------------------


@login_required
def reviewers(request: HttpRequest, code: str) -> HttpResponse:
    """The program's file reviewers: active, invited (pending or expired), removed; the
    director (or program administrator) invites by e-mail."""
    program = _program_or_404(code)
    require(request.user, "program.manage_review", program)
    streams = selectors.program_streams(program)
    form = ReviewerInviteForm(request.POST or None, streams=streams)
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.reviewer_invite(
                    actor=request.user,
                    program=program,
                    email=form.cleaned_data["email"],
                    read_only=form.read_only,
                    streams=form.cleaned_data["streams"],
                    language=translation.get_language() or "en",
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("An invitation was e-mailed to %(email)s.") % {"email": invitation.email},
                )
                return redirect("programs:reviewers", code=program.code)
        else:
            messages.error(request, _("Please correct the errors below; nothing was sent."))
    people = selectors.reviewers_of(program)
    access_forms = [
        (
            assignment,
            ReviewerAccessForm(
                streams=streams,
                prefix=f"r{assignment.user_id}",
                initial={
                    "access": "read_only" if assignment.read_only else "full",
                    "streams": assignment.streams,
                },
            ),
        )
        for assignment in people["active"]
    ]
    return render(
        request,
        "programs/reviewers.html",
        {
            "program": program,
            "form": form,
            "access_forms": access_forms,
            "pending": people["pending"],
            "removed": people["removed"],
            "stream_labels": dict(streams),
            "expired": InvitationState.EXPIRED,
        },
    )


@login_required
@require_POST
def reviewer_invitation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Send a pending invitation again (a new link) or cancel it."""
    program = _program_or_404(code)
    require(request.user, "program.manage_review", program)
    invitation = get_object_or_404(ReviewerInvitation, pk=pk, program=program)
    try:
        if request.POST.get("action") == "cancel":
            services.reviewer_invitation_cancel(actor=request.user, invitation=invitation)
            messages.success(request, _("The invitation was cancelled: its link no longer works."))
        else:
            services.reviewer_invitation_resend(
                actor=request.user,
                invitation=invitation,
                language=translation.get_language() or "en",
            )
            messages.success(
                request,
                _("A new invitation was e-mailed to %(email)s; the previous link no longer works.")
                % {"email": invitation.email},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("programs:reviewers", code=program.code)


@login_required
@require_POST
def reviewer(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    """Change a reviewer's access and streams, or remove them (effective at their next request)."""
    program = _program_or_404(code)
    require(request.user, "program.manage_review", program)
    try:
        if request.POST.get("action") == "remove":
            services.reviewer_remove(actor=request.user, program=program, reviewer_id=user_id)
            messages.success(request, _("The reviewer was removed: they no longer see the files."))
        else:
            form = ReviewerAccessForm(
                request.POST, streams=selectors.program_streams(program), prefix=f"r{user_id}"
            )
            if not form.is_valid():
                raise DomainError(_("Choose an access and streams; nothing was changed."))
            services.reviewer_update(
                actor=request.user,
                program=program,
                reviewer_id=user_id,
                read_only=form.read_only,
                streams=form.cleaned_data["streams"],
            )
            messages.success(request, _("The reviewer's access was changed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("programs:reviewers", code=program.code)


#: Session key: the SHA-256 of an invitation link opened before signing in (see signals.py).
PENDING_INVITATION = "programs.reviewer_invitation"
JUST_ACCEPTED = "programs.reviewer_invitation_accepted"


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link. Signed in with the invited address: accepted (the person becomes a
    file reviewer). Not signed in: sign in or create an account, then come back here (the link
    is remembered for this browser: signing in accepts it). Another account: told so."""
    token_hash = digest(token) if 0 < len(token) <= 200 else ""
    found = selectors.invitation_for_hash(token_hash)
    if found is None:
        return render(request, "programs/invitation.html", {"unknown": True}, status=404)
    here = request.get_full_path()
    context: dict[str, Any] = {
        "invitation": found,
        "program": found.program,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        "here": here,
    }
    if not request.user.is_authenticated:
        if found.state == InvitationState.PENDING:
            request.session[PENDING_INVITATION] = token_hash
        context["state"] = found.state
        return render(request, "programs/invitation.html", context)
    try:
        accepted = services.reviewer_invitation_accept(user=request.user, token_hash=token_hash)
    except DomainError as exc:
        if exc.code == "already":
            if request.session.pop(JUST_ACCEPTED, None) != found.pk:
                messages.info(request, exc.message)
            return redirect("review:list", code=found.program.code)
        context["error"] = exc.message
        context["wrong_account"] = exc.code == "wrong_account"
        return render(request, "programs/invitation.html", context)
    request.session.pop(PENDING_INVITATION, None)
    messages.success(
        request,
        _("You now review the files of %(name)s.") % {"name": accepted.program.name},
    )
    return redirect("review:list", code=accepted.program.code)


@login_required
def requirements(request: HttpRequest, code: str) -> HttpResponse:
    """What the program requires in an application: director, administrator, PGME office."""
    program = selectors.current_program_or_404(code, with_quotas=True)
    require(request.user, "program.edit", program)
    form = RequirementForm(request.POST or None)
    if request.method == "POST":
        remove_id = request.POST.get("remove", "")
        try:
            if remove_id:
                row = program.requirements.filter(pk=remove_id if remove_id.isdigit() else 0)
                if row.first() is None:
                    raise Http404(_("No such requirement."))
                services.requirement_remove(actor=request.user, requirement=row.first())
                messages.success(request, _("The requirement was removed."))
                return redirect("programs:requirements", code=program.code)
            if form.is_valid():
                data = form.cleaned_data
                services.requirement_add(
                    actor=request.user,
                    program=program,
                    what=data["what"],
                    required=data["required"],
                    count=data["count"],
                    language=data["language"],
                )
                messages.success(request, _("The requirement was added."))
                return redirect("programs:requirements", code=program.code)
            messages.error(request, _("Please correct the errors below; nothing was saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = selectors.requirements_of(program)
    return render(
        request,
        "programs/requirements.html",
        {
            "program": program,
            "form": form,
            "rows": [(row, selectors.requirement_label(row)) for row in rows],
            "is_default": not rows or rows[0].pk is None,
        },
    )
