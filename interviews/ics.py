"""iCalendar files (RFC 5545) of interview bookings, built with the ``icalendar`` library.

One event per booking: a UID stable for the invitation (``interview-<offer>@<domain>``, so a
file downloaded again after a swap updates the same event), SEQUENCE raised at each swap,
DTSTAMP, DTSTART/DTEND with TZID America/Toronto (and the VTIMEZONE), SUMMARY, LOCATION and
URL (the video link), DESCRIPTION (link and instructions in the active language).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.sites.models import Site
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cycles.selectors import TORONTO
from interviews.models import InterviewBooking


def _description(booking: InterviewBooking, *, for_program: bool) -> str:
    slot = booking.slot
    lines = []
    if for_program:
        application = booking.offer.application
        lines.append(
            _("Applicant: %(name)s (%(id)s), %(stream)s")
            % {
                "name": booking.applicant.display_name,
                "id": booking.applicant.matching_id,
                "stream": application.quota.get_stream_display(),
            }
        )
    if slot.video_link:
        lines.append(_("Video link: %(link)s") % {"link": slot.video_link})
    if slot.instructions:
        lines.append(slot.instructions)
    return "\n\n".join(lines)


def calendar_bytes(bookings: Iterable[InterviewBooking], *, for_program: bool, name: str) -> bytes:
    from icalendar import Calendar, Event

    domain = Site.objects.get_current().domain
    feed = Calendar()
    feed.add("prodid", "-//Jumelage//Interviews//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    feed.add("x-wr-timezone", "America/Toronto")
    stamp = timezone.now()
    for booking in bookings:
        slot = booking.slot
        program = booking.offer.application.program
        event = Event()
        event.add("uid", f"interview-{booking.offer_id}@{domain}")
        event.add("sequence", booking.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", slot.starts_at.astimezone(TORONTO))
        event.add("dtend", slot.ends_at.astimezone(TORONTO))
        if for_program:
            summary = _("Interview: %(name)s") % {"name": booking.applicant.display_name}
        else:
            summary = _("Interview with %(program)s") % {"program": program.name}
        event.add("summary", summary)
        event.add("description", _description(booking, for_program=for_program))
        if slot.video_link:
            event.add("location", slot.video_link)
            event.add("url", slot.video_link)
        feed.add_component(event)
    feed.add_missing_timezones()
    return bytes(feed.to_ical())


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
