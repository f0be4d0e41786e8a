"""Reads of interview offers and slots."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from applications.models import Application, ApplicationStatus
from interviews.models import InterviewStatus


def interviewed_applications(quota: Any) -> QuerySet[Application]:
    """The submitted applications to ``quota`` whose applicant was selected for an interview:
    the applicants a program may put on that quota's rank order list."""
    return Application.objects.filter(
        quota=quota,
        status=ApplicationStatus.SUBMITTED,
        interview__status=InterviewStatus.SELECTED,
    ).select_related("applicant__user")
