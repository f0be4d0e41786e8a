""" "Deadline approaching" e-mails: 7 days and 1 day before, only to applicants with something
left to do, never twice (the clock is moved, the job is rerun)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from applications.models import Application, ApplicationStatus
from cycles.models import MilestoneKind
from cycles.selectors import milestone_at
from notifications.models import Notification
from notifications.reminders import days_bucket
from notifications.tasks import deadline_reminders_task
from ranking.models import RankList, RankListVersion
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(db):  # type: ignore[no-untyped-def]
    # Program selection reached a day ago: the application deadline is 9 days away.
    return factories.make_cycle(phase="program_selection")


def _apply(applicant, program, status=ApplicationStatus.SUBMITTED):  # type: ignore[no-untyped-def]
    return Application.objects.create(
        applicant=applicant,
        program=program,
        quota=program.quotas.first(),
        status=status,
        submitted_at=timezone.now() if status == ApplicationStatus.SUBMITTED else None,
    )


def _run(moment: dt.datetime, capture) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return deadline_reminders_task.call_local()


def test_the_buckets():
    at = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
    assert days_bucket(at, at - dt.timedelta(days=8)) is None
    assert days_bucket(at, at - dt.timedelta(days=7)) == 7
    assert days_bucket(at, at - dt.timedelta(days=2)) == 7
    assert days_bucket(at, at - dt.timedelta(hours=23)) == 1
    assert days_bucket(at, at) is None


def test_application_deadline_reminders_7_and_1_days_before_once_each(
    calendar, django_capture_on_commit_callbacks
):
    cycle, iteration = calendar
    program = factories.make_program(cycle=cycle, iteration=iteration)
    nothing_yet = factories.make_applicant(cycle=cycle, language="fr")
    half_done = factories.make_applicant(cycle=cycle)
    _apply(half_done, program, ApplicationStatus.SELECTED)
    done = factories.make_applicant(cycle=cycle)
    _apply(done, program)
    factories.make_applicant(cycle=cycle, participate=False)
    deadline = milestone_at(iteration, MilestoneKind.APPLICATION_DEADLINE)
    run = django_capture_on_commit_callbacks

    assert _run(deadline - dt.timedelta(days=8), run) == 0
    assert mail.outbox == []
    assert _run(deadline - dt.timedelta(days=6, hours=20), run) == 2
    assert _run(deadline - dt.timedelta(days=6, hours=19), run) == 0  # rerun the same day
    assert _run(deadline - dt.timedelta(days=5), run) == 0  # the next day, same bucket
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [nothing_yet.user.email, half_done.user.email]
    )
    french = next(m for m in mail.outbox if m.to == [nothing_yet.user.email])
    assert french.subject == "[Jumelage] La date limite de candidature est dans une semaine"
    assert "(heure de Toronto)" in french.body

    assert _run(deadline - dt.timedelta(hours=20), run) == 2
    assert _run(deadline - dt.timedelta(hours=10), run) == 0
    assert _run(deadline + dt.timedelta(hours=1), run) == 0
    assert len(mail.outbox) == 4
    assert Notification.objects.filter(recipient=done.user).count() == 0
    tomorrow = [m for m in mail.outbox if "tomorrow" in m.subject or "demain" in m.subject]
    assert len(tomorrow) == 2


def test_rank_list_reminders_only_to_applicants_who_have_not_submitted(
    calendar, django_capture_on_commit_callbacks
):
    cycle, iteration = calendar
    program = factories.make_program(cycle=cycle, iteration=iteration)
    not_submitted = factories.make_applicant(cycle=cycle)
    _apply(not_submitted, program)
    submitted = factories.make_applicant(cycle=cycle)
    _apply(submitted, program)
    rank_list = RankList.objects.create(iteration=iteration, applicant=submitted)
    RankListVersion.objects.create(
        rank_list=rank_list, number=1, entries=[], submitted_at=timezone.now()
    )
    factories.make_applicant(cycle=cycle)  # applied nowhere: nothing to rank
    deadline = milestone_at(iteration, MilestoneKind.APPLICANT_ROL_DEADLINE)

    assert _run(deadline - dt.timedelta(days=3), django_capture_on_commit_callbacks) == 1
    assert _run(deadline - dt.timedelta(days=2), django_capture_on_commit_callbacks) == 0
    assert [m.to for m in mail.outbox] == [[not_submitted.user.email]]
    assert "rank order list deadline is in one week" in mail.outbox[0].subject
    assert "/en/ranking/" in mail.outbox[0].body
    key = Notification.objects.get().dedupe_key
    assert key == f"deadline.rank_list:{iteration.pk}:{not_submitted.pk}:7d"


def test_no_current_cycle_no_reminders(db, django_capture_on_commit_callbacks):
    assert _run(timezone.now(), django_capture_on_commit_callbacks) == 0
