"""The read-only admin of match runs, with a "Run the match now" button.

Assignments have no admin page: results leave the server only at release, through the gated
result pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import can, require
from cycles.selectors import current_iteration
from matchruns.models import MatchRun


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "iteration", "kind", "status", "snapshot_sha256", "duration_ms"]
    list_filter = ["kind", "status", "iteration"]
    exclude = ["snapshot", "result"]
    readonly_fields = [
        "iteration",
        "kind",
        "created_at",
        "created_by",
        "snapshot_sha256",
        "status",
        "problems",
        "duration_ms",
        "engine",
        "results_emailed_at",
    ]
    actions = ["run_now"]
    change_list_template = "admin/matchruns/matchrun/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, "match.administer")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, "match.administer")

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "run-now/",
                self.admin_site.admin_view(self.run_now_view),
                name="matchruns_matchrun_run_now",
            )
        ]
        return urls + super().get_urls()

    def _run(self, request: HttpRequest) -> None:
        """Start a run through the background queue (dry before the deadlines, official after);
        its outcome, or the reason it was refused, shows on the match administration page."""
        from matchruns.tasks import match_run_task

        require(request.user, "match.administer")
        iteration = current_iteration()
        if iteration is None:
            self.message_user(request, _("There is no current match cycle."), messages.ERROR)
            return
        match_run_task(actor_id=request.user.pk, iteration_id=iteration.pk, dry_run=None)
        self.message_user(
            request,
            _(
                "The run has started. Its result, or the reason it was refused, appears here "
                "and on the match administration page when it finishes."
            ),
            messages.INFO,
        )

    def run_now_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            self._run(request)
        return HttpResponseRedirect(reverse("admin:matchruns_matchrun_changelist"))

    @admin.action(description=gettext_lazy("Run the match now (current iteration)"))
    def run_now(self, request: HttpRequest, queryset: Any) -> None:
        self._run(request)
