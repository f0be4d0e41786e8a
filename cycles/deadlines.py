"""Server-side deadline guards. Every service that writes calls one of these first."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from cycles.models import Cycle, Iteration, MilestoneKind
from cycles.selectors import TORONTO, milestone_at


def format_toronto(moment: dt.datetime) -> str:
    """A date and time in Toronto time, in the active language's format."""
    return formats.date_format(moment.astimezone(TORONTO), "DATETIME_FORMAT")


def require_iteration(cycle: Cycle) -> Iteration:
    """The cycle's (first) iteration, whose calendar the deadlines are read from; refused with
    a translated message while the cycle has none."""
    from cycles.selectors import iteration_of

    iteration = iteration_of(cycle)
    if iteration is None:
        raise DomainError(_("This cycle has no calendar yet."), code="no_calendar")
    return iteration


def require_window(
    iteration: Iteration,
    *,
    opens: str | None,
    closes: str | None,
    what: str,
    now: dt.datetime | None = None,
) -> None:
    """Refuse with a translated message unless ``opens`` has passed and ``closes`` has not.

    ``what`` is the translated name of the operation, e.g. "Submitting your rank order list".
    """
    now = now or timezone.now()
    if opens is not None:
        at = milestone_at(iteration, opens)
        if at is None or now < at:
            label = MilestoneKind(opens).label
            when = format_toronto(at) if at else _("a date not yet set")
            raise DomainError(
                _("%(what)s is not open yet: it opens at “%(milestone)s”, %(when)s (Toronto time).")
                % {"what": what, "milestone": label, "when": when},
                code="not_open",
            )
    if closes is not None:
        at = milestone_at(iteration, closes)
        if at is not None and now >= at:
            raise DomainError(
                _(
                    "%(what)s closed at the “%(milestone)s”, %(when)s (Toronto time). "
                    "Nothing was changed."
                )
                % {
                    "what": what,
                    "milestone": MilestoneKind(closes).label,
                    "when": format_toronto(at),
                },
                code="closed",
            )
