"""Template tags of interviews for other apps' pages."""

from __future__ import annotations

from typing import Any

from django import template

from interviews.selectors import applicant_interviews

register = template.Library()


@register.inclusion_tag("interviews/_applicant_section.html")
def interview_statuses(applications: list[Any]) -> dict[str, Any]:
    """On the applicant's applications page: the interview status of each submitted
    application, its message and the invitation (a "selected" shows once the program released
    its invitations). A fixed number of queries."""
    submitted = [a for a in applications if a.status == "submitted"]
    if not submitted:
        return {"rows": []}
    seen = applicant_interviews(submitted)
    return {"rows": [seen[a.pk] for a in submitted]}
