"""Forms of the interview pages (times are typed in Toronto time, the site's time zone)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cycles.selectors import TORONTO
from interviews.models import InterviewStatus

LOCAL = "%Y-%m-%dT%H:%M"


def _local_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Interview status"), choices=InterviewStatus.choices)
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the applicant's applications page and in the e-mail."),
    )
    waitlist_position = forms.IntegerField(
        label=_("Place on the waitlist (optional)"),
        required=False,
        min_value=1,
        help_text=_("For “Waitlisted” only: 1 is invited first. Empty: the end of the waitlist."),
    )


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Set the status of the ticked applications to"), choices=InterviewStatus.choices
    )
    message = forms.CharField(
        label=_("Message to each of them (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Replaces their current message; leave empty for none."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statuses (CSV file)"),
        help_text=_(
            "UTF-8 CSV, separated by , or ; — first line: application_id or matching_id, "
            "status, and optionally message and waitlist_position. At most 1 MB. All rows are "
            "applied, or none."
        ),
    )


def next_day_noon(now: dt.datetime | None = None) -> dt.datetime:
    """Tomorrow at 12:00, Toronto time: the release time suggested to programs."""
    local = (now or timezone.now()).astimezone(TORONTO) + dt.timedelta(days=1)
    return local.replace(hour=12, minute=0, second=0, microsecond=0)


class ReleaseForm(forms.Form):
    release_at = forms.DateTimeField(
        label=_("Release the invitations at (Toronto time)"),
        input_formats=[LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=_local_input(),
        help_text=_(
            "Every selected applicant sees the invitation and may choose a time from this "
            "moment, all at once. Announce it; a time a day ahead is fair to everyone."
        ),
    )


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("First interview starts at (Toronto time)"),
        input_formats=[LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=_local_input(),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=480, initial=30
    )
    count = forms.IntegerField(
        label=_("Number of back-to-back slots"),
        min_value=1,
        max_value=40,
        initial=1,
        help_text=_("For example 8 slots of 30 minutes from 9:00 fill the morning."),
    )
    capacity = forms.IntegerField(
        label=_("Applicants per slot"), min_value=1, max_value=20, initial=1
    )
    video_link = forms.URLField(
        label=_("Video link"), required=False, max_length=500, assume_scheme="https"
    )
    instructions_en = forms.CharField(
        label=_("Instructions (English)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    instructions_fr = forms.CharField(
        label=_("Instructions (French)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
