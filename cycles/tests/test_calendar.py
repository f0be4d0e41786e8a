"""The match calendar: phases follow the server clock, iCal export, shifting, order."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from core.errors import DomainError
from cycles.models import MILESTONE_ORDER, MilestoneKind
from cycles.selectors import TORONTO, milestone_at, milestones_of, phase, results_release_at
from cycles.services import calendar_shift_to_phase, milestone_set

pytestmark = pytest.mark.django_db


def test_the_phase_changes_when_the_clock_passes_a_milestone(client, iteration):
    deadline = milestone_at(iteration, MilestoneKind.PROGRAM_ROL_DEADLINE)
    with time_machine.travel(deadline - dt.timedelta(seconds=1)):
        assert phase(iteration) == MilestoneKind.RANKING_OPENS
        page = client.get("/en/cycles/calendar/").content.decode()
        assert page.index("current phase") > page.index("Rank order list entry opens")
    with time_machine.travel(deadline):
        assert phase(iteration) == MilestoneKind.PROGRAM_ROL_DEADLINE


def test_ical_export_gives_every_milestone_in_toronto_time(client, cycle, iteration):
    response = client.get(f"/en/cycles/{cycle.slug}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(events) == len(MILESTONE_ORDER)
    starts = {str(e["summary"]).split(" — ")[0]: e.decoded("dtstart") for e in events}
    match_day = milestone_at(iteration, MilestoneKind.MATCH_DAY).replace(microsecond=0)
    assert starts[str(MilestoneKind.MATCH_DAY.label)] == match_day
    assert str(starts[str(MilestoneKind.MATCH_DAY.label)].tzinfo) == "America/Toronto"


def test_a_milestone_out_of_order_is_refused(iteration):
    opening = milestone_at(iteration, MilestoneKind.OPENING)
    with pytest.raises(DomainError, match="calendar order"):
        milestone_set(
            actor=None,
            iteration=iteration,
            kind=MilestoneKind.MATCH_DAY,
            at=opening - dt.timedelta(days=1),
        )


@pytest.mark.parametrize("target", [*MILESTONE_ORDER, "before_opening"])
def test_shifting_the_calendar_puts_now_in_the_phase_asked(iteration, target):
    calendar_shift_to_phase(actor=None, iteration=iteration, phase=target)
    iteration.refresh_from_db()
    assert phase(iteration) == target
    marks = milestones_of(iteration)
    assert [k for k, _ in sorted(marks.items(), key=lambda i: i[1])] == MILESTONE_ORDER
    assert marks[MilestoneKind.MATCH_DAY].astimezone(TORONTO).hour == 12


def test_results_are_released_at_noon_toronto_on_match_day(iteration):
    release = results_release_at(iteration)
    assert release is not None
    local = release.astimezone(TORONTO)
    assert (local.hour, local.minute) == (12, 0)


def test_the_api_gives_the_calendar_and_phase(client, cycle):
    data = client.get("/en/api/cycles/current").json()
    assert data["slug"] == cycle.slug
    (first,) = data["iterations"]
    assert first["phase"] == "ranking_opens"
    assert len(first["milestones"]) == len(MILESTONE_ORDER)


def test_the_admin_refuses_a_calendar_out_of_order(client, iteration, match_admin):
    match_admin.is_staff = True
    match_admin.is_superuser = True
    match_admin.save()
    client.force_login(match_admin)
    url = f"/en/admin/cycles/iteration/{iteration.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    milestones = list(iteration.milestones.order_by("at"))
    data = {
        "cycle": iteration.cycle_id,
        "kind": iteration.kind,
        "milestones-TOTAL_FORMS": len(milestones),
        "milestones-INITIAL_FORMS": len(milestones),
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 1000,
    }
    for i, m in enumerate(milestones):
        at = m.at if m.kind != "match_day" else milestones[0].at - dt.timedelta(days=1)
        local = at.astimezone(TORONTO)
        data.update(
            {
                f"milestones-{i}-id": m.pk,
                f"milestones-{i}-iteration": iteration.pk,
                f"milestones-{i}-kind": m.kind,
                f"milestones-{i}-at_0": local.strftime("%Y-%m-%d"),
                f"milestones-{i}-at_1": local.strftime("%H:%M:%S"),
            }
        )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "calendar order" in response.content.decode()
    assert iteration.milestones.get(kind="match_day").at == milestones[-1].at
