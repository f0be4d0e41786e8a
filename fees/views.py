"""The applicant's account (ledger, receipts) and recording offline payments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applicants.models import ApplicantProfile
from core.errors import DomainError
from core.pdf import pdf_response
from core.permissions import require, roles_of
from cycles.selectors import current_cycle
from fees import selectors, services
from fees.forms import RecordPaymentForm
from fees.models import LedgerEntry


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    require(request.user, "applicant.act")
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    applicant = ApplicantProfile.objects.get(pk=roles_of(request.user).applicant_id)
    entries = list(selectors.ledger_of(applicant, cycle))
    running = 0
    rows = []
    for entry in entries:
        running += entry.signed_cents
        rows.append((entry, running))
    return render(
        request,
        "fees/ledger.html",
        {"rows": rows, "balance": running, "schedule": selectors.schedule_of(cycle)},
    )


def _receipt(request: HttpRequest, number: str) -> LedgerEntry:
    entry = get_object_or_404(
        LedgerEntry.objects.select_related("applicant", "cycle"), receipt_number=number
    )
    require(request.user, "applicant.view", entry.applicant)
    return entry


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "fees/receipt.html", {"entry": _receipt(request, number)})


@login_required
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    entry = _receipt(request, number)
    return pdf_response(request, "fees/receipt.html", {"entry": entry}, filename=f"{number}.pdf")


@login_required
def record_payment(request: HttpRequest) -> HttpResponse:
    require(request.user, "match.administer")
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    form = RecordPaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.payment_record(
                actor=request.user,
                applicant=form.cleaned_data["matching_id"],
                cycle=cycle,
                amount_cents=int(form.cleaned_data["amount"] * 100),
                provider="offline",
                reference=form.cleaned_data["reference"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Payment recorded: receipt %(number)s.") % {"number": entry.receipt_number},
            )
            return redirect("fees:record_payment")
    return render(request, "fees/record_payment.html", {"form": form})
