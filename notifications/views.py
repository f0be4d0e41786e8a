"""The match administrator's outbox: what was sent, what waits, what failed (and retry it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import require
from notifications import selectors, services
from notifications.forms import OutboxFilterForm
from notifications.models import Notification


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    require(request.user, "match.administer")
    form = OutboxFilterForm(request.GET or None, kinds=selectors.kinds())
    state = kind = ""
    if form.is_bound and form.is_valid():
        state, kind = form.cleaned_data["state"], form.cleaned_data["kind"]
    elif form.is_bound:
        messages.error(request, _("That filter is not available: showing every e-mail instead."))
    rows = list(selectors.outbox(state=state, kind=kind)[: selectors.PAGE_SIZE])
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "rows": rows,
            "counts": selectors.counts_by_state(),
            "page_size": selectors.PAGE_SIZE,
        },
    )


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "match.administer")
    notification = get_object_or_404(Notification, pk=pk)
    try:
        services.notification_retry(actor=request.user, notification=notification)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The e-mail was queued again."))
    return redirect("notifications:outbox")
