"""Background job of interviews (huey): the invitation e-mails of releases whose time came.

The release itself needs no job: what an applicant sees is decided by ``release_at`` on every
request. The outbox has no "send not before", so the e-mails are queued by this sweep, every
minute, once per release (``InterviewRelease.invitations_queued_at``).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def interview_invitations_task() -> int:
    """Every minute: queue the invitation e-mails of programs whose release time has come."""
    from interviews.services import invitations_queue_due

    return invitations_queue_due()
