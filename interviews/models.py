"""Interview offers (an applicant's status with a program) and interview scheduling.

- ``InterviewOffer``: the status a program gave one submitted application, its message, its
  place on the quota's waitlist, and the applicant's decline; ``InterviewStatusChange`` keeps
  every change (who, when, from → to).
- ``InterviewRelease``: the moment a program's invitations become visible to every selected
  applicant at once (and pickable); before it nobody sees a "selected" status or a slot.
- ``InterviewSlot`` / ``InterviewBooking``: the virtual interview times a program publishes and
  the seats applicants hold; the unique (slot, seat) and (program, applicant) constraints are the
  database's own guard against double booking (docs/programs.md, "Interviews").
- ``InterviewUpload``: one CSV upload of statuses and its row-by-row report.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class InterviewStatus(models.TextChoices):
    SELECTED = "selected", _("Selected for an interview")
    NOT_SELECTED = "not_selected", _("Not selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    NOT_THIS_ITERATION = "not_this_iteration", _("Not interviewing this iteration")


class InterviewOffer(models.Model):
    """The interview status a program gave one application (one per application: an
    application belongs to one quota, hence to one iteration)."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="interview",
    )
    status = models.CharField(_("status"), max_length=20, choices=InterviewStatus.choices)
    message = models.TextField(_("message to the applicant"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    waitlist_position = models.PositiveIntegerField(
        _("place on the waitlist"),
        null=True,
        blank=True,
        help_text=_("1 is the first waitlisted applicant of the quota to be invited."),
    )
    declined_at = models.DateTimeField(_("interview declined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("interview offer")
        verbose_name_plural = _("interview offers")
        ordering = ["application_id"]
        indexes = [models.Index(fields=["status"], name="interview_offer_status")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status}"

    @property
    def is_invitation(self) -> bool:
        """Selected and not declined (whether released yet is the program's release)."""
        return self.status == InterviewStatus.SELECTED and self.declined_at is None


class ChangeSource(models.TextChoices):
    ONE = "one", _("Set one by one")
    BULK = "bulk", _("Set in bulk")
    CSV = "csv", _("CSV upload")
    API = "api", _("API")
    WAITLIST = "waitlist", _("Invited from the waitlist")
    APPLICANT = "applicant", _("Declined by the applicant")


class InterviewStatusChange(models.Model):
    """One change of an offer: a status or message set by the program, a promotion from the
    waitlist, a decline by the applicant. Never changed afterwards."""

    offer = models.ForeignKey(
        InterviewOffer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=InterviewStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=InterviewStatus.choices)
    message = models.TextField(_("message to the applicant"), blank=True)
    source = models.CharField(_("how"), max_length=10, choices=ChangeSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("interview status change")
        verbose_name_plural = _("interview status changes")
        ordering = ["-at", "-pk"]


class InterviewRelease(models.Model):
    """When a program's interview invitations become visible, all at the same moment."""

    program = models.OneToOneField(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="interview_release",
    )
    release_at = models.DateTimeField(_("invitations released at"))
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    invitations_queued_at = models.DateTimeField(
        _("invitation e-mails queued at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("release of interview invitations")
        verbose_name_plural = _("releases of interview invitations")

    def __str__(self) -> str:
        return f"{self.program_id}: {self.release_at:%Y-%m-%d %H:%M}"

    def is_released(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.release_at


class InterviewSlot(models.Model):
    """A virtual interview time a program publishes (Toronto time, usually one seat)."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="interview_slots",
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    capacity = models.PositiveSmallIntegerField(
        _("applicants per slot"), default=1, help_text=_("Usually 1.")
    )
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    instructions_en = models.TextField(_("instructions (English)"), max_length=2000, blank=True)
    instructions_fr = models.TextField(_("instructions (French)"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["program", "starts_at"], name="interview_slot_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="interview_slot_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1),
                name="interview_slot_duration_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def instructions(self) -> str:
        if translation.get_language() == "fr":
            return self.instructions_fr or self.instructions_en
        return self.instructions_en or self.instructions_fr


class InterviewBooking(models.Model):
    """One seat of a slot held by one invited applicant. ``program`` and ``applicant`` repeat
    the offer's so that the database itself refuses a second slot per program."""

    slot = models.ForeignKey(
        InterviewSlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    seat = models.PositiveSmallIntegerField(_("seat"))
    offer = models.OneToOneField(
        InterviewOffer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="booking"
    )
    program = models.ForeignKey(
        "programs.Program", verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="interview_bookings",
    )
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now)
    sequence = models.PositiveIntegerField(
        _("changes"), default=0, help_text=_("Raised at each swap (iCalendar SEQUENCE).")
    )

    class Meta:
        verbose_name = _("interview booking")
        verbose_name_plural = _("interview bookings")
        ordering = ["slot__starts_at", "seat"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "seat"], name="one_booking_per_seat"),
            models.UniqueConstraint(
                fields=["program", "applicant"], name="one_interview_slot_per_program"
            ),
            models.CheckConstraint(
                condition=models.Q(seat__gte=1), name="interview_booking_seat_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id}/{self.seat}: {self.offer_id}"


class InterviewUpload(models.Model):
    """One CSV upload of interview statuses and its report. All or nothing: ``applied`` is
    true only when every row was valid; ``errors`` lists every refused row otherwise
    (row number, column, value, reason code; the message is translated when shown)."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="interview_uploads",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    changed = models.PositiveIntegerField(_("statuses changed"), default=0)
    applied = models.BooleanField(_("applied"), default=False)
    errors = models.JSONField(_("errors"), default=list)

    class Meta:
        verbose_name = _("interview status upload")
        verbose_name_plural = _("interview status uploads")
        ordering = ["-at", "-pk"]

    @property
    def bad_rows(self) -> int:
        """How many rows must be corrected (a row may have several errors)."""
        return len({e.get("row") for e in self.errors})
