""" "Deadline approaching" e-mails: 7 days and 1 day before the application deadline and the
applicant rank order list deadline, to each participating applicant who still has something to
do. A daily job; the dedupe key (applicant, milestone, days before) makes reruns harmless."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.sites.models import Site
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation

from applicants.models import ApplicantProfile
from applications.models import ApplicationStatus
from cycles.deadlines import format_toronto
from cycles.models import Iteration, MilestoneKind
from cycles.selectors import current_iteration, milestone_at
from notifications.models import Notification
from notifications.services import notify, recipient_language
from ranking import selectors as ranking_selectors

REMINDER_DAYS = (1, 7)  # smallest first: the bucket the remaining time falls in

# milestone -> (notification kind, page the applicant acts on)
MILESTONES = {
    MilestoneKind.APPLICATION_DEADLINE: ("deadline.application", "applications:mine"),
    MilestoneKind.APPLICANT_ROL_DEADLINE: ("deadline.rank_list", "ranking:applicant"),
}


def days_bucket(deadline: dt.datetime, now: dt.datetime) -> int | None:
    """1 when the deadline is at most a day away, 7 when at most a week away, else ``None``. A
    missed daily run is caught up the next day (the 7-day e-mail goes out on day 6)."""
    remaining = deadline - now
    if remaining <= dt.timedelta(0):
        return None
    for days in REMINDER_DAYS:
        if remaining <= dt.timedelta(days=days):
            return days
    return None


def _participants(iteration: Iteration) -> Iterable[ApplicantProfile]:
    cycle_id = iteration.cycle_id
    in_cycle = Q(applications__program__cycle_id=cycle_id)
    return (
        ApplicantProfile.objects.filter(
            participations__cycle_id=cycle_id, participations__withdrawn_at__isnull=True
        )
        .select_related("user")
        .annotate(
            submitted=Count(
                "applications",
                filter=in_cycle & Q(applications__status=ApplicationStatus.SUBMITTED),
                distinct=True,
            ),
            selected=Count(
                "applications",
                filter=in_cycle & Q(applications__status=ApplicationStatus.SELECTED),
                distinct=True,
            ),
        )
        .distinct()
        .order_by("pk")
    )


def _rank_list_to_do(applicant: ApplicantProfile, iteration: Iteration) -> bool:
    """Whether the list the match will use (the couple's, when linked) is missing, never
    submitted, or has changes not submitted yet."""
    couple = ranking_selectors.linked_couple(applicant, iteration.cycle_id)
    if couple is not None:
        rank_list = ranking_selectors.couple_rank_list(couple, iteration)
        if rank_list is None:
            return True
        version = ranking_selectors.last_version(rank_list)
        entries = ranking_selectors.entries_of(rank_list)
        return version is None or ranking_selectors.has_unsubmitted_changes(entries, version)
    return ranking_selectors.rank_list_status(applicant, iteration) != "submitted"


def has_something_to_do(applicant: ApplicantProfile, milestone: str, iteration: Iteration) -> bool:
    if milestone == MilestoneKind.APPLICATION_DEADLINE:
        # Programs chosen but not submitted, or nothing submitted at all.
        return bool(applicant.selected) or not applicant.submitted  # type: ignore[attr-defined]
    # Rank order list: only applicants who applied somewhere have programs to rank.
    return bool(applicant.submitted) and _rank_list_to_do(applicant, iteration)  # type: ignore[attr-defined]


@transaction.atomic
def deadline_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders due now for the current iteration. Returns how many were new."""
    now = now or timezone.now()
    iteration = current_iteration()
    if iteration is None:
        return 0
    due = []
    for milestone in MILESTONES:
        at = milestone_at(iteration, milestone)
        days = days_bucket(at, now) if at is not None else None
        if days is not None and at is not None:
            due.append((milestone, at, days))
    if not due:
        return 0
    domain = Site.objects.get_current().domain
    created = 0
    for applicant in _participants(iteration):
        user = applicant.user
        language = recipient_language(user)
        for milestone, at, days in due:
            if not has_something_to_do(applicant, milestone, iteration):
                continue
            kind, url_name = MILESTONES[milestone]
            key = f"{kind}:{iteration.pk}:{applicant.pk}:{days}d"
            if Notification.objects.filter(dedupe_key=key).exists():
                continue  # already reminded (a rerun of the day, or the same bucket yesterday)
            with translation.override(language):
                url = f"https://{domain}{reverse(url_name)}"
                deadline = format_toronto(at)
            notify(
                kind=kind,
                to_user=user,
                language=language,
                dedupe_key=key,
                context={
                    "applicant": applicant,
                    "deadline": deadline,
                    "days": days,
                    "url": url,
                    "iteration": iteration,
                },
            )
            created += 1
    return created
