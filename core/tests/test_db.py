"""atomic_with_retry: a transaction PostgreSQL aborted to break a deadlock is run again."""

from __future__ import annotations

import pytest
from django.db import OperationalError, transaction

from core.db import atomic_with_retry


class _Cause(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failing(times: int, sqlstate: str = "40P01"):  # type: ignore[no-untyped-def]
    calls = []

    @atomic_with_retry
    def work() -> str:
        calls.append(transaction.get_connection().in_atomic_block)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from _Cause(sqlstate)
        return "done"

    return work, calls


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_is_retried_in_a_new_transaction():
    work, calls = _failing(times=2)
    assert work() == "done"
    assert calls == [True, True, True]  # three attempts, each inside its own transaction


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_after_three_attempts_and_never_retries_other_errors():
    work, calls = _failing(times=3)
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 3
    other, other_calls = _failing(times=1, sqlstate="23505")  # not a deadlock
    with pytest.raises(OperationalError):
        other()
    assert len(other_calls) == 1


@pytest.mark.django_db(transaction=True)
def test_inside_an_enclosing_transaction_nothing_is_retried():
    work, calls = _failing(times=1)
    with pytest.raises(OperationalError), transaction.atomic():
        work()
    assert len(calls) == 1
