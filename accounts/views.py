"""My account: the preferred language (for e-mails) and links to allauth's pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import LanguageForm
from accounts.services import user_set_language


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_set_language(user=request.user, language=form.cleaned_data["language"])
        messages.success(request, _("Saved: e-mails will come in the language you chose."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
