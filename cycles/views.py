"""The public match calendar and its iCalendar export."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cycles.models import Cycle, MilestoneKind
from cycles.selectors import TORONTO, current_cycle, milestones_of, phase


def _iterations(cycle: Cycle) -> list[dict[str, object]]:
    now = timezone.now()
    out = []
    for iteration in cycle.iterations.all():
        marks = milestones_of(iteration)
        current = phase(iteration, now)
        out.append(
            {
                "iteration": iteration,
                "milestones": [
                    {
                        "kind": kind,
                        "label": MilestoneKind(kind).label,
                        "at": at,
                        "current": kind == current,
                        "past": at <= now,
                    }
                    for kind, at in sorted(marks.items(), key=lambda item: item[1])
                ],
            }
        )
    return out


def calendar(request: HttpRequest) -> HttpResponse:
    cycle = current_cycle()
    if cycle is None:
        raise Http404(_("No match cycle is open."))
    return render(
        request, "cycles/calendar.html", {"cycle": cycle, "iterations": _iterations(cycle)}
    )


def ical(request: HttpRequest, slug: str) -> HttpResponse:
    """Every milestone of the cycle as an iCalendar event (Toronto time)."""
    from icalendar import Calendar, Event

    cycle = get_object_or_404(Cycle, slug=slug)
    feed = Calendar()
    feed.add("prodid", "-//Jumelage//Match calendar//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", str(cycle))
    feed.add("x-wr-timezone", "America/Toronto")
    stamp = timezone.now()
    for item in _iterations(cycle):
        iteration = item["iteration"]
        for milestone in item["milestones"]:  # type: ignore[attr-defined]
            event = Event()
            event.add("uid", f"{cycle.slug}-{iteration.kind}-{milestone['kind']}@jumelage")
            event.add("summary", f"{milestone['label']} — {iteration.get_kind_display()}")
            start = milestone["at"].astimezone(TORONTO)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=30))
            event.add("dtstamp", stamp)
            feed.add_component(event)
    feed.add_missing_timezones()
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{cycle.slug}.ics"'
    return response
