"""Database helpers shared by the services."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import OperationalError, connection, transaction

F = TypeVar("F", bound=Callable[..., Any])

#: PostgreSQL's SQLSTATE for "deadlock detected" and "could not serialize access".
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 3


def _retryable(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def atomic_with_retry(fn: F) -> F:
    """``transaction.atomic``, retried (up to three times) when PostgreSQL aborts it to break
    a deadlock: two requests that lock the same rows in different orders (an applicant's
    decline promoting a waitlisted applicant while the program changes statuses in bulk) then
    both succeed in turn instead of one ending in an error page. Inside an enclosing
    transaction (a test, a larger service) nothing is retried: the caller owns the block."""
    atomic_fn = transaction.atomic(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if connection.in_atomic_block:
            return atomic_fn(*args, **kwargs)
        for attempt in range(ATTEMPTS):
            try:
                return atomic_fn(*args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS - 1 or not _retryable(error):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper  # type: ignore[return-value]
