"""Template helpers shared by every domain: the next deadline and its countdown, money."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from cycles.models import Iteration, MilestoneKind
from cycles.selectors import next_milestone, phase

register = template.Library()


@register.inclusion_tag("core/_next_deadline.html")
def next_deadline(iteration: Iteration | None) -> dict[str, Any]:
    """What is due next in ``iteration``, with a countdown computed on the server."""
    if iteration is None:
        return {"upcoming": None}
    now = timezone.now()
    upcoming = next_milestone(iteration, now)
    if upcoming is None:
        return {"upcoming": None, "phase": phase(iteration, now)}
    kind, at = upcoming
    left = at - now
    return {
        "upcoming": MilestoneKind(kind).label,
        "kind": kind,
        "at": at,
        "days": left.days,
        "hours": left.seconds // 3600,
        "minutes": (left.seconds % 3600) // 60,
    }


@register.filter
def money(cents: int | None) -> str:
    """Cents as dollars with two decimals (the currency is shown beside it)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


@register.filter
def lookup(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``mapping|lookup:key`` — a value from a dict built by the view."""
    if not mapping:
        return None
    return mapping.get(key)
